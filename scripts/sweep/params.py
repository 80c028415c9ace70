"""What one variation is: every typesetting choice, drawn from a seeded random.Random, kept
in a frozen dataclass so a failure can be traced to a parameter."""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import labels
from .fonts import FontSpec
from .records import RECORDS, build_table, grade_styles

MODES = ("word_split", "word_nosplit", "excel")


@dataclass(frozen=True)
class FormChoice:
    record: str
    grade_style: str  # row | in_total | text_line | absent
    spellings: tuple[tuple[str, tuple[str, ...]], ...]  # (canonical label, printed paragraphs)
    col_factors: tuple[float, ...]  # per base column, before scaling to the page
    under: tuple[str, ...]  # lines under the table besides the grade line


@dataclass(frozen=True)
class Variation:
    index: int
    seed: int
    attempt: int
    forms: tuple[FormChoice, ...]
    font: str
    fs: float
    line_spacing: float
    pad_scale: float
    orientation: str  # portrait | landscape
    margins: tuple[float, float, float, float]  # top, bottom, left, right
    fill: float  # table width / content width
    mode: str  # MODES
    valign: str  # middle | top (word_split: one-row cells top-aligned whatever this says)
    merged_text: str  # cut | repeat
    merged_border: str  # closed | open
    ruling: str  # lines | rects | filled
    lw: float
    repeat_header: bool
    title_style: str  # separate | inline (年度 in the title)
    title_bold: bool
    title_delta: float  # title size - body size
    grade_label: str  # for a grade printed as a line under the table
    letterhead: str  # blank | text
    letter_fs: float
    footer: str
    gap: float  # between two forms
    row_extra: float  # Excel-like minimum row height above what the text needs
    target_form: int
    target_row: int | None  # -1: the grade line; None: no page break inside the target form

    @property
    def records(self) -> tuple[str, ...]:
        return tuple(f.record for f in self.forms)


def form_choice(rng: random.Random, name: str) -> tuple[FormChoice, int]:
    """A record's printed choices, and the rows of its table (for the break target)."""
    rec = RECORDS[name]
    styles = grade_styles(rec)
    weights = {"row": 4, "in_total": 2, "text_line": 2.5, "absent": 1.5}
    grade_style = rng.choices(styles, [weights[s] for s in styles])[0]
    probe = build_table(rec, grade_style, {}, "separate", "", ())
    present = probe.label_texts()
    spellings: dict[str, tuple[str, ...]] = {}
    for sp in labels.spellings_for(rec.family, present):
        if sp.canonical not in spellings and rng.random() < 0.15:
            spellings[sp.canonical] = sp.printed
    under = (rng.choice(labels.UNDER_TABLE_LINES),) if rng.random() < 0.3 else ()
    factors = tuple(round(rng.uniform(0.7, 1.3), 3) for _ in probe.cols)
    return FormChoice(name, grade_style, tuple(spellings.items()), factors, under), probe.nrows


def sample(seed: int, index: int, attempt: int, fonts: list[FontSpec]) -> Variation:
    rng = random.Random(f"jixiao-sweep:{seed}:{index}:{attempt}")
    names = sorted(RECORDS)
    first = rng.choice(names)
    chosen = [form_choice(rng, first)]
    if rng.random() < 0.12:
        chosen.append(form_choice(rng, rng.choice(sorted(n for n, r in RECORDS.items() if r.short))))
    forms = [f for f, _ in chosen]
    mode = rng.choices(MODES, [4, 2, 4])[0]
    excel = mode == "excel"
    fs = rng.choice([x / 2 for x in range(16, 28)])  # 8 … 13.5
    orientation = "landscape" if rng.random() < (0.25 if fs < 11 else 0.45) else "portrait"
    target_form = rng.randrange(len(forms))
    # the break's target: any row of the table, uniformly (0: the title alone at a page's
    # foot), or the grade line under it; None: no break inside the form
    tf, nrows = chosen[target_form]
    targets = list(range(nrows)) + ([-1] if tf.grade_style == "text_line" else [])
    target_row = None if rng.random() < 0.2 else rng.choice(targets)
    return Variation(
        index=index, seed=seed, attempt=attempt, forms=tuple(forms),
        font=rng.choice(fonts).key, fs=fs,
        line_spacing=round(rng.uniform(1.15, 1.5), 2),
        pad_scale=round(rng.uniform(0.8, 1.4), 2),
        orientation=orientation,
        margins=(round(rng.uniform(36, 90)), round(rng.uniform(36, 80)),
                 *(2 * (round(rng.uniform(28, 70)),))),
        fill=round(rng.uniform(0.9, 1.0), 3),
        mode=mode,
        valign=rng.choices(["middle", "top"], [3, 1] if excel else [3, 2])[0],
        merged_text=rng.choices(["cut", "repeat"], [3, 1])[0] if excel else "cut",
        merged_border=rng.choices(["open", "closed"], [7, 3])[0] if excel else "closed",
        ruling=rng.choice(["lines", "rects", "filled"]),
        lw=round(rng.uniform(0.4, 1.2), 2),
        repeat_header=rng.random() < 0.35,
        title_style="inline" if rng.random() < 0.25 else "separate",
        title_bold=rng.random() < 0.8,
        title_delta=rng.choice([3, 4, 5, 6, 7, 8]),
        grade_label=rng.choice(labels.GRADE_LINE_LABELS),
        letterhead=rng.choice(["blank", "text"]),
        letter_fs=rng.choice([10.5, 11, 12]),
        footer=rng.choices(labels.FOOTERS, [5, 2, 2, 1])[0],
        gap=round(rng.uniform(12, 36)),
        row_extra=round(rng.uniform(0, 6), 1) if excel else 0.0,
        target_form=target_form,
        target_row=target_row,
    )
