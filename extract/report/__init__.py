from extract.report.overlay import Overlay, draw_overlay
__all__ = ["Overlay", "draw_overlay"]
