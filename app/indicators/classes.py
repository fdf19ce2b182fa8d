"""An indicator on the municipality map, no Flask: the figures cut into quantile classes
(five, fewer when values repeat), each class a colour of a sequential scale, and the legend
that names each class's range and counts its municipalities (so no colour alone carries the
meaning). The map itself is the lägesbild's renderer (app/reports/map.py).

Quantile classes: with the n figures sorted, class k (1–5) ends at the figure in position
ceil(k·n/5); a class whose end equals the previous one's is dropped. A figure belongs to the
first class whose end is at least the figure. Municipalities without a figure are grey.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal

from app.reports.map import CATEGORICAL_FILLS, NO_VALUE_FILL, SEQUENTIAL_FILLS, Area

#: Low to high: the maps' blues (app/reports/map.py).
SEQUENTIAL = SEQUENTIAL_FILLS
#: A municipality without a figure for the year.
NO_FIGURE = NO_VALUE_FILL
#: Categories' colours: the maps' (as the questionnaire results' options), then a few more
#: told apart by lightness.
CATEGORICAL = (*CATEGORICAL_FILLS, "#4d4d4d", "#a6cee3", "#fb9a99")
CLASSES = 5


def format_figure(value: float | str | None, locale: str = "sv") -> str:
    """A figure as the page's language writes it: "12 345,6" in Swedish; a category as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return format_decimal(value, format="#,##0.##", locale=locale)


@dataclass(frozen=True)
class Band:
    """One class: its smallest and largest figure (or, for categories, its name), its
    colour and how many it holds."""

    lower: float
    upper: float
    fill: str
    count: int
    label: str = ""


def class_ends(values: Sequence[float], classes: int = CLASSES) -> list[float]:
    """The largest figure of each quantile class (see the module docstring)."""
    ordered = sorted(values)
    ends: list[float] = []
    for k in range(1, classes + 1):
        end = ordered[math.ceil(k * len(ordered) / classes) - 1] if ordered else None
        if end is not None and (not ends or end > ends[-1]):
            ends.append(end)
    return ends


def class_of(value: float, ends: Sequence[float]) -> int:
    """The position of the first class whose end is at least `value`."""
    for position, end in enumerate(ends):
        if value <= end:
            return position
    return len(ends) - 1


def palette(count: int) -> list[str]:
    """`count` colours spread over the sequential scale (the darkest always last)."""
    if count <= 0:
        return []
    if count == 1:
        return [SEQUENTIAL[-1]]
    step = (len(SEQUENTIAL) - 1) / (count - 1)
    return [SEQUENTIAL[round(i * step)] for i in range(count)]


@dataclass(frozen=True)
class MapFigure:
    """A municipality and its figure for the year (None: none), or its category."""

    id: int
    name: str
    code: str | None
    value: float | None
    category: str | None = None


@dataclass(frozen=True)
class ColouredIndicator:
    areas: dict[str, Area]
    bands: list[Band]
    missing: int


def colour_figures(
    figures: Sequence[MapFigure],
    *,
    href: Callable[[int], str],
    label: Callable[[float | None], str],
    no_figure_label: str,
) -> ColouredIndicator:
    """Each municipality's area (coloured by class, grey without a figure) and the bands.
    Categories (any figure with one) get a colour each, in name order, instead of classes."""
    if any(f.category is not None for f in figures):
        return colour_categories(figures, href=href, no_figure_label=no_figure_label)
    values = [f.value for f in figures if f.value is not None]
    ends = class_ends(values)
    fills = palette(len(ends))
    lowers: list[float | None] = [None] * len(ends)
    counts = [0] * len(ends)
    areas: dict[str, Area] = {}
    missing = 0
    for figure in figures:
        if figure.value is None:
            missing += 1
            fill, title, css = NO_FIGURE, f"{figure.name}: {no_figure_label}", "map__area--none"
        else:
            position = class_of(figure.value, ends)
            counts[position] += 1
            low = lowers[position]
            lowers[position] = figure.value if low is None else min(low, figure.value)
            fill, title = fills[position], f"{figure.name}: {label(figure.value)}"
            css = f"map__area--class-{position + 1}"
        if figure.code:
            areas[figure.code] = Area(href=href(figure.id), title=title, css_class=css, fill=fill)
    bands = [
        Band(lower=lowers[i] if lowers[i] is not None else end, upper=end, fill=fills[i], count=n)
        for i, (end, n) in enumerate(zip(ends, counts, strict=True))
    ]
    return ColouredIndicator(areas=areas, bands=bands, missing=missing)


def colour_categories(
    figures: Sequence[MapFigure], *, href: Callable[[int], str], no_figure_label: str
) -> ColouredIndicator:
    """Each municipality coloured by its category (more categories than colours share the
    last one), grey without one; a band per category, named and counted."""
    names = sorted({f.category for f in figures if f.category is not None})
    fills = {name: CATEGORICAL[min(i, len(CATEGORICAL) - 1)] for i, name in enumerate(names)}
    counts = dict.fromkeys(names, 0)
    areas: dict[str, Area] = {}
    missing = 0
    for figure in figures:
        if figure.category is None:
            missing += 1
            fill, title, css = NO_FIGURE, f"{figure.name}: {no_figure_label}", "map__area--none"
        else:
            counts[figure.category] += 1
            position = names.index(figure.category)
            fill, title = fills[figure.category], f"{figure.name}: {figure.category}"
            css = f"map__area--category-{position + 1}"
        if figure.code:
            areas[figure.code] = Area(href=href(figure.id), title=title, css_class=css, fill=fill)
    bands = [Band(0.0, 0.0, fills[name], counts[name], label=name) for name in names]
    return ColouredIndicator(areas=areas, bands=bands, missing=missing)
