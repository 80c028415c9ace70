"""jixiao (绩效): performance self-evaluation forms (项目支出绩效自评表) → trustworthy data.

Library first: a notebook imports `extract_forms` for one document or `ingest` for a batch.
"""

from extract.batch import IngestConfig, IngestSummary, ingest
from extract.document import extract_forms, process_document
from extract.records import DocumentResult, Form, FundLine, Indicator

__all__ = [
    "DocumentResult", "Form", "FundLine", "Indicator", "IngestConfig", "IngestSummary",
    "extract_forms", "ingest", "process_document",
]
