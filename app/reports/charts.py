"""Small SVG charts drawn on the server, no Flask and no JavaScript.

Bars for counts per month or quarter, a line for a cumulative figure against its ceiling
(municipalities reached of 290), stacked bars for the stages over time. Each chart is an
`<svg role="img">` named by its title; the page shows the same figures in a table, which is
the accessible alternative. Colours come from CSS classes (reports.css) or, for the stages,
from `fill` attributes: the Content-Security-Policy allows no inline styles.

Policy milestones (app/milestones) are drawn on any chart as dashed vertical lines at their
day within the category they fall in (`markers_for`), each named by a <title> and, where it
fits, a short label along the top; the page lists them under the chart as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import escape

WIDTH = 480
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 22, 36
#: The text size in the chart's units. The charts are drawn at least about 26rem (416 px)
#: wide (reports.css), so their text is never smaller than about 12 px on screen.
FONT = 14
#: A text's width estimated as this many font sizes per character (a little more than the
#: average letter of a sans-serif face, so that estimated boxes apart are apart on screen).
CHAR_WIDTH = 0.62
#: Space kept between two labels, in the chart's units.
GAP = 4


@dataclass
class _Texts:
    """The chart's texts so far, by their estimated boxes: a text that would touch one
    already written is left out (the table under each chart holds every figure)."""

    boxes: list[tuple[float, float, float, float]]

    def add(self, text: str, x: float, y: float, *, anchor: str, css_class: str) -> str:
        width = len(text) * FONT * CHAR_WIDTH
        left = {"middle": x - width / 2, "end": x - width}.get(anchor, x)
        box = (left, y - FONT, left + width, y)
        if any(_touch(box, other) for other in self.boxes):
            return ""
        self.boxes.append(box)
        return (
            f'<text class="{css_class}" x="{x}" y="{y}" text-anchor="{anchor}" '
            f'font-size="{FONT}">{escape(text)}</text>'
        )


def _touch(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return not (
        a[2] + GAP <= b[0] or b[2] + GAP <= a[0] or a[3] + GAP <= b[1] or b[3] + GAP <= a[1]
    )


@dataclass(frozen=True)
class Series:
    """One layer of a stacked bar chart."""

    name: str
    css_class: str
    fill: str
    values: Sequence[int]


@dataclass(frozen=True)
class Marker:
    """A dated event: `at` counts categories from the left edge (2.25: a quarter into the
    third), `label` names it ("2026-01-01 Återvandringsbidraget höjs")."""

    at: float
    label: str


#: A marker's colour and dash, as attributes (no inline styles under the CSP).
MARKER_ATTRIBUTES = 'stroke="#7a2e8e" stroke-width="2" stroke-dasharray="5 3"'
#: A marker's label along the top is cut to this many characters (its <title> is whole).
MARKER_LABEL = 22


def markers_for(
    periods: Sequence[tuple[date, date]], events: Sequence[tuple[date, str]]
) -> list[Marker]:
    """Markers for the events that fall in one of the categories' periods (`start`, `end`,
    both included), each at its day's share of the way through its category."""
    markers = []
    for day, label in events:
        for index, (start, end) in enumerate(periods):
            if start <= day <= end:
                share = (day - start).days / ((end - start).days + 1)
                markers.append(Marker(round(index + share, 4), label))
                break
    return markers


def _markers(markers: Sequence[Marker], count: int, texts: _Texts) -> list[str]:
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    parts = []
    for marker in markers:
        x = round(LEFT + slot * marker.at, 1)
        short = marker.label if len(marker.label) <= MARKER_LABEL else marker.label[:21] + "…"
        anchor = "end" if x > (LEFT + WIDTH - RIGHT) / 2 else "start"
        label_x = x - 3 if anchor == "end" else x + 3
        parts.append(
            f'<g class="chart__milestone"><title>{escape(marker.label)}</title>'
            f'<line x1="{x}" x2="{x}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" {MARKER_ATTRIBUTES}/>'
            + texts.add(short, label_x, TOP - 6, anchor=anchor, css_class="chart__milestone-label")
            + "</g>"
        )
    return parts


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


