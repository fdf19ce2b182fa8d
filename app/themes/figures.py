"""The theme figures of the lägesbild, each defined once (ARCHITECTURE rule 12).

**Kommuner som nämner temat**: the number of distinct municipalities that named a theme, as
an opportunity or as a challenge (counted apart), on a day in the period. A mention is dated
by the meeting's start day in Europe/Stockholm, or by the day the questionnaire response was
submitted; a municipality's unit (its social services) counts as the municipality; a
municipality that named the theme many times counts once. Per county by the municipality's
county as it is now; per month by the calendar month of the mention. Mentions from a meeting
in the trash, or by an organisation in the trash, are not counted.

The figures read the tally's sets of organisations (`ThemeTallySet`, kept by tally.py): the
sets of the period's whole months and of the days of its part months (by the primary key,
grain and period first; one theme's by its own index) — a year is at most themes × 2 × 12
month rows, however many mentions and organisations there are — and the registry's
municipalities, their units and counties as they are now, as bitmaps (one statement). A
figure is then the number of bits in a union of sets, mapped to municipalities: nationally,
per county (masked by the county's municipalities) and per month (that month's sets only).
The lägesbild page asks for the national figure only; a theme's breakdown per county and
month is on the theme's page, and all of them in the Excel file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, or_, select

from app.common.aliases import alias
from app.common.bitmaps import from_bytes, members
from app.extensions import db
from app.meetings.coverage import month_start, next_month_start
from app.meetings.figures import Figure
from app.organisations.models import County, Organisation, OrganisationKind

from .models import DAY, MONTH, Theme, ThemeSide, ThemeTallySet

THEME_MUNICIPALITIES = Figure(
    "theme-municipalities",
    _l("Kommuner som nämner temat"),
    _l(
        "Antal olika kommuner som har nämnt temat som möjlighet respektive utmaning under "
        "perioden, vid ett möte (räknat på mötets dag) eller i ett enkätsvar (räknat på dagen "
        "svaret skickades in). En kommuns enheter räknas som kommunen, och en kommun räknas "
        "en gång per tema och sida hur många gånger den än nämnt det. Län efter kommunens "
        "län i dag."
    ),
)

Key = tuple[int, ThemeSide]


def _periods(model: Any, first: date, last: date) -> ColumnElement[bool]:
    """The rows of `model` (ThemeTallySet, or ThemeTally) that cover `first` to `last`
    exactly: the month rows of the whole months, the day rows of the days before and after
    them."""
    months_from = first if first.day == 1 else next_month_start(first)
    months_until = month_start(last + timedelta(days=1))  # exclusive
    if months_from >= months_until:
        return and_(model.grain == DAY, model.period.between(first, last))
    parts = [and_(model.grain == MONTH, model.period >= months_from, model.period < months_until)]
    if first < months_from:
        parts.append(
            and_(model.grain == DAY, model.period.between(first, months_from - timedelta(days=1)))
        )
    if months_until <= last:
        parts.append(and_(model.grain == DAY, model.period.between(months_until, last)))
    return or_(*parts)


@dataclass
class _Registry:
    """The municipalities as bitmaps of organisation ids, as they are now (one statement):
    `municipalities` has a bit for each municipality; `parents` gives each unit of a
    municipality its municipality's id; `counties` a bitmap of each county's municipalities."""

    municipalities: int = 0
    units: int = 0
    parents: dict[int, int] = field(default_factory=dict)
    counties: dict[str, int] = field(default_factory=dict)

    def of(self, organisations: int) -> int:
        """The municipalities the organisations count for: a municipality for itself, a
        unit for its municipality; other organisations for none."""
        found = organisations & self.municipalities
        for unit in members(organisations & self.units):
            found |= 1 << self.parents[unit]
        return found


def _registry() -> _Registry:
    own, parent = Organisation, alias(Organisation, "themes.figures.parent")
    is_municipality = and_(own.kind == OrganisationKind.KOMMUN, own.parent_id.is_(None))
    parent_is_municipality = and_(
        parent.kind == OrganisationKind.KOMMUN, parent.parent_id.is_(None)
    )
    municipality = case((is_municipality, own.id), (parent_is_municipality, parent.id))
    county = case((is_municipality, own.county_code), (parent_is_municipality, parent.county_code))
    statement = (
        select(own.id, municipality, county)
        .outerjoin(parent, parent.id == own.parent_id)
        .where(municipality.is_not(None))
    )
    registry = _Registry()
    counties: dict[str, int] = defaultdict(int)
    for organisation_id, municipality_id, county_code in db.session.execute(statement):
        if organisation_id == municipality_id:
            registry.municipalities |= 1 << organisation_id
            if county_code is not None:
                counties[county_code] |= 1 << organisation_id
        else:
            registry.units |= 1 << organisation_id
            registry.parents[organisation_id] = municipality_id
    registry.counties = dict(counties)
    return registry


@dataclass
class _Counts:
    national: dict[Key, int]
    per_county: dict[Key, dict[str, int]]
    per_month: dict[Key, dict[str, int]]


def _counts(first: date, last: date, theme_id: int | None = None) -> _Counts:
    """The figure in the period per theme and side: nationally, per county and per month.
    Two statements: the tally's sets of organisations in the period (a few hundred rows a
    year) and the registry; the rest is bit operations."""
    sets = select(
        ThemeTallySet.period,
        ThemeTallySet.theme_id,
        ThemeTallySet.side,
        ThemeTallySet.organisations,
    ).where(
        _periods(ThemeTallySet, first, last),
        *([ThemeTallySet.theme_id == theme_id] if theme_id is not None else []),
    )
    per_key_month: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for period, theme, side, organisations in db.session.execute(sets):
        per_key_month[(theme, ThemeSide(side))][f"{period:%Y-%m}"] |= from_bytes(organisations)
    if not per_key_month:
        return _Counts({}, {}, {})
    registry = _registry()
    counts = _Counts({}, {}, {})
    for key, months in per_key_month.items():
        everyone = 0
        per_month = {}
        for month, organisations in months.items():
            met = registry.of(organisations)
            everyone |= met
            if met:
                per_month[month] = met.bit_count()
        if not everyone:
            continue
        counts.national[key] = everyone.bit_count()
        counts.per_month[key] = per_month
        counts.per_county[key] = {
            code: n
            for code, mask in registry.counties.items()
            if (n := (everyone & mask).bit_count())
        }
    return counts


def municipalities_per_theme(
    first: date, last: date, theme_id: int | None = None
) -> dict[Key, int]:
    """Kommuner som nämner temat, per theme and side, in the period (whole country); of one
    theme, or of all."""
    return _counts(first, last, theme_id).national


def municipalities_per_county(
    first: date, last: date, theme_id: int | None = None
) -> dict[Key, dict[str, int]]:
    """Kommuner som nämner temat per theme and side, per county code (the municipality's
    county now), in the period; of one theme, or of all. Municipalities without a county are
    left out."""
    return {key: n for key, n in _counts(first, last, theme_id).per_county.items() if n}


def municipalities_per_month(
    first: date, last: date, theme_id: int | None = None
) -> dict[Key, dict[str, int]]:
    """Kommuner som nämner temat per theme and side in each calendar month of the period
    ("2026-11"), each month counted on its own; of one theme, or of all."""
    return _counts(first, last, theme_id).per_month


# --- The lägesbild's part --------------------------------------------------------------------


def month_keys(first: date, last: date) -> list[str]:
    """Every calendar month the period touches, oldest first ("2026-01", …)."""
    keys, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


@dataclass
class ThemeRow:
    """One theme on one side: the figure nationally, per county and per month."""

    theme_id: int
    name: str
    side: ThemeSide
    retired: bool
    municipalities: int
    per_county: list[tuple[str, int]] = field(default_factory=list)  # (county name, count)
    per_month: list[tuple[str, int]] = field(default_factory=list)  # every month, zeros too


@dataclass
class ThemePicture:
    """The lägesbild's "Teman" part for a period: rows by side, most named first."""

    first: date
    last: date
    months: list[str]
    rows: list[ThemeRow]
    figure: Figure = THEME_MUNICIPALITIES

    def side(self, side: ThemeSide) -> list[ThemeRow]:
        return [row for row in self.rows if row.side is side]

    @property
    def sides(self) -> list[ThemeSide]:
        return list(ThemeSide)


