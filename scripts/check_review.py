"""Walk `jixiao review` in headless Chromium as a reviewer would, by keyboard.

Starts `jixiao review DATASET --no-open` (the real command, a subprocess), opens its page,
moves down the queue with j, types a corrected value over the current field and presses
Enter, then reloads the page and reads the queue back. Also checks that the API refuses a
request without the run's token. Saves a screenshot.

    python scripts/check_review.py DATASET --value TEXT [--screenshot PNG]

Needs Debian's chromium (/usr/bin/chromium) and playwright (which drives it).
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
STARTUP_S = 60.0  # loading a dataset and the audit; a busy CI machine is slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_review(dataset: Path, jixiao: str | None = None) -> tuple[subprocess.Popen, str]:
    """`jixiao review` running on a free port, and its URL (with the token)."""
    jixiao = jixiao or str(Path(sys.executable).with_name("jixiao"))
    proc = subprocess.Popen([jixiao, "review", str(dataset), "--no-open", "--port", str(free_port()),
                             "--reviewer", "browser-test"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            if proc.poll() is not None:
                raise RuntimeError(f"jixiao review exited {proc.returncode}")
            continue
        if m := re.search(r"(http://\S+\?token=\S+)", line):
            return proc, m[1]
    proc.kill()
    raise RuntimeError("jixiao review did not print its URL")


def _status(url: str, data: bytes | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method="POST" if data else "GET")) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def check_review(dataset: Path, value: str, screenshot: Path | None = None, target: str | None = None,
                 executable: str = CHROMIUM) -> dict:
    """`target` ("indicators[0].score"): press j until that item is the current one (else the
    first item the queue opens on is corrected)."""
    from playwright.sync_api import sync_playwright

    proc, url = start_review(dataset)
    base = url.split("?", 1)[0].rstrip("/")
    seen = {"requests": [], "errors": [], "dialogs": []}
    try:
        refused = {"page": _status(base + "/"), "queue": _status(base + "/api/queue"),
                   "entry": _status(base + "/api/entry", json.dumps({"form_id": "x"}).encode())}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.on("request", lambda r: seen["requests"].append(r.url))
                page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
                page.on("pageerror", lambda e: seen["errors"].append(str(e)))
                page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
                page.goto(url, wait_until="load")
                page.wait_for_selector("#queue li")
                before = page.evaluate("() => document.getElementById('progress').textContent")
                current = """() => ({subject: document.getElementById('subject').textContent,
                                     field: document.getElementById('field').textContent,
                                     value: document.getElementById('value').value})"""
                item = page.evaluate(current)
                rows = page.evaluate("() => document.querySelectorAll('#queue li').length")
                for _ in range(rows):
                    if target is None or f"{item['subject']}.{item['field']}" == target:
                        break
                    page.keyboard.press("j")
                    item = page.evaluate(current)
                page.wait_for_function("() => document.getElementById('crop').complete")
                crop_ok = page.evaluate("() => document.getElementById('crop').naturalWidth > 0")
                # markup printed in the forms' cells, shown as text (not as elements)
                markup = page.evaluate("""() => ({scripts: document.querySelectorAll('script').length,
                    as_text: (document.body.textContent.match(/<(script|img|svg|iframe)[ >]/g) || []).length})""")
                page.keyboard.type(value)  # typing starts the correction
                if screenshot is not None:  # the field, its page and the value typed over it
                    screenshot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshot))
                page.keyboard.press("Enter")
                page.wait_for_function("() => document.getElementById('status').textContent.length > 0")
                status = page.evaluate("() => document.getElementById('status').textContent")
                page.reload(wait_until="load")
                page.wait_for_function("() => document.getElementById('progress').textContent !== '…'")
                after = page.evaluate("() => document.getElementById('progress').textContent")
                settled = page.evaluate("() => document.querySelectorAll('#queue li.settled').length")
            finally:
                browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    local = [u for u in seen["requests"] if u.startswith(base)]
    return {"item": item, "status": status, "before": before, "after": after, "settled": settled,
            "crop_ok": crop_ok, "refused": refused, "markup": markup, "foreign_requests": sorted(set(seen["requests"]) - set(local)),
            "errors": seen["errors"], "dialogs": seen["dialogs"]}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--value", required=True)
    ap.add_argument("--target", help="the item to correct, as subject.field (default: the first)")
    ap.add_argument("--screenshot", type=Path)
    args = ap.parse_args()
    print(json.dumps(check_review(args.dataset, args.value, args.screenshot, args.target), ensure_ascii=False, indent=2))
