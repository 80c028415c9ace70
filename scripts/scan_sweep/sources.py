"""The sweep's sources: text fixtures with a truth JSON, the page ranges a variation may take
from them, and the truth of such a range as a scan (what scripts/scan_fixtures.py writes)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

from scan_sweep import ROOT

SOURCE_DIRS = (ROOT / "fixtures" / "text", ROOT / "fixtures" / "variants" / "text")
# Not forms (no_form_report) or not a scan's business (markup_in_cells: HTML-ish cell text).
EXCLUDED = frozenset({"no_form_report", "markup_in_cells"})
# A variation takes at most this many pages (keeps one document's OCR time bounded).
MAX_RANGE = 4


@dataclass(frozen=True)
class Source:
    name: str
    pdf: Path
    truth: dict = field(compare=False, repr=False)

    @property
    def pages(self) -> int:
        return int(self.truth["pages"])

    def ranges(self) -> list[tuple[int, int]]:
        """Page ranges (1-based, inclusive) that cut no form in two and hold at least one."""
        spans = [(f["page_start"], f["page_end"]) for f in self.truth["forms"]]
        out = []
        for first in range(1, self.pages + 1):
            for last in range(first, min(self.pages, first + MAX_RANGE - 1) + 1):
                inside = [s for s in spans if first <= s[0] and s[1] <= last]
                cut = any(s[0] <= last and s[1] >= first and not (first <= s[0] and s[1] <= last) for s in spans)
                if inside and not cut:
                    out.append((first, last))
        return out


def load_sources() -> list[Source]:
    sources = []
    for folder in SOURCE_DIRS:
        for path in sorted(folder.glob("*.json")):
            if path.stem in EXCLUDED:
                continue
            truth = json.loads(path.read_text(encoding="utf-8"))
            pdf = folder / truth["file"]
            if pdf.exists() and truth.get("forms"):
                sources.append(Source(path.stem, pdf, truth))
    return sources


def scan_truth(source: Source, first: int, last: int, file_name: str) -> dict:
    """The truth of pages first..last scanned into `file_name`: the source's truth with every
    form's method "ocr" and the file renamed (exactly what scan_fixtures.py does), restricted
    to the forms inside the range, renumbered and with page numbers counted from `first`."""
    truth = copy.deepcopy(source.truth)
    shift = first - 1
    keep = [i for i, f in enumerate(truth["forms"]) if first <= f["page_start"] and f["page_end"] <= last]
    forms = []
    for new_index, i in enumerate(keep):
        form = truth["forms"][i]
        form["method"] = "ocr"
        if (first, last) != (1, source.pages):
            form["form_index"] = new_index
            form["page_start"] -= shift
            form["page_end"] -= shift
            for ind in form.get("indicators", []):
                ind["page"] -= shift
        forms.append(form)
    truth["forms"] = forms
    truth["file"] = file_name
    truth["pages"] = last - first + 1
    if "audit_errors" in truth:
        truth["audit_errors"] = [truth["audit_errors"][i] for i in keep]
    return truth
