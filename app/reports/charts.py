"""Small SVG charts drawn on the server, no Flask and no JavaScript.

Bars for counts per month or quarter, a line for a cumulative figure against its ceiling
(municipalities reached of 290), stacked bars for the stages over time. Each chart is an
`<svg role="img">` named by its title; the page shows the same figures in a table, which is
the accessible alternative. Colours come from CSS classes (reports.css) or, for the stages,
from `fill` attributes: the Content-Security-Policy allows no inline styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 18, 40
#: With more labels than this, only every second (third, …) one is written.
MAX_LABELS = 14


@dataclass(frozen=True)
class Series:
    """One layer of a stacked bar chart."""

    name: str
    css_class: str
    fill: str
    values: Sequence[int]


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1): the axis maximum."""
    ceiling = 1
    while True:
        for step in (1, 2, 5):
            if step * ceiling >= value:
                return step * ceiling
        ceiling *= 10


def _ticks(maximum: int) -> list[int]:
    """Gridlines at a round step, at most six of them."""
    step = nice_ceiling(-(-maximum // 5))
    return list(range(0, maximum + 1, step))


def _open(title: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css_class)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]


def _plot_height() -> int:
    return HEIGHT - TOP - BOTTOM


def _y(value: float, maximum: int) -> float:
    return round(TOP + _plot_height() * (1 - value / maximum), 1)


def _axes(maximum: int) -> list[str]:
    parts = []
    for tick in _ticks(maximum):
        y = _y(tick, maximum)
        parts.append(
            f'<line class="chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>'
            f'<text class="chart__tick" x="{LEFT - 6}" y="{y + 4}" text-anchor="end" '
            f'font-size="12">{tick}</text>'
        )
    bottom = HEIGHT - BOTTOM
    parts.append(
        f'<line class="chart__axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}"/>'
    )
    return parts


def _slots(count: int) -> tuple[float, list[float]]:
    """The width of each category's slot and the x of its centre."""
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return slot, [round(LEFT + slot * (i + 0.5), 1) for i in range(count)]


def _labels(labels: Sequence[str], centres: list[float]) -> list[str]:
    every = -(-len(labels) // MAX_LABELS)
    return [
        f'<text class="chart__label" x="{x}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
        f'font-size="12">{escape(label)}</text>'
        for i, (label, x) in enumerate(zip(labels, centres, strict=True))
        if i % every == 0 or i == len(labels) - 1
    ]


def bar_chart(labels: Sequence[str], values: Sequence[int], *, title: str) -> str:
    """One bar per label, its value written above it."""
    maximum = nice_ceiling(max(values, default=0))
    slot, centres = _slots(len(labels))
    width = round(slot * 0.7, 1)
    parts = _open(title, "chart--bars") + _axes(maximum)
    for value, x in zip(values, centres, strict=True):
        y = _y(value, maximum)
        height = round(HEIGHT - BOTTOM - y, 1)
        parts.append(
            f'<rect class="chart__bar" x="{round(x - width / 2, 1)}" y="{y}" width="{width}" '
            f'height="{height}"/>'
            f'<text class="chart__value" x="{x}" y="{y - 4}" text-anchor="middle" '
            f'font-size="12">{value}</text>'
        )
    return "".join(parts + _labels(labels, centres) + ["</svg>"])


def line_chart(labels: Sequence[str], values: Sequence[int], *, maximum: int, title: str) -> str:
    """A line through the values on an axis up to `maximum` (say 290 municipalities)."""
    ceiling = max([maximum, *values, 1])
    _slot, centres = _slots(len(labels))
    parts = _open(title, "chart--line") + _axes(ceiling)
    if maximum:
        y = _y(maximum, ceiling)
        parts.append(
            f'<line class="chart__ceiling" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>'
            f'<text class="chart__tick" x="{LEFT - 6}" y="{y + 4}" text-anchor="end" '
            f'font-size="12">{maximum}</text>'
        )
    points = " ".join(f"{x},{_y(value, ceiling)}" for value, x in zip(values, centres, strict=True))
    if points:
        parts.append(f'<polyline class="chart__line" fill="none" points="{points}"/>')
    for value, x in zip(values, centres, strict=True):
        y = _y(value, ceiling)
        parts.append(
            f'<circle class="chart__dot" cx="{x}" cy="{y}" r="3"/>'
            f'<text class="chart__value" x="{x}" y="{y - 7}" text-anchor="middle" '
            f'font-size="12">{value}</text>'
        )
    return "".join(parts + _labels(labels, centres) + ["</svg>"])


def stacked_bar_chart(labels: Sequence[str], series: Sequence[Series], *, title: str) -> str:
    """One bar per label, stacked from the first series at the bottom."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    maximum = max([*totals, 1])
    slot, centres = _slots(len(labels))
    width = round(slot * 0.7, 1)
    parts = _open(title, "chart--stacked") + _axes(maximum)
    for i, x in enumerate(centres):
        below = 0
        for layer in series:
            value = layer.values[i]
            if value:
                top, bottom = _y(below + value, maximum), _y(below, maximum)
                parts.append(
                    f'<rect class="chart__segment {escape(layer.css_class)}" '
                    f'fill="{escape(layer.fill)}" x="{round(x - width / 2, 1)}" y="{top}" '
                    f'width="{width}" height="{round(bottom - top, 1)}">'
                    f"<title>{escape(labels[i])}: {escape(layer.name)} {value}</title></rect>"
                )
            below += value
    return "".join(parts + _labels(labels, centres) + ["</svg>"])
