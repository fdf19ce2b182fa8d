"""The results' pictures, no Flask: a bar per option, and the colours of a question's answers
on the municipality map (drawn by app/reports/map.py, the lägesbild's renderer).

A bar is a small SVG in a table cell beside the count and the share written in text (the
table is what a screen reader reads; the bar is hidden from it). Its length is an attribute,
never an inline style: the Content-Security-Policy allows none.

On the map each recipient municipality is coloured by its submitted answer: an option's
colour from a palette told apart with the common forms of colour blindness (Okabe–Ito), a
scale step or a number range from a sequential blue scale; a recipient that has not answered
is grey and a municipality that did not get the questionnaire is left blank. The legend
names each colour and counts its municipalities, so no colour is the only carrier of meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import escape

from app.reports.map import CATEGORICAL_FILLS, NO_VALUE_FILL, SEQUENTIAL_FILLS, Area

from .models import QuestionKind

#: Options' colours, and the scale steps 1–5 and number ranges, low to high (the maps').
CATEGORICAL = CATEGORICAL_FILLS
SEQUENTIAL = SEQUENTIAL_FILLS
#: A recipient that has not submitted an answer (to this question).
NO_ANSWER = NO_VALUE_FILL
#: Kinds a map shows by the answer (one per municipality).
MAP_KINDS = (QuestionKind.SINGLE, QuestionKind.SCALE, QuestionKind.NUMBER)
#: Kinds a map shows one option of at a time: chose it, or answered without it.
OPTION_MAP_KINDS = (QuestionKind.MULTIPLE, QuestionKind.THEMES)
#: The legend's keys for an option of a multiple choice or theme question.
CHOSE, NOT_CHOSEN = "chose", "not-chosen"


def bar(share: float, *, css_class: str = "result-bar") -> str:
    """A bar `share` (0–1) of the cell's width, hidden from screen readers."""
    width = round(max(0.0, min(share, 1.0)) * 100, 1)
    return (
        f'<svg class="{escape(css_class)}" viewBox="0 0 100 10" preserveAspectRatio="none" '
        f'aria-hidden="true" focusable="false"><rect class="{escape(css_class)}__track" '
        f'width="100" height="10"/><rect class="{escape(css_class)}__fill" width="{width}" '
        f'height="10"/></svg>'
    )


@dataclass(frozen=True)
class MapAnswer:
    """A recipient organisation and its submitted answer to the question (None: none)."""

    organisation_id: int
    name: str
    code: str | None
    choices: tuple[str, ...]  # option keys, scale step or theme ids chosen
    number: float | None


@dataclass(frozen=True)
class LegendEntry:
    key: str
    label: str
    fill: str
    count: int


@dataclass(frozen=True)
class ColouredMap:
    areas: dict[str, Area]
    legend: list[LegendEntry]


def number_ranges(values: Sequence[float], steps: int = len(SEQUENTIAL)) -> list[float]:
    """Upper bounds of up to `steps` equal ranges from the smallest value to the largest
    (one range when all are equal)."""
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [high]
    width = (high - low) / steps
    return [low + width * step for step in range(1, steps)] + [high]


def colour_answers(
    kind: QuestionKind,
    labels: dict[str, str],
    answers: Sequence[MapAnswer],
    *,
    no_answer_label: str,
    href: Callable[[int], str],
    number_label: Callable[[float | None], str],
    option: str | None = None,
    not_chosen_label: str = "",
) -> ColouredMap:
    """Each recipient municipality's area and the legend, for a question of `kind` whose
    choices are `labels` (option key or scale step → label). For a multiple choice or theme
    question, `option` is the one shown: who chose it, who answered without it."""
    entries: list[tuple[str, str, str]] = []  # key, label, fill
    ranges: list[float] = []
    if option is not None:
        entries.append((CHOSE, labels.get(option, option), CATEGORICAL[0]))
        entries.append((NOT_CHOSEN, not_chosen_label, CATEGORICAL[1]))
    elif kind is QuestionKind.NUMBER:
        ranges = number_ranges([a.number for a in answers if a.number is not None])
        lower: float | None = min((a.number for a in answers if a.number is not None), default=None)
        for position, upper in enumerate(ranges):
            fill = SEQUENTIAL[position if len(ranges) > 1 else len(SEQUENTIAL) - 1]
            text = number_label(upper)
            if lower != upper:
                text = f"{number_label(lower)}–{text}"
            entries.append((f"r{position}", text, fill))
            lower = upper
    else:
        palette = SEQUENTIAL if kind is QuestionKind.SCALE else CATEGORICAL
        for position, (key, label) in enumerate(labels.items()):
            entries.append((key, label, palette[position % len(palette)]))
    entries.append(("", no_answer_label, NO_ANSWER))
    by_key = {key: (label, fill) for key, label, fill in entries}
    counts = dict.fromkeys(by_key, 0)
    areas: dict[str, Area] = {}
    for answer in answers:
        key = _key(kind, answer, ranges, option)
        if key not in by_key:  # an option no longer offered
            key = ""
        counts[key] += 1
        if answer.code is None:
            continue
        label, fill = by_key[key]
        areas[answer.code] = Area(
            href=href(answer.organisation_id),
            title=f"{answer.name}: {label}",
            css_class="map__area--answer" if key else "map__area--no-answer",
            fill=fill,
        )
    legend = [LegendEntry(key, label, fill, counts[key]) for key, label, fill in entries]
    return ColouredMap(areas=areas, legend=legend)


def _key(kind: QuestionKind, answer: MapAnswer, ranges: Sequence[float], option: str | None) -> str:
    if kind is QuestionKind.NUMBER:
        if answer.number is None:
            return ""
        for position, upper in enumerate(ranges):
            if answer.number <= upper:
                return f"r{position}"
        return f"r{len(ranges) - 1}"
    if option is not None:  # multiple choice or themes: chose the option, or not
        if not answer.choices:
            return ""
        return CHOSE if option in answer.choices else NOT_CHOSEN
    return answer.choices[0] if answer.choices else ""
