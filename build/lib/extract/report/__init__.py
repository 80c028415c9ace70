"""What people look at: page overlays, the HTML audit report (charts, crops, findings)."""

from extract.report.html import ReportOptions, ReportSummary, build_report, write_report
from extract.report.overlay import Overlay, draw_overlay

__all__ = ["Overlay", "ReportOptions", "ReportSummary", "build_report", "draw_overlay", "write_report"]