def _axes(maximum: int, texts: _Texts) -> list[str]:
    parts = []
    for tick in _ticks(maximum):
        y = _y(tick, maximum)
        parts.append(
            f'<line class="chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>'
            + texts.add(str(tick), LEFT - 6, y + 5, anchor="end", css_class="chart__tick")
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


def _labels(labels: Sequence[str], centres: list[float], texts: _Texts) -> list[str]:
    """The category labels under the axis: every one if they fit side by side, else every
    second (third, …), the same step throughout so the reader can count along."""
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    widest = max((len(label) for label in labels), default=0) * FONT * CHAR_WIDTH
    every = 1
    while slot * every < widest + GAP:
        every += 1
    y = HEIGHT - BOTTOM + FONT + 6
    return [
        texts.add(label, x, y, anchor="middle", css_class="chart__label")
        for i, (label, x) in enumerate(zip(labels, centres, strict=True))
        if i % every == 0
    ]


def bar_chart(
    labels: Sequence[str], values: Sequence[int], *, title: str, markers: Sequence[Marker] = ()
) -> str:
    """One bar per label, its value written above it."""
    maximum = nice_ceiling(max(values, default=0))
    slot, centres = _slots(len(labels))
    width = round(slot * 0.7, 1)
    texts = _Texts([])
    parts = _open(title, "chart--bars") + _labels(labels, centres, texts) + _axes(maximum, texts)
    for value, x in zip(values, centres, strict=True):
        y = _y(value, maximum)
        height = round(HEIGHT - BOTTOM - y, 1)
        parts.append(
            f'<rect class="chart__bar" x="{round(x - width / 2, 1)}" y="{y}" width="{width}" '
            f'height="{height}"/>'
            + texts.add(str(value), x, y - 4, anchor="middle", css_class="chart__value")
        )
    parts += _markers(markers, len(labels), texts)
    return "".join([*parts, "</svg>"])


def line_chart(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    maximum: int,
    title: str,
    markers: Sequence[Marker] = (),
) -> str:
    """A line through the values on an axis up to `maximum` (say 290 municipalities)."""
    ceiling = max([maximum, *values, 1])
    _slot, centres = _slots(len(labels))
    texts = _Texts([])
    parts = _open(title, "chart--line") + _labels(labels, centres, texts)
    if maximum:  # the ceiling's figure before the gridlines': it matters more
        y = _y(maximum, ceiling)
        parts.append(
            f'<line class="chart__ceiling" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>'
            + texts.add(str(maximum), LEFT - 6, y + 5, anchor="end", css_class="chart__tick")
        )
    parts += _axes(ceiling, texts)
    points = " ".join(f"{x},{_y(value, ceiling)}" for value, x in zip(values, centres, strict=True))
    if points:
        parts.append(f'<polyline class="chart__line" fill="none" points="{points}"/>')
    for value, x in zip(values, centres, strict=True):
        y = _y(value, ceiling)
        parts.append(
            f'<circle class="chart__dot" cx="{x}" cy="{y}" r="3"/>'
            + texts.add(str(value), x, y - 7, anchor="middle", css_class="chart__value")
        )
    parts += _markers(markers, len(labels), texts)
    return "".join([*parts, "</svg>"])


def stacked_bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    markers: Sequence[Marker] = (),
) -> str:
    """One bar per label, stacked from the first series at the bottom."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    maximum = max([*totals, 1])
    slot, centres = _slots(len(labels))
    width = round(slot * 0.7, 1)
    texts = _Texts([])
    parts = _open(title, "chart--stacked") + _labels(labels, centres, texts) + _axes(maximum, texts)
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
    parts += _markers(markers, len(labels), texts)
    return "".join([*parts, "</svg>"])
