"""Open a jixiao HTML report in headless Chromium and check it as a reader would.

Checks: the sections are there (overview, charts, the cross-project table, one page per
form with its page crops shown), sorting by a column works, a form page opens from its
link, no request leaves the page, no dialog opens and nothing is logged as an error (a
Content-Security-Policy violation would be). Saves screenshots of the overview and of
the first form page.

    python scripts/check_report.py REPORT.html --screenshots DIR [--expect-forms N]

Needs Debian's chromium (/usr/bin/chromium) and the playwright package (no browser
download: playwright drives the system Chromium).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Chromium's own background traffic is switched off, so any request but the file is the page's.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def check_report(report: Path, screenshots: Path, executable: str = CHROMIUM) -> dict:
    from playwright.sync_api import sync_playwright

    report = report.resolve()
    screenshots.mkdir(parents=True, exist_ok=True)
    url = report.as_uri()
    seen = {"requests": [], "dialogs": [], "errors": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
            page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
            page.on("pageerror", lambda e: seen["errors"].append(str(e)))
            page.goto(url, wait_until="load")
            result = page.evaluate("""() => ({
                sections: ["overview", "charts", "projects"].filter((id) => document.getElementById(id)),
                charts: document.querySelectorAll("#charts svg").length,
                rows: document.querySelectorAll("#projects tbody tr").length,
                form_pages: document.querySelectorAll("section.form-page").length,
                crops: document.querySelectorAll("section.form-page img").length,
                crops_decoded: Array.from(document.querySelectorAll("section.form-page img"))
                    .filter((i) => i.complete && i.naturalWidth > 0).length,
                scripts: document.querySelectorAll("script").length,
                // markup printed in the forms' cells, present as text (not as elements)
                markup_as_text: (document.body.textContent.match(/<(script|img|svg|iframe)[ >]/g) || []).length,
                overview_visible: document.getElementById("overview").offsetParent !== null,
            })""")
            page.screenshot(path=str(screenshots / "overview.png"), full_page=False)
            # sort by 总分 (descending after two clicks) and read the column back
            header = page.locator("#projects th", has_text="总分")
            header.click()
            header.click()
            col = page.evaluate("""() => { const ths = Array.from(document.querySelectorAll('#projects th'));
                const i = ths.findIndex((t) => t.textContent.startsWith('总分'));
                return Array.from(document.querySelectorAll('#projects tbody tr'))
                    .map((r) => r.cells[i].dataset.v).filter((v) => v !== '').map(Number); }""")
            result["sorted_descending"] = col == sorted(col, reverse=True) and len(col) > 1
            # open the first form's page from its link
            page.locator("#projects tbody tr a").first.click()
            target = page.evaluate("() => location.hash")
            result["form_page_opens"] = page.evaluate(
                "(h) => { const s = document.querySelector(h); return !!s && s.offsetParent !== null"
                " && document.querySelector('main').offsetParent === null; }", target)
            page.screenshot(path=str(screenshots / "form.png"), full_page=False)
        finally:
            browser.close()
    result["foreign_requests"] = [u for u in seen["requests"] if u.split("#")[0] != url and not u.startswith("data:")]
    result["dialogs"] = seen["dialogs"]
    result["errors"] = seen["errors"]
    result["screenshots"] = [str(screenshots / "overview.png"), str(screenshots / "form.png")]
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("--screenshots", type=Path, default=Path("out/report-screenshots"))
    ap.add_argument("--expect-forms", type=int, default=None)
    args = ap.parse_args(argv)
    r = check_report(args.report, args.screenshots)
    print(json.dumps(r, ensure_ascii=False, indent=1))
    ok = (len(r["sections"]) == 3 and r["charts"] >= 3 and r["crops"] == r["crops_decoded"] and r["sorted_descending"]
          and r["form_page_opens"] and not r["foreign_requests"] and not r["dialogs"] and not r["errors"]
          and (args.expect_forms is None or r["form_pages"] == args.expect_forms))
    print("report check:", "ok" if ok else "FAILED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
