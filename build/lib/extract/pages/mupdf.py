"""PyMuPDF, imported without its add-ons.

`import pymupdf` also imports `pymupdf.layout` and `pymupdf4llm` when the pymupdf_layout and
pymupdf4llm packages are installed (PyMuPDF 2 depends on them): an ONNX layout model's code,
ONNX Runtime and numpy, ~0.3 s of a small batch's whole command. Only `Page.get_layout` and
`pymupdf.to_markdown` use them, and nothing here does. They are held off while PyMuPDF itself
loads, then let go again: a later `import pymupdf.layout` or `import pymupdf4llm` works as usual.
"""

from __future__ import annotations

import sys

_ADD_ONS = ("pymupdf.layout", "pymupdf4llm")


def import_pymupdf():
    if "pymupdf" not in sys.modules:
        held = [name for name in _ADD_ONS if name not in sys.modules]
        for name in held:
            sys.modules[name] = None  # type: ignore[assignment]  # ImportError, which pymupdf expects
        try:
            import pymupdf
        finally:
            for name in held:
                if sys.modules.get(name, False) is None:
                    del sys.modules[name]
    import pymupdf

    return pymupdf


pymupdf = import_pymupdf()
