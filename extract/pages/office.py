"""Office formats no Python reader here takes (.doc, .et, .wps, an .xls xlrd cannot open),
converted by LibreOffice when it is on the machine (an optional system dependency) into the
.docx or .xlsx that pages/worddoc.py and pages/workbook.py read; without it, a clear reason.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from extract.errors import CorruptDocument, NotADocument

# What each format becomes, and the LibreOffice part that converts it.
CONVERTED = {".doc": ("docx", "libreoffice-writer"), ".wps": ("docx", "libreoffice-writer"),
             ".et": ("xlsx", "libreoffice-calc")}
CONVERT_TIMEOUT_S = 300


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def converted(path: Path, into: Path, target: str | None = None) -> Path:
    """`path` converted by LibreOffice into the folder `into` (as `target`: docx or xlsx).
    Raises NotADocument without LibreOffice, CorruptDocument when it cannot convert the file."""
    suffix = path.suffix.lower()
    kind, package = (target, "libreoffice") if target else CONVERTED[suffix]
    exe = soffice()
    if exe is None:
        raise NotADocument(f"a {suffix} file needs LibreOffice to be read (apt install {package}, or save it as "
                           f".{kind}); not read")
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        try:
            proc = subprocess.run(
                [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", kind, "--outdir",
                 str(into), str(path)], capture_output=True, text=True, timeout=CONVERT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise CorruptDocument(f"LibreOffice did not convert the {suffix} file within {CONVERT_TIMEOUT_S} s") from exc
    out = into / f"{path.stem}.{kind}"
    if proc.returncode != 0 or not out.exists():
        detail = " ".join((proc.stderr or proc.stdout or "").split())[:160]
        raise CorruptDocument(f"LibreOffice could not convert the {suffix} file ({detail or 'no output'})")
    return out