def theme_picture(first: date, last: date, *, breakdowns: bool = False) -> ThemePicture:
    """The figure for the period per theme and side, with the themes' names: three
    statements, whatever the number of mentions. With `breakdowns` (the Excel file) also per
    county and per month (one more, for the counties' names). The page shows a theme's
    breakdowns on the theme's page (`theme_breakdown`), one theme at a time."""
    counts = _counts(first, last)
    ids = {theme_id for theme_id, _side in counts.national}
    themes = (
        {t.id: t for t in db.session.scalars(select(Theme).where(Theme.id.in_(ids)))} if ids else {}
    )
    keys = month_keys(first, last)
    county_names = _county_names() if breakdowns else {}
    shown_months = keys if breakdowns else []  # per month only with the breakdowns
    rows = [
        _row(themes[theme_id], side, counts, shown_months, county_names, breakdowns=breakdowns)
        for (theme_id, side) in counts.national
    ]
    sort_names = {t.id: t.sort_name for t in themes.values()}
    rows.sort(key=lambda r: (-r.municipalities, sort_names.get(r.theme_id, ""), r.side.value))
    return ThemePicture(first=first, last=last, months=keys, rows=rows)


def theme_breakdown(theme: Theme, first: date, last: date) -> ThemePicture:
    """One theme's figure in the period, per side: nationally, per county and per month (the
    theme's page). Three statements, over this theme's sets in the period."""
    counts = _counts(first, last, theme.id)
    keys = month_keys(first, last)
    county_names = _county_names()
    rows = [
        _row(theme, side, counts, keys, county_names, breakdowns=True)
        for (_theme_id, side) in counts.national
    ]
    rows.sort(key=lambda r: r.side.value)
    return ThemePicture(first=first, last=last, months=keys, rows=rows)


def _county_names() -> dict[str, str]:
    return dict(db.session.execute(select(County.code, County.name)).all())


def _row(theme, side, counts: _Counts, keys, county_names, *, breakdowns: bool) -> ThemeRow:
    key = (theme.id, side)
    by_county = counts.per_county.get(key, {}) if breakdowns else {}
    by_month = counts.per_month.get(key, {}) if breakdowns else {}
    return ThemeRow(
        theme_id=theme.id,
        name=theme.name,
        side=side,
        retired=theme.retired_at is not None,
        municipalities=counts.national[key],
        per_county=sorted(
            ((county_names.get(code, code), n) for code, n in by_county.items()),
            key=lambda item: (-item[1], item[0]),
        ),
        per_month=[(month, by_month.get(month, 0)) for month in keys],
    )


def default_period(today: date) -> tuple[date, date]:
    """Twelve calendar months up to and including today's."""
    year, month = divmod(today.year * 12 + today.month - 1 - 11, 12)
    first = date(year, month + 1, 1)
    following = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return first, following - timedelta(days=1)
