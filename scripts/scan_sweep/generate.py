"""The sweep's plan and files: variations drawn from the sources until N pages are made.

Each variation has its own random stream (seed, index), so a skipped one shifts no other.
Beside each scan: `<name>.json`, its truth (the fixtures' format), and `<name>.params.json`,
the Variation it was made from.

    python scripts/scan_sweep/generate.py OUT --pages 20 [--seed S]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pymupdf

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scan_sweep.degrade import Illegible, degrade, render  # noqa: E402
from scan_sweep.output import write  # noqa: E402
from scan_sweep.params import (  # noqa: E402
    Binarise, Bleed, BrokenRules, Light, PageParams, ScanParams, Seal, Variation,
)
from scan_sweep.seals import covered  # noqa: E402
from scan_sweep.sources import Source, load_sources, scan_truth  # noqa: E402
from scan_sweep.targets import PageTargets, Word, locate  # noqa: E402

DEFAULT_SEED = 1  # as scripts/bench.py --seed
# How often each thing happens (per document for the scan run, per page for the rest).
P_COLOUR = 0.4
P_BINARISE = 0.15
P_TURN = 0.15
SEAL_COUNTS = ((0, 0.3), (1, 0.5), (2, 0.2))
SEAL_TARGET_WEIGHTS = {"values": 0.45, "labels": 0.25, "grade": 0.2, "anywhere": 0.1}
P_SCORE_COLUMN = 0.6  # a seal over values aims at 分值/得分 rather than funds/target columns
P_DEVIATION_HEADER = 0.35  # a seal over labels aims at 偏差原因分析及改进措施
P_GREY_SEAL = 0.35
P_FAINT_SEAL = 0.45
P_BLEED = 0.2
P_LIGHT = 0.3
P_BROKEN = 0.25
COVER_ATTEMPTS = 16


class SkipVariation(Exception):
    """This variation cannot be made as its parameters say (recorded, never faked)."""


@dataclass(frozen=True)
class Made:
    variation: Variation
    path: Path
    truth: dict

    @property
    def pages(self) -> int:
        return len(self.variation.pages)


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


@dataclass
class Sweep:
    made: list[Made]
    skipped: list[Skipped]

    @property
    def pages(self) -> int:
        return sum(m.pages for m in self.made)


class _Targets:
    """locate() per source page, once (a continuation page inherits its predecessor's columns)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], PageTargets] = {}

    def get(self, source: Source, page: int) -> PageTargets:
        key = (source.name, page)
        if key not in self._cache:
            previous = self.get(source, page - 1) if page > 1 else None
            with pymupdf.open(source.pdf) as doc:
                self._cache[key] = locate(doc[page - 1], previous)
        return self._cache[key]


def _choice(rng: np.random.Generator, weighted: dict) -> object:
    keys = list(weighted)
    p = np.array([weighted[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def sample_scan(rng: np.random.Generator, pages: int) -> ScanParams:
    r = rng.random()
    kind = ("pdf" if r < 0.6 else "tiff" if r < 0.72 else "png" if r < 0.86 else "jpeg") if pages == 1 else \
        ("pdf" if r < 0.8 else "tiff")
    binarise = Binarise(int(rng.integers(180, 216)), round(float(rng.uniform(1e-4, 1e-3)), 5)) \
        if rng.random() < P_BINARISE else None
    blur = float(rng.uniform(0.3, 1.3))
    dpi = int(rng.integers(150, 301))
    if binarise:
        # Black-and-white scans are made at 200 dpi or more (fax fine mode up) of a sharp image:
        # thresholding a blurred 150 dpi one erases the thin strokes no reader could restore.
        blur = min(blur, 0.7)
        dpi = max(dpi, 200)
    return ScanParams(kind=kind, dpi=dpi, colour=bool(rng.random() < P_COLOUR),
                      quality=int(rng.integers(25, 86)), blur=round(blur, 2),
                      noise=round(float(rng.uniform(0, 10)), 1), binarise=binarise)


def _aim(rng: np.random.Generator, targets: PageTargets, kind: str) -> Word | None:
    if kind == "values" and targets.score_values and rng.random() < P_SCORE_COLUMN:
        pool = targets.score_values
    elif kind == "labels" and targets.deviation_headers and rng.random() < P_DEVIATION_HEADER:
        pool = targets.deviation_headers
    else:
        pool = targets.of(kind)
    return pool[int(rng.integers(len(pool)))] if pool else None


def sample_seal(rng: np.random.Generator, targets: PageTargets, page: pymupdf.Rect, scale: float,
                where: str) -> Seal:
    available = {k: w for k, w in SEAL_TARGET_WEIGHTS.items() if k == "anywhere" or targets.of(k)}
    kind = _choice(rng, available)
    shape = _choice(rng, {"ring": 0.6, "star": 0.2, "dot": 0.2})
    radius = float(rng.uniform(8, 20) if shape == "dot" else rng.uniform(35, 60))
    faint = rng.random() < P_FAINT_SEAL
    seal = Seal(shape=shape, colour="grey" if rng.random() < P_GREY_SEAL else "red",
                ink="faint" if faint else "opaque",
                opacity=round(float(rng.uniform(0.25, 0.5) if faint else rng.uniform(0.8, 1.0)), 2),
                radius_pt=round(radius, 1), centre_pt=(0.0, 0.0), angle=round(float(rng.uniform(-30, 30)), 1),
                target=kind, target_text="", seed=int(rng.integers(2**31)))
    if kind == "anywhere":
        centre = (float(rng.uniform(0.15, 0.85) * page.width), float(rng.uniform(0.2, 0.85) * page.height))
        seal = replace(seal, centre_pt=(round(centre[0], 1), round(centre[1], 1)))
        return replace(seal, covers=covered(seal, targets.words, scale))
    word = _aim(rng, targets, kind)
    assert word is not None
    # Where on the stamp the word falls: under the centre (a ring's star) or its rim.
    rims = (0.0, 0.72, 0.97) if shape == "ring" else (0.0, 0.2, 0.4)
    for _ in range(COVER_ATTEMPTS):
        d = radius * rims[int(rng.integers(len(rims)))] + float(rng.uniform(-2, 2))
        a = float(rng.uniform(0, 2 * np.pi))
        cx, cy = word.centre
        trial = replace(seal, centre_pt=(round(cx + d * np.cos(a), 1), round(cy + d * np.sin(a), 1)),
                        target_text=word.text)
        if covered(trial, (word,), scale):  # the aimed word itself, not another of its text
            return replace(trial, covers=covered(trial, targets.words, scale))
    raise SkipVariation(f"{where}: a {shape} seal cannot be placed over {kind} '{word.text}'")


def sample_page(rng: np.random.Generator, sources: list[Source], source: Source, source_page: int,
                out_page: int, targets: PageTargets, rect: pymupdf.Rect, scan: ScanParams) -> PageParams:
    scale = scan.dpi / 72
    where = f"{source.name} p{source_page}"
    n_seals = _choice(rng, dict(SEAL_COUNTS))
    seals = tuple(sample_seal(rng, targets, rect, scale, where) for _ in range(n_seals))
    bleed = None
    if rng.random() < P_BLEED:
        pool = [(s, p) for s in sources for p in range(1, s.pages + 1) if (s.name, p) != (source.name, source_page)]
        same = [(s, p) for s, p in pool if s.name == source.name]
        other, page = (same or pool)[int(rng.integers(len(same or pool)))]
        bleed = Bleed(other.name, page, round(float(rng.uniform(0.05, 0.15)), 3),
                      round(float(rng.uniform(0.4, 1.2)), 2))
    light = None
    if rng.random() < P_LIGHT:
        kind = "shadow" if rng.random() < 0.5 else "uneven"
        edge = ("left", "right", "top", "bottom")[int(rng.integers(4))]
        strength = rng.uniform(0.3, 0.6) if kind == "shadow" else rng.uniform(0.1, 0.3)
        light = Light(kind, edge, round(float(strength), 2), round(float(rng.uniform(0.04, 0.12)), 3))
    broken = None
    if targets.rules and rng.random() < P_BROKEN:
        broken = BrokenRules(round(float(rng.uniform(0.15, 0.5)), 2), int(rng.integers(1, 3)),
                             (1.5, round(float(rng.uniform(3, 6)), 1)))
    turn = int(rng.choice((90, 180, 270))) if rng.random() < P_TURN else 0
    return PageParams(page=out_page, source_page=source_page, seed=int(rng.integers(2**31)),
                      skew=round(float(rng.uniform(-3, 3)), 2), turn=turn, seals=seals,
                      bleed=bleed, light=light, broken=broken)


def sample_variation(rng: np.random.Generator, name: str, source: Source, first: int, last: int,
                     sources: list[Source], targets: _Targets) -> Variation:
    scan = sample_scan(rng, last - first + 1)
    pages = []
    with pymupdf.open(source.pdf) as doc:
        for i, sp in enumerate(range(first, last + 1)):
            pages.append(sample_page(rng, sources, source, sp, i + 1, targets.get(source, sp), doc[sp - 1].rect, scan))
    return Variation(name, source.name, first, last, scan, tuple(pages))


def make_variation(variation: Variation, sources: dict[str, Source], targets: _Targets, out: Path) -> Made:
    source = sources[variation.source]
    scan = variation.scan
    images = []
    with pymupdf.open(source.pdf) as doc:
        for page in variation.pages:
            reverse = None
            if page.bleed:
                with pymupdf.open(sources[page.bleed.source].pdf) as other:
                    reverse = render(other[page.bleed.page - 1], scan.dpi)
            rules = targets.get(source, page.source_page).rules
            images.append(degrade(render(doc[page.source_page - 1], scan.dpi), scan, page, rules, reverse))
    path = write(images, scan, out / variation.file_name)
    truth = scan_truth(source, variation.first_page, variation.last_page, path.name)
    (out / f"{variation.name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / f"{variation.name}.params.json").write_text(
        json.dumps(asdict(variation), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return Made(variation, path, truth)


def _pick_range(rng: np.random.Generator, source: Source, remaining: int) -> tuple[int, int]:
    ranges = source.ranges()
    fitting = [r for r in ranges if r[1] - r[0] + 1 <= remaining] or [min(ranges, key=lambda r: r[1] - r[0])]
    return fitting[int(rng.integers(len(fitting)))]


def make_sweep(out: Path, pages: int, seed: int = DEFAULT_SEED, log=None) -> Sweep:
    """Variations until `pages` pages are made: sources in shuffled rounds (every form of
    every source comes round), a random page range of each, a random parameter set."""
    out.mkdir(parents=True, exist_ok=True)
    sources = load_sources()
    by_name = {s.name: s for s in sources}
    targets = _Targets()
    plan = np.random.default_rng([seed, 0])
    sweep = Sweep([], [])
    index = 0
    while sweep.pages < pages:
        for k in plan.permutation(len(sources)):
            if sweep.pages >= pages:
                break
            source = sources[int(k)]
            first, last = _pick_range(plan, source, pages - sweep.pages)
            name = f"v{index:04d}_{source.name}_p{first}-{last}"
            rng = np.random.default_rng([seed, 1, index])
            index += 1
            try:
                variation = sample_variation(rng, name, source, first, last, sources, targets)
                made = make_variation(variation, by_name, targets, out)
            except (SkipVariation, Illegible) as exc:
                sweep.skipped.append(Skipped(name, str(exc)))
                continue
            except Exception as exc:  # a degradation the libraries cannot write: skipped, said
                for stale in out.glob(f"{name}.*"):
                    stale.unlink()
                sweep.skipped.append(Skipped(name, f"{type(exc).__name__}: {exc}"))
                continue
            sweep.made.append(made)
            if log:
                log(f"  made {made.path.name} ({made.pages} p)")
        if len(sweep.skipped) > 10 * max(len(sweep.made), 10):
            raise RuntimeError(f"the sweep skips almost everything: {sweep.skipped[:3]}")
    return sweep


def variation_from_dict(d: dict) -> Variation:
    """A Variation back from its <name>.params.json."""
    scan = dict(d["scan"])
    scan["binarise"] = Binarise(**scan["binarise"]) if scan["binarise"] else None
    pages = []
    for p in d["pages"]:
        seals = tuple(Seal(**{**s, "centre_pt": tuple(s["centre_pt"]), "covers": tuple(s["covers"])}) for s in p["seals"])
        broken = BrokenRules(**{**p["broken"], "gap_pt": tuple(p["broken"]["gap_pt"])}) if p["broken"] else None
        pages.append(PageParams(**{**p, "seals": seals, "bleed": Bleed(**p["bleed"]) if p["bleed"] else None,
                                   "light": Light(**p["light"]) if p["light"] else None, "broken": broken}))
    return Variation(d["name"], d["source"], d["first_page"], d["last_page"], ScanParams(**scan), tuple(pages))


def load_sweep(out: Path) -> Sweep:
    """A sweep made earlier into `out`, from the truth and parameters beside each scan."""
    made = []
    for params in sorted(out.glob("*.params.json")):
        variation = variation_from_dict(json.loads(params.read_text(encoding="utf-8")))
        truth = json.loads((out / f"{variation.name}.json").read_text(encoding="utf-8"))
        made.append(Made(variation, out / variation.file_name, truth))
    return Sweep(made, [])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args()
    sweep = make_sweep(args.out, args.pages, args.seed, log=print)
    print(f"{sweep.pages} pages in {len(sweep.made)} files; skipped {len(sweep.skipped)}")
    for s in sweep.skipped:
        print(f"  skipped {s.name}: {s.reason}")


if __name__ == "__main__":
    main()
