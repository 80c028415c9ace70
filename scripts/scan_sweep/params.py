"""The parameter set of one variation (frozen, recorded beside the output) and the tags a
page's degradations give its misread fields."""

from __future__ import annotations

from dataclasses import dataclass

SEAL_TARGETS = ("values", "labels", "grade", "anywhere")


@dataclass(frozen=True)
class Seal:
    shape: str  # ring (scan_fixtures' seal: ring, star, text) | star | dot
    colour: str  # red | grey
    ink: str  # opaque | faint
    opacity: float
    radius_pt: float
    centre_pt: tuple[float, float]  # on the source page, before skew and turn
    angle: float  # degrees the stamp is turned
    target: str  # one of SEAL_TARGETS
    target_text: str  # the printed word it was aimed at ("" for anywhere)
    seed: int  # the stamp's own shape noise
    covers: tuple[str, ...] = ()  # the printed words its ink covers (from the text layer)


@dataclass(frozen=True)
class Bleed:
    source: str  # the reverse page: source name and 1-based page
    page: int
    alpha: float
    blur: float  # points (the paper diffuses the same whatever the dpi)


@dataclass(frozen=True)
class Light:
    kind: str  # shadow (binding shadow at one edge) | uneven (a gradient and blotches)
    edge: str  # left | right | top | bottom (shadow) / the darker side (uneven)
    strength: float
    width: float  # shadow: share of the page dimension it reaches into


@dataclass(frozen=True)
class BrokenRules:
    share: float  # of the ruling segments broken
    gaps: int  # most gaps per broken segment
    gap_pt: tuple[float, float]  # gap length range (at most 40% of the segment)


@dataclass(frozen=True)
class PageParams:
    page: int  # 1-based page of the output file
    source_page: int  # 1-based page of the source PDF
    seed: int  # the page's pixel randomness (noise, gaps, specks, blotches)
    skew: float  # degrees, counter-clockwise
    turn: int  # 0 | 90 | 180 | 270, clockwise as a scanner feeds it
    seals: tuple[Seal, ...] = ()
    bleed: Bleed | None = None
    light: Light | None = None
    broken: BrokenRules | None = None


@dataclass(frozen=True)
class Binarise:
    threshold: int
    speckle: float  # black specks per pixel


@dataclass(frozen=True)
class ScanParams:
    """What one scanning run shares over the pages of a document."""

    kind: str  # pdf | tiff | png | jpeg
    dpi: int
    colour: bool
    quality: int  # JPEG quality (not used for lossless pages)
    blur: float  # Gaussian sigma in pixels (the scanner's optics)
    noise: float
    binarise: Binarise | None = None

    @property
    def lossy(self) -> bool:
        """Whether pages go through JPEG: PNG files and binarised PDF/TIFF pages do not."""
        if self.kind == "png":
            return False
        if self.kind == "jpeg":
            return True
        return self.binarise is None


@dataclass(frozen=True)
class Variation:
    name: str
    source: str
    first_page: int  # the source's page range
    last_page: int
    scan: ScanParams
    pages: tuple[PageParams, ...]

    @property
    def file_name(self) -> str:
        ext = {"pdf": "pdf", "tiff": "tiff", "png": "png", "jpeg": "jpg"}[self.scan.kind]
        return f"{self.name}.{ext}"


def page_tags(scan: ScanParams, page: PageParams) -> tuple[str, ...]:
    """The degradations present on a page, as the benchmark counts misreads by them."""
    tags = []
    for seal in page.seals:
        tags.append("seal over values" if seal.target == "values" else
                    "seal over labels" if seal.target == "labels" else
                    "seal over grade" if seal.target == "grade" else "seal elsewhere")
        tags += [f"{seal.colour} seal", f"{seal.ink} seal", f"{seal.shape} seal"]
    if not page.seals:
        tags.append("no seal")
    if scan.binarise:
        tags.append("binarised")
    if scan.lossy and scan.quality < 40:
        tags.append("JPEG q<40")
    if scan.dpi < 180:
        tags.append("dpi<180")
    tags.append("colour" if scan.colour and not scan.binarise else "greyscale")
    if scan.blur > 1.0:
        tags.append("blur>1")
    if scan.noise > 7:
        tags.append("noise>7")
    if abs(page.skew) > 2:
        tags.append("skew>2°")
    if page.turn:
        tags.append("turned")
    if page.bleed:
        tags.append("bleed-through")
    if page.light:
        tags.append("binding shadow" if page.light.kind == "shadow" else "uneven light")
    if page.broken:
        tags.append("broken rules")
    return tuple(dict.fromkeys(tags))
