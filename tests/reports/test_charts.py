"""The SVG charts: pure functions, well-formed, escaped, with the right number of marks."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from app.reports.charts import Series, bar_chart, line_chart, nice_ceiling, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (290, 500), (1000, 1000)]
)
def test_nice_ceiling(value, ceiling):
    assert nice_ceiling(value) == ceiling


def test_bar_chart():
    values = [0, 3, 1, 0, 12, 7, 0, 0, 1, 2, 6, 4]
    root = ElementTree.fromstring(bar_chart(MONTHS, values, title="Möten <per> månad"))
    assert root.get("role") == "img" and root.get("aria-label") == "Möten <per> månad"
    assert root.find(f"{SVG}title").text == "Möten <per> månad"
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart__bar"]
    assert len(bars) == 12
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] == 0 and max(heights) == heights[4]  # the tallest bar is the largest value
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "2026-01" in texts and "12" in texts
    assert "style=" not in bar_chart(MONTHS, values, title="x")


def test_bar_chart_without_data():
    root = ElementTree.fromstring(bar_chart(MONTHS, [0] * 12, title="Tomt"))
    assert len(list(root.iter(f"{SVG}rect"))) == 12


def test_line_chart_against_its_ceiling():
    values = [0, 0, 1, 3, 3, 10, 40, 41, 80, 100, 150, 160]
    root = ElementTree.fromstring(line_chart(MONTHS, values, maximum=290, title="Kommuner"))
    points = root.find(f"{SVG}polyline").get("points").split()
    assert len(points) == 12
    ys = [float(p.split(",")[1]) for p in points]
    assert ys == sorted(ys, reverse=True)  # rising values go up the page
    assert root.find(f"{SVG}line[@class='chart__ceiling']") is not None
    assert "290" in [t.text for t in root.iter(f"{SVG}text")]


def test_stacked_bar_chart():
    series = [
        Series("Ej kontaktad", "stage-fill--ej_kontaktad", "#e8ecf1", [290, 280, 0]),
        Series("I dialog", "stage-fill--i_dialog", "#2171b5", [0, 10, 0]),
    ]
    root = ElementTree.fromstring(
        stacked_bar_chart(["2025K3", "2025K4", "2026K1"], series, title="Steg")
    )
    segments = list(root.iter(f"{SVG}rect"))
    assert len(segments) == 3  # zero-height segments are left out
    assert segments[1].get("fill") == "#e8ecf1" and segments[2].get("fill") == "#2171b5"
    assert segments[2].find(f"{SVG}title").text == "2025K4: I dialog 10"


def text_boxes(svg: str) -> list[tuple[str, float, float, float, float, float]]:
    """Each text's font size and box, estimated from its length × its font size (0.6 em a
    character, one em high above the baseline)."""
    boxes = []
    for text in ElementTree.fromstring(svg).iter(f"{SVG}text"):
        size = float(text.get("font-size"))
        x, y = float(text.get("x")), float(text.get("y"))
        width = len(text.text) * size * 0.6
        left = {"middle": x - width / 2, "end": x - width}.get(text.get("text-anchor"), x)
        boxes.append((text.text, size, left, y - size, left + width, y))
    return boxes


def overlapping(boxes) -> list[tuple[str, str]]:
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[2] < b[4] and b[2] < a[4] and a[3] < b[5] and b[3] < a[5]
    ]


QUARTERS = [f"{year} K{q}" for year in (2026, 2027) for q in (1, 2, 3, 4)]
MONTHS_24 = [f"{year}-{m:02d}" for year in (2026, 2027) for m in range(1, 13)]


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart(MONTHS, [0, 3, 1, 0, 12, 7, 0, 0, 1, 2, 6, 4], title="Månader"),
        bar_chart(MONTHS_24, [1234, 1240, 999, 1000, *range(2000, 2020)], title="Stora tal"),
        bar_chart(QUARTERS, [5, 5, 5, 5, 5, 5, 5, 5], title="Kvartal"),
        line_chart(
            MONTHS,
            [0, 10, 40, 90, 140, 200, 233, 250, 260, 270, 280, 288],
            maximum=290,
            title="Nådda",
        ),
        line_chart(MONTHS_24, list(range(0, 240, 10)), maximum=290, title="Två år"),
        stacked_bar_chart(
            QUARTERS,
            [
                Series("Ej kontaktad", "a", "#ccc", [290 - 10 * i for i in range(8)]),
                Series("I dialog", "b", "#06c", [10 * i for i in range(8)]),
            ],
            title="Steg",
        ),
    ],
    ids=["months", "big-values", "quarters", "line", "line-two-years", "stacked"],
)
def test_chart_text_is_legible_and_never_touches(svg):
    """At least 11 px (in the chart's units, drawn no narrower than the units: reports.css),
    and no two texts' estimated boxes overlap: labels, ticks, the ceiling and the values."""
    boxes = text_boxes(svg)
    assert boxes and all(size >= 11 for _text, size, *_box in boxes)
    assert overlapping(boxes) == []
    labels = [b for b in boxes if b[3] > 200]  # under the axis
    assert len(labels) >= 4  # thinned, not dropped


def test_every_label_is_written_when_they_fit():
    quarters = text_boxes(bar_chart(QUARTERS[:4], [1, 2, 3, 4], title="x"))
    assert [b[0] for b in quarters if b[0].startswith("2026 K")] == QUARTERS[:4]
