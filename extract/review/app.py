"""The review page: a Starlette app served by uvicorn on 127.0.0.1.

Starlette because it is small, maintained and needs nothing but itself and anyio to serve
four routes (no template engine, no ORM: the page is one static file that asks for JSON),
and uvicorn because it is the ASGI server Starlette is run on. Every request but the static
page assets carries the run's token (a query parameter or the X-Jixiao-Token header); a
change is a POST with it. Document texts reach the page only as JSON and are set as text
by the script, never as markup.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from extract.audit import Rules

STATIC = Path(__file__).with_name("static")
CROP_DPI = 130
# Page around a field's box shown with it (points): its row and a neighbour or two.
CROP_MARGIN_X, CROP_MARGIN_Y = 160.0, 45.0


@dataclass
class Review:
    """One review session over a dataset directory: the reading (raw tables, read once), the
    journal and the audit, re-read after every change."""

    directory: Path
    token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    reviewer: str | None = None
    rules: Rules | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        from extract.dataset import read_dataset

        self.raw = read_dataset(self.directory, raw=True)
        self._documents: dict[str, object] = {}
        self.refresh(audit=False)

    def refresh(self, audit: bool = True) -> None:
        from extract.audit import audit_directory
        from extract.dataset.corrections import apply_journal, read_journal
        from extract.dataset.store import table_path

        self.journal = read_journal(self.directory)
        self.tables = apply_journal(self.raw, self.journal)
        if audit or not table_path(self.directory, "findings").exists():
            self.findings = audit_directory(self.directory, self.rules)
        else:
            self.findings = pl.read_parquet(table_path(self.directory, "findings"))

    def queue(self) -> dict:
        from extract.review.queue import build_queue

        items = build_queue(self.tables, self.findings, self.journal)
        forms = self.tables["forms"].select("form_id", "needs_review", "doubts_open")
        return {
            "items": [i.json() for i in items],
            "left": sum(i.settled is None for i in items),
            "total": len(items),
            "forms": {r["form_id"]: {"needs_review": r["needs_review"], "doubts_open": r["doubts_open"]}
                      for r in forms.iter_rows(named=True)},
            "findings": _findings_by_form(self.findings),
            "reviewer": self.reviewer,
        }

    def enter(self, form_id: str, subject: str, name: str, action: str, value: str | None, note: str | None) -> dict:
        """One correction or confirmation, checked and appended to the journal; the audit run
        again. Raises CorrectionError."""
        from extract.dataset.corrections import check, record

        with self.lock:
            entry = check(self.raw, form_id, subject, name, value, action, self.reviewer, note)
            record(self.directory, [entry])
            self.refresh()
        return {"old": entry.old, "new": entry.new}

    def crop(self, form_id: str, subject: str, name: str) -> bytes | None:
        """A JPEG of the page around the field's box (marked), or of the form's first page."""
        from extract.records import PageFrame
        from extract.report.views import DOUBT_COLOUR, Mark, marked_page

        boxes = self.raw["boxes"].filter((pl.col("form_id") == form_id) & (pl.col("subject") == subject)
                                         & pl.col("field").is_in([name, "target_op"] if name == "target" else [name]))
        form = self.raw["forms"].filter(pl.col("form_id") == form_id)
        if form.is_empty():
            return None
        doc_id, page = form["doc_id"][0], form["page_start"][0]
        box = boxes.row(0, named=True) if boxes.height else None
        if box is not None:
            page = box["page"]
        frames = self.raw["pages"].filter((pl.col("doc_id") == doc_id) & (pl.col("page") == page))
        if frames.is_empty():
            return None
        r = frames.row(0, named=True)
        frame = PageFrame(r["page"], r["method"], r["width"], r["height"], r["turns"] or 0, r["skew"] or 0.0, r["dpi"])
        marks, clip = [], None
        if box is not None:
            rect = (box["x0"], box["y0"], box["x1"], box["y1"])
            marks = [Mark(rect, DOUBT_COLOUR, width=1.6, dashed=True)]
            clip = (max(0.0, rect[0] - CROP_MARGIN_X), max(0.0, rect[1] - CROP_MARGIN_Y),
                    min(frame.width, rect[2] + CROP_MARGIN_X), min(frame.height, rect[3] + CROP_MARGIN_Y))
        with self.lock:  # PyMuPDF is not thread-safe
            doc = self._document(doc_id)
            if doc is None:
                return None
            pix = marked_page(doc, frame, marks, CROP_DPI if clip else 80, clip)
            return pix.tobytes("jpeg", jpg_quality=80)

    def _document(self, doc_id: str):
        if doc_id not in self._documents:
            from extract.report.views import open_source

            docs = self.raw["documents"].filter(pl.col("doc_id") == doc_id)
            doc = None
            if docs.height and docs["source"][0]:
                try:
                    doc = open_source(docs["source"][0], docs["member"][0])
                except Exception:  # noqa: BLE001 — a source moved or unreadable: no crop, the rest works
                    doc = None
            self._documents[doc_id] = doc
        return self._documents[doc_id]

    def close(self) -> None:
        for doc in self._documents.values():
            if doc is not None:
                doc.close()


def _findings_by_form(findings: pl.DataFrame) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    cols = ["form_id", "check", "severity", "subject", "message", "source"]
    for f in findings.select([c for c in cols if c in findings.columns]).iter_rows(named=True):
        out.setdefault(f["form_id"], []).append(f)
    return out


def build_app(review: Review, loopback: bool = True):
    """The ASGI app of a review session."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import FileResponse, JSONResponse, Response
    from starlette.routing import Route

    from extract.dataset.corrections import CorrectionError

    csp = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
           "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    headers = {"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
               "Cache-Control": "no-store"}

    def allowed(request: Request) -> bool:
        given = request.query_params.get("token") or request.headers.get("x-jixiao-token") or ""
        return secrets.compare_digest(given.encode(), review.token.encode())

    def forbidden() -> Response:
        return Response("forbidden: this page needs the token of the running `jixiao review`\n", 403,
                        media_type="text/plain", headers=headers)

    def page(request: Request) -> Response:
        if not allowed(request):
            return forbidden()
        return FileResponse(STATIC / "review.html", media_type="text/html; charset=utf-8", headers=headers)

    def asset(request: Request) -> Response:
        name = request.path_params["name"]
        media = {"review.js": "text/javascript; charset=utf-8", "review.css": "text/css; charset=utf-8"}.get(name)
        if media is None:
            return Response("not found\n", 404, media_type="text/plain", headers=headers)
        return FileResponse(STATIC / name, media_type=media, headers=headers)

    def queue(request: Request) -> Response:
        if not allowed(request):
            return forbidden()
        return JSONResponse(review.queue(), headers=headers)

    def crop(request: Request) -> Response:
        if not allowed(request):
            return forbidden()
        q = request.query_params
        jpeg = review.crop(q.get("form_id", ""), q.get("subject", ""), q.get("field", ""))
        if jpeg is None:
            return Response("no page image\n", 404, media_type="text/plain", headers=headers)
        return Response(jpeg, media_type="image/jpeg", headers=headers)

    async def entry(request: Request) -> Response:
        if not allowed(request):
            return forbidden()
        try:
            body = await request.json()
            result = review.enter(str(body["form_id"]), str(body["subject"]), str(body["field"]), str(body["action"]),
                                  None if body.get("value") is None else str(body["value"]),
                                  body.get("note") or None)
        except CorrectionError as exc:
            return JSONResponse({"error": str(exc)}, 400, headers=headers)
        except (KeyError, ValueError, TypeError):
            return JSONResponse({"error": "expected JSON with form_id, subject, field, action and value"}, 400,
                                headers=headers)
        return JSONResponse({"ok": True, **result, **review.queue()}, headers=headers)

    def no_icon(request: Request) -> Response:
        return Response(status_code=204, headers=headers)

    routes = [Route("/", page), Route("/favicon.ico", no_icon), Route("/static/{name}", asset), Route("/api/queue", queue),
              Route("/api/crop", crop), Route("/api/entry", entry, methods=["POST"])]
    # Another site's page cannot reach this one through a name that resolves here.
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])] if loopback else []
    return Starlette(routes=routes, middleware=middleware)


def serve(review: Review, host: str = "127.0.0.1", port: int = 8765, on_ready=None) -> None:
    """Serve until interrupted; `on_ready(url)` once the socket listens."""
    import uvicorn

    app = build_app(review, loopback=host in ("127.0.0.1", "localhost"))
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)

    if on_ready is not None:
        def ready() -> None:
            import time

            while not server.started and not server.should_exit:
                time.sleep(0.05)
            if server.started:
                shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
                on_ready(f"http://{shown}:{port}/?token={review.token}")
        threading.Thread(target=ready, daemon=True).start()
    try:
        server.run()
    finally:
        review.close()
