"""Ruling segments → snapped lines: cluster parallel strokes, join collinear pieces."""

from __future__ import annotations

from extract.grid.types import Line
from extract.pages.types import Segment
from extract.settings import GridSettings


def snap_segments(segments: list[Segment], settings: GridSettings) -> tuple[list[Line], list[Line]]:
    """Horizontal and vertical lines from raw strokes (double-drawn borders become one line)."""
    hs = [(s.y0, s.x0, s.x1) for s in segments if s.horizontal and s.x1 - s.x0 > 0]
    vs = [(s.x0, s.y0, s.y1) for s in segments if not s.horizontal and s.y1 - s.y0 > 0]
    return _merge(hs, settings), _merge(vs, settings)


def _merge(pieces: list[tuple[float, float, float]], settings: GridSettings) -> list[Line]:
    """Cluster pieces by position, then join overlapping or near-touching intervals."""
    lines: list[Line] = []
    pieces.sort()
    i = 0
    while i < len(pieces):
        j = i + 1
        while j < len(pieces) and pieces[j][0] - pieces[j - 1][0] <= settings.snap_tolerance:
            j += 1
        cluster = pieces[i:j]
        pos = sum(p[0] for p in cluster) / len(cluster)
        spans = sorted((p[1], p[2]) for p in cluster)
        start, end = spans[0]
        for s, e in spans[1:]:
            if s - end <= settings.join_tolerance:
                end = max(end, e)
            else:
                lines.append(Line(pos, start, end))
                start, end = s, e
        lines.append(Line(pos, start, end))
        i = j
    return lines
