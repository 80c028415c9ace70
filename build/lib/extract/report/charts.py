"""Small inline SVG charts: readable offline, no script, every label escaped."""

from __future__ import annotations

from html import escape

from extract.dataset.export import display_width

BAR = "#4e79a7"
PALETTE = {"error": "#d62728", "warning": "#f0a202", "info": "#7f7f7f"}


def _fmt(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"


def _fit(label: str, width: int) -> str:
    """The label cut to `width` display columns (a CJK character takes two)."""
    if display_width(label) <= width:
        return label
    while display_width(label + "…") > width:
        label = label[:-1]
    return label + "…"


def column_chart(labels: list[str], values: list[float], title: str, unit: str = "",
                 colours: list[str] | None = None, width: int = 460, height: int = 220) -> str:
    """Vertical bars, one per label (histograms)."""
    top, bottom, left = 28, 42, 34
    plot_h = height - top - bottom
    peak = max(values, default=0) or 1
    step = (width - left - 8) / max(1, len(values))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="{width / 2}" y="16" class="ct">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 4}" y2="{top + plot_h}" class="axis"/>']
    for i, (label, v) in enumerate(zip(labels, values)):
        h = plot_h * v / peak
        x = left + i * step + step * 0.12
        colour = colours[i] if colours else BAR
        parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.76:.1f}" height="{h:.1f}" '
                     f'fill="{colour}"><title>{escape(label)}: {_fmt(v)}{escape(unit)}</title></rect>')
        if v:
            parts.append(f'<text x="{x + step * 0.38:.1f}" y="{top + plot_h - h - 3:.1f}" class="cv">{_fmt(v)}</text>')
        parts.append(f'<text x="{x + step * 0.38:.1f}" y="{top + plot_h + 14}" class="cl" '
                     f'transform="rotate(30 {x + step * 0.38:.1f} {top + plot_h + 14})">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(labels: list[str], values: list[float], title: str, unit: str = "", maximum: float | None = None,
              colours: list[str] | None = None, width: int = 460) -> str:
    """Horizontal bars, one per label (shares per department, findings per check)."""
    row, top, left = 18, 28, 170
    height = top + row * max(1, len(values)) + 10
    peak = maximum or max(values, default=0) or 1
    plot_w = width - left - 50
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="{width / 2}" y="16" class="ct">{escape(title)}</text>']
    for i, (label, v) in enumerate(zip(labels, values)):
        y = top + i * row
        w = plot_w * v / peak
        colour = colours[i] if colours else BAR
        short = _fit(label, 28)
        parts.append(f'<text x="{left - 4}" y="{y + 12}" class="cy">{escape(short)}<title>{escape(label)}</title></text>')
        parts.append(f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" fill="{colour}">'
                     f'<title>{escape(label)}: {_fmt(v)}{escape(unit)}</title></rect>')
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 12}" class="cv0">{_fmt(v)}{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)
