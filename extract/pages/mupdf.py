"""PyMuPDF, imported without its layout-analysis add-on.

`import pymupdf` also imports `pymupdf.layout` when the pymupdf_layout package is installed
(an ONNX layout model's code, and pymupdf4llm: ~0.25 s, a tenth of a small batch's whole
command). Only `Page.get_layout` uses it, and nothing here does. The add-on is held off while
PyMuPDF itself loads, then let go again: a later `import pymupdf.layout` works as usual.
"""

from __future__ import annotations

import sys


def import_pymupdf():
    if "pymupdf" not in sys.modules and "pymupdf.layout" not in sys.modules:
        sys.modules["pymupdf.layout"] = None  # type: ignore[assignment]  # ImportError, which pymupdf expects
        try:
            import pymupdf
        finally:
            if sys.modules.get("pymupdf.layout", False) is None:
                del sys.modules["pymupdf.layout"]
    import pymupdf

    return pymupdf


pymupdf = import_pymupdf()
