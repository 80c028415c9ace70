"""jixiao (绩效): performance self-evaluation forms (项目支出绩效自评表) → trustworthy data.

Library first: a notebook imports `extract_forms` for one document or `ingest` for a batch.
The names below load on first use, so that `import extract` (and the command line's help)
does not pay for PyMuPDF and polars.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_WHERE = {
    "IngestConfig": "extract.batch", "IngestSummary": "extract.batch", "ingest": "extract.batch",
    "extract_forms": "extract.document", "process_document": "extract.document",
    "DocumentResult": "extract.records", "Form": "extract.records", "FundLine": "extract.records",
    "Indicator": "extract.records",
}

if TYPE_CHECKING:
    from extract.batch import IngestConfig, IngestSummary, ingest
    from extract.document import extract_forms, process_document
    from extract.records import DocumentResult, Form, FundLine, Indicator

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
