"""CJK fonts for the sweep's typesetter: metrics for wrapping, bytes to embed, and a text
layer that reads back as the code points inserted.

A font that lacks a glyph the variation prints makes the variation skip (never a fallback
glyph); after saving, every page's text layer is compared with what was inserted, so a
wrong ToUnicode map can never pass for an extraction error.
"""

from __future__ import annotations

import collections
import hashlib
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pymupdf


class SkipVariation(Exception):
    """This variation cannot be rendered faithfully (the reason is recorded, it is not faked)."""


@dataclass(frozen=True)
class FontSpec:
    key: str
    path: str | None  # None: PyMuPDF's built-in "china-s" (Droid Sans Fallback)
    face: str | None  # a TTC's face whose name contains this; None: face 0
    style: str  # song | kai | hei
    cff: bool = False  # CFF outlines: MuPDF cannot subset them; fontTools does


FONTS: tuple[FontSpec, ...] = (
    FontSpec("droid", None, None, "hei"),
    FontSpec("uming", "/usr/share/fonts/truetype/arphic/uming.ttc", "UMing CN", "song"),
    FontSpec("ukai", "/usr/share/fonts/truetype/arphic/ukai.ttc", "UKai CN", "kai"),
    FontSpec("wqy_microhei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "Micro Hei", "hei"),
    FontSpec("wqy_zenhei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "Zen Hei", "hei"),
    FontSpec("noto_sans_sc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "CJK SC", "hei", cff=True),
    FontSpec("noto_serif_sc", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "CJK SC", "song", cff=True),
)


def _has_fonttools() -> bool:
    try:
        import fontTools.subset  # noqa: F401
    except ImportError:
        return False
    return True


def available_fonts(allow_cff: bool = True) -> list[FontSpec]:
    """Fonts installed here. CFF fonts need fontTools to be subset (else a 15 MB embed per PDF)."""
    out = []
    for spec in FONTS:
        if spec.path is not None and not Path(spec.path).exists():
            continue
        if spec.cff and not (allow_cff and _has_fonttools()):
            continue
        out.append(spec)
    return out


def ttc_face(data: bytes, want: str | None) -> bytes:
    """One face of a TrueType/OpenType collection as a standalone font file (tables copied)."""
    if data[:4] != b"ttcf":
        return data
    n = struct.unpack(">I", data[8:12])[0]
    offsets = struct.unpack(f">{n}I", data[12 : 12 + 4 * n])
    for off in offsets:
        ntab = struct.unpack(">H", data[off + 4 : off + 6])[0]
        records = [struct.unpack(">4sIII", data[off + 12 + 16 * i : off + 28 + 16 * i]) for i in range(ntab)]
        pos = 12 + 16 * ntab
        head, body = bytearray(data[off : off + 12]), bytearray()
        for tag, checksum, toff, length in records:
            head += struct.pack(">4sIII", tag, checksum, pos + len(body), length)
            body += data[toff : toff + length] + b"\0" * ((-length) % 4)
        face = bytes(head + body)
        if want is None or want in pymupdf.Font(fontbuffer=face).name:
            return face
    raise SkipVariation(f"no face {want!r} in collection")


class LoadedFont:
    """A font ready to measure and embed; one per key per process."""

    _cache: dict[str, "LoadedFont"] = {}

    @classmethod
    def get(cls, spec: FontSpec, charset: str = "") -> "LoadedFont":
        if spec.key not in cls._cache:
            cls._cache[spec.key] = cls(spec, charset)
        return cls._cache[spec.key]

    def __init__(self, spec: FontSpec, charset: str):
        self.spec = spec
        if spec.path is None:
            self.buffer = pymupdf.Font("china-s").buffer
        else:
            self.buffer = ttc_face(Path(spec.path).read_bytes(), spec.face)
            if spec.cff:
                self.buffer = _presubset(self.buffer, charset, spec.key)
        self.font = pymupdf.Font(fontbuffer=self.buffer)
        self.family = self.font.name
        self.pdfname = "S" + spec.key.replace("_", "")
        asc, desc = self.font.ascender, self.font.descender
        self.ascent = asc / (asc - desc) if asc - desc > 0 else 0.88
        self._w: dict[str, float] = {}
        _check_ink(self)

    def width(self, s: str, fs: float) -> float:
        total = 0.0
        for ch in s:
            w = self._w.get(ch)
            if w is None:
                w = self._w[ch] = self.font.text_length(ch, 1.0)
            total += w
        return total * fs

    def missing(self, s: str) -> set[str]:
        return {ch for ch in s if not ch.isspace() and not self.font.has_glyph(ord(ch))}


def _check_ink(font: "LoadedFont") -> None:
    """Every probe character must draw something: a text layer can be right while the
    glyphs are blank (a CID-keyed CFF whose glyph ids moved), and scans of it would lie."""
    probe = "项目支出绩效自评表年度总分优≥%0"
    doc = pymupdf.open()
    page = doc.new_page(width=40 * len(probe), height=60)
    page.insert_font(fontname="P", fontbuffer=font.buffer)
    for i, ch in enumerate(probe):
        page.insert_text((40 * i + 5, 40), ch, fontname="P", fontsize=24)
    pix = page.get_pixmap(dpi=72, colorspace=pymupdf.csGRAY)
    for i, ch in enumerate(probe):
        box = pymupdf.IRect(40 * i, 0, 40 * i + 40, 60)
        dark = sum(1 for y in range(box.y0, box.y1) for x in range(box.x0 + 2, box.x1 - 2)
                   if pix.pixel(x, y)[0] < 128)
        if dark < 5:
            raise RuntimeError(f"font {font.spec.key}: {ch!r} draws no ink")


def _presubset(face: bytes, charset: str, key: str) -> bytes:
    """A CFF face cut down to the characters the sweep can print, cached on disk: fontTools
    subsets a 17 MB CFF in seconds, once, instead of once per PDF."""
    from fontTools import subset

    chars = "".join(sorted(set(charset) | set(_ASCII)))
    digest = hashlib.sha256(face[:4096] + chars.encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / "jixiao-sweep-fonts"
    path = cache / f"{key}-{digest}.otf"
    if path.exists():
        return path.read_bytes()
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(face)
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = ["*"]  # keep the family name: the ToUnicode rewrite matches on it
    options.retain_gids = True  # a CID-keyed CFF: MuPDF draws glyph ids as CIDs, so they must not move
    font = subset.load_font(str(tmp), options)
    sub = subset.Subsetter(options)
    sub.populate(text=chars)
    sub.subset(font)
    subset.save_font(font, str(tmp), options)
    tmp.replace(path)
    return path.read_bytes()


_ASCII = "".join(chr(c) for c in range(0x20, 0x7F))


class TextLayer:
    """What was inserted per page and with which font: for the ToUnicode rewrite and the check."""

    def __init__(self) -> None:
        self.inserted: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
        self.used: dict[str, set[str]] = collections.defaultdict(set)  # family -> chars
        self.fonts: dict[str, LoadedFont] = {}

    def add(self, pno: int, text: str, font: LoadedFont) -> None:
        self.inserted[pno].update(ch for ch in text if not ch.isspace())
        self.used[font.family].update(text)
        self.fonts[font.family] = font


def finish_pdf(doc: pymupdf.Document, layer: TextLayer) -> bytes:
    """Subset the fonts, rewrite each font's ToUnicode from the characters drawn, and check
    that every page reads back exactly what was inserted. Returns the PDF's bytes."""
    for page in doc:
        page.clean_contents()
    # MuPDF subsets TrueType fonts only; a CFF font stays as pre-subset (see _presubset)
    doc.subset_fonts()
    _fix_tounicode(doc, layer)
    data = doc.tobytes(garbage=4, deflate=True, no_new_id=True)
    _self_check(data, layer)
    return data


def _fix_tounicode(doc: pymupdf.Document, layer: TextLayer) -> None:
    for xref in range(1, doc.xref_length()):
        if doc.xref_get_key(xref, "Subtype") != ("name", "/Type0"):
            continue
        base = doc.xref_get_key(xref, "BaseFont")[1].replace("#20", " ").lstrip("/")
        family = base.split("+", 1)[-1]  # a subset's BaseFont: ABCDEF+<family name>
        if family not in layer.fonts:
            raise SkipVariation(f"unknown embedded font {base}")
        font = layer.fonts[family].font
        pairs: dict[int, str] = {}
        for ch in sorted(layer.used[family]):
            gid = font.has_glyph(ord(ch))
            if gid in pairs and pairs[gid] != ch:
                raise SkipVariation(f"font {family}: one glyph for {pairs[gid]!r} and {ch!r}")
            pairs[gid] = ch
        items = sorted(pairs.items())
        chunks = []
        for i in range(0, len(items), 100):
            part = items[i : i + 100]
            body = "\n".join(f"<{g:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for g, ch in part)
            chunks.append(f"{len(part)} beginbfchar\n{body}\nendbfchar")
        cmap = (
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            + "\n".join(chunks)
            + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        )
        kind, val = doc.xref_get_key(xref, "ToUnicode")
        if kind != "xref":
            raise SkipVariation(f"font {base} has no ToUnicode stream")
        doc.update_stream(int(val.split()[0]), cmap.encode())


def page_chars(page: pymupdf.Page) -> collections.Counter:
    got: collections.Counter = collections.Counter()
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            for span in line["spans"]:
                got.update(c["c"] for c in span["chars"] if not c["c"].isspace())
    return got


def _self_check(data: bytes, layer: TextLayer) -> None:
    with pymupdf.open("pdf", data) as doc:
        for pno in range(len(doc)):
            got = page_chars(doc[pno])
            want = layer.inserted.get(pno, collections.Counter())
            if got != want:
                diff = dict(list(((got - want) + (want - got)).items())[:8])
                raise SkipVariation(f"text layer of page {pno + 1} differs from what was inserted: {diff}")
