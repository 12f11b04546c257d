"""The trend chart of the weekly reports: an SVG's coordinates, computed so templates only draw."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from drift.report.history import TrendPoint


@dataclass(frozen=True, slots=True)
class TrendMark:
    x: float
    y_expected: float
    y_unexpected: float
    y_stale: float
    label: str
    expected: int
    unexpected: int
    stale: int
    show_label: bool  # at most about eight dates on the x axis
    anchor: str  # text-anchor of the date: the first and last stay inside the chart


@dataclass(frozen=True, slots=True)
class TrendChart:
    width: int
    height: int
    left: int
    bottom: int
    top: int
    right: int
    marks: tuple[TrendMark, ...]
    expected_points: str  # an SVG polyline's points
    unexpected_points: str
    stale_points: str
    ticks: tuple[tuple[float, int], ...]  # (y, value) of the y axis


def _anchor(i: int, count: int) -> str:
    if count > 1 and i == 0:
        return "start"
    if count > 1 and i == count - 1:
        return "end"
    return "middle"


def trend_chart(points: Sequence[TrendPoint]) -> TrendChart | None:
    """The chart of two reports or more (one report is a dot per line, not a trend)."""
    if len(points) < 2:
        return None
    width, height, left, right, top, bottom = 640, 220, 44, 16, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(p.expected, p.unexpected, p.stale) for p in points)
    step = max(1, -(-peak // 4))  # four ticks, rounded up to whole counts
    y_max = step * 4

    def y(v: int) -> float:
        return round(top + plot_h - plot_h * v / y_max, 1)

    def x(i: int) -> float:
        if len(points) == 1:
            return left + plot_w / 2
        return round(left + plot_w * i / (len(points) - 1), 1)

    every = max(1, -(-len(points) // 8))
    marks = tuple(
        TrendMark(
            x(i),
            y(p.expected),
            y(p.unexpected),
            y(p.stale),
            p.date.isoformat(),
            p.expected,
            p.unexpected,
            p.stale,
            i % every == 0 or i == len(points) - 1,
            _anchor(i, len(points)),
        )
        for i, p in enumerate(points)
    )
    return TrendChart(
        width=width,
        height=height,
        left=left,
        bottom=height - bottom,
        top=top,
        right=width - right,
        marks=marks,
        expected_points=" ".join(f"{m.x},{m.y_expected}" for m in marks),
        unexpected_points=" ".join(f"{m.x},{m.y_unexpected}" for m in marks),
        stale_points=" ".join(f"{m.x},{m.y_stale}" for m in marks),
        ticks=tuple((y(v), v) for v in range(0, y_max + 1, step)),
    )
