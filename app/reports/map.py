"""The lägesbild map: Sweden's 290 municipalities as inline SVG, no Flask.

The boundaries (app/data/municipalities.geojson, WGS84) are projected with a sinusoidal
projection centred on Sweden (equal-area, and north stays up), scaled to a 600-unit-wide
viewBox, simplified (Douglas–Peucker, half a unit) and written with integer coordinates as
relative path commands: about 40 kB for the whole country. The projected paths never change,
so they, and each shape's markup around them, are built once per process; each request only
adds the links, titles and colours, which depend on the data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import escape

GEOJSON = Path(__file__).resolve().parent.parent / "data" / "municipalities.geojson"

#: Width of the viewBox; the height follows from Sweden's shape.
WIDTH = 600
#: Douglas–Peucker tolerance, in viewBox units (one unit is about 1.5 km).
TOLERANCE = 0.5
#: Longitude the projection is centred on.
CENTRE_LONGITUDE = 16.0

Point = tuple[float, float]


#: The maps' colours, shared by every map coloured by a value (the questionnaire results,
#: the indicators). Low to high: five blues.
SEQUENTIAL_FILLS = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
#: Categories or options: Okabe–Ito without its yellow and black (they vanish on the map's
#: lines).
CATEGORICAL_FILLS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#7f6b00")
#: A municipality with no value (no figure, no answer).
NO_VALUE_FILL = "#bdbdbd"


@dataclass(frozen=True)
class Shape:
    """One municipality's projected outline."""

    code: str
    name: str
    path: str


@dataclass(frozen=True)
class Outlines:
    """All municipalities' outlines, sorted by code, and the viewBox size."""

    shapes: tuple[Shape, ...]
    width: int
    height: int


@dataclass(frozen=True)
class Area:
    """How to draw one municipality: where it links, its tooltip, its class and fill."""

    href: str | None
    title: str
    css_class: str
    fill: str


def project(longitude: float, latitude: float) -> Point:
    """Sinusoidal projection: x shrinks with the cosine of the latitude; y points south."""
    return (longitude - CENTRE_LONGITUDE) * math.cos(math.radians(latitude)), -latitude


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: drop points closer than `tolerance` to the simplified line."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = math.hypot(px - ax, py - ay)
            else:
                distance = abs(dy * px - dx * py + bx * ay - by * ax) / length
            if distance > farthest:
                farthest, index = distance, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring_path(points: Sequence[tuple[int, int]]) -> str:
    """`M x y` then relative `l dx dy` steps, closed: compact SVG path data."""
    (x, y), rest = points[0], points[1:]
    parts = [f"M{x} {y}"]
    for nx, ny in rest:
        dy = ny - y
        parts.append(f"l{nx - x}{'' if dy < 0 else ' '}{dy}")
        x, y = nx, ny
    return "".join(parts) + "z"


def _rounded(points: Sequence[Point]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    for x, y in points:
        point = (round(x), round(y))
        if not result or result[-1] != point:
            result.append(point)
    if len(result) > 1 and result[0] == result[-1]:
        result.pop()
    return result


def _feature_path(rings: list[list[Point]]) -> str:
    parts = []
    for ring in rings:
        rounded = _rounded(simplify(ring, TOLERANCE))
        if len(rounded) >= 3:
            parts.append(ring_path(rounded))
    if not parts:  # too small to keep a shape: a one-unit square where it lies
        x, y = _rounded(max(rings, key=len))[0]
        parts.append(ring_path([(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]))
    return "".join(parts)


@lru_cache(maxsize=4)
def outlines(path: Path = GEOJSON) -> Outlines:
    """The projected municipalities, computed once per process."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    projected: list[tuple[str, str, list[list[Point]]]] = []
    for feature in features:
        properties = feature["properties"]
        rings = [
            [project(lon, lat) for lon, lat, *_ in ring]
            for polygon in feature["geometry"]["coordinates"]
            for ring in polygon
        ]
        projected.append((str(properties["code"]), str(properties["name"]), rings))
    xs = [x for *_, rings in projected for ring in rings for x, _ in ring]
    ys = [y for *_, rings in projected for ring in rings for _, y in ring]
    left, top = min(xs), min(ys)
    scale = WIDTH / (max(xs) - left)
    shapes = []
    for code, name, rings in sorted(projected):
        scaled = [[((x - left) * scale, (y - top) * scale) for x, y in ring] for ring in rings]
        shapes.append(Shape(code=code, name=name, path=_feature_path(scaled)))
    height = math.ceil((max(ys) - top) * scale)
    return Outlines(shapes=tuple(shapes), width=WIDTH, height=height)


@dataclass(frozen=True)
class _Markup:
    """A shape's markup that never changes: drawn unknown, and the end of its coloured path."""

    code: str
    unknown: str
    geometry: str


@lru_cache(maxsize=4)
def _markup(path: Path = GEOJSON) -> tuple[_Markup, ...]:
    """Every shape's static markup, built once per process (as `outlines` is): a request
    only adds the links, titles and colours, which come from the data."""
    return tuple(
        _Markup(
            code=shape.code,
            unknown=(
                f'<path class="map__area map__area--unknown" data-code="{shape.code}" '
                f'd="{shape.path}"><title>{escape(shape.name)}</title></path>'
            ),
            geometry=f'data-code="{shape.code}" d="{shape.path}"/>',
        )
        for shape in outlines(path).shapes
    )


def render_map(
    areas: Mapping[str, Area], *, label: str, css_class: str = "map", path: Path = GEOJSON
) -> str:
    """The SVG map: each municipality a path in a link with a <title>, coloured by `areas`
    (keyed by municipality code); a municipality missing from `areas` is drawn unlinked."""
    drawn = outlines(path)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" '
        f'viewBox="0 0 {drawn.width} {drawn.height}" role="group" aria-label="{escape(label)}">'
    ]
    for shape in _markup(path):
        area = areas.get(shape.code)
        if area is None:
            parts.append(shape.unknown)
            continue
        body = (
            f"<title>{escape(area.title)}</title>"
            f'<path class="map__area {escape(area.css_class)}" fill="{escape(area.fill)}" '
            f"{shape.geometry}"
        )
        if area.href:
            parts.append(f'<a href="{escape(area.href)}" class="map__link">{body}</a>')
        else:
            parts.append(f'<g class="map__link">{body}</g>')
    parts.append("</svg>")
    return "".join(parts)
