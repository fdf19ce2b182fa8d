"""The theme figures of the lägesbild, each defined once (ARCHITECTURE rule 12).

**Kommuner som nämner temat**: the number of distinct municipalities that named a theme, as
an opportunity or as a challenge (counted apart), on a day in the period. A mention is dated
by the meeting's start day in Europe/Stockholm, or by the day the questionnaire response was
submitted; a municipality's unit (its social services) counts as the municipality; a
municipality that named the theme many times counts once. Per county by the municipality's
county as it is now; per month by the calendar month of the mention. Mentions from a meeting
in the trash, or by an organisation in the trash, are not counted.

Each figure is one SQL GROUP BY over the maintained tally (tally.py): the month rows of the
period's whole months and the day rows of its part months (by the primary key, grain and
period first; one theme's by its own index), joined to the organisation and its parent for
the municipality and county as they are now. A year costs the (theme, side, organisation,
month) that occur in it — at most themes × 2 × organisations × 12, however long the history
— not the mentions behind them. The lägesbild page asks for the national figure only; a
theme's breakdown per county and month is on the theme's page, and all of them in the
Excel file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, extract, func, or_, select

from app.common.aliases import alias
from app.extensions import db
from app.meetings.coverage import month_start, next_month_start
from app.meetings.figures import Figure
from app.organisations.models import County, Organisation, OrganisationKind

from .models import DAY, MONTH, Theme, ThemeSide, ThemeTally

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


def _periods(first: date, last: date) -> ColumnElement[bool]:
    """The tally rows that cover `first` to `last` exactly: the month rows of the whole
    months, the day rows of the days before and after them."""
    months_from = first if first.day == 1 else next_month_start(first)
    months_until = month_start(last + timedelta(days=1))  # exclusive
    if months_from >= months_until:
        return and_(ThemeTally.grain == DAY, ThemeTally.period.between(first, last))
    parts = [
        and_(
            ThemeTally.grain == MONTH,
            ThemeTally.period >= months_from,
            ThemeTally.period < months_until,
        )
    ]
    if first < months_from:
        parts.append(
            and_(
                ThemeTally.grain == DAY,
                ThemeTally.period.between(first, months_from - timedelta(days=1)),
            )
        )
    if months_until <= last:
        parts.append(and_(ThemeTally.grain == DAY, ThemeTally.period.between(months_until, last)))
    return or_(*parts)


def _mentions(first: date, last: date, theme_id: int | None = None, *, by_day: bool = False):
    """The tallied mentions from `first` to `last` (both included) by a municipality or its
    unit, with the municipality they count for (the organisation, or a unit's municipality)
    and its county: a subquery the figures group (so PostgreSQL groups by plain columns, not
    by expressions with parameters). With `by_day`, each row also has `day`: a day, or a
    month's first day (within the month either way); without it, each (theme, side,
    organisation) comes once before the organisations are joined, so a long period joins a
    few thousand rows instead of one per organisation and month."""
    own, parent = Organisation, alias(Organisation, "themes.mentions.parent")
    is_municipality = and_(own.kind == OrganisationKind.KOMMUN, own.parent_id.is_(None))
    parent_is_municipality = and_(
        parent.kind == OrganisationKind.KOMMUN, parent.parent_id.is_(None)
    )
    municipality = case((is_municipality, own.id), (parent_is_municipality, parent.id))
    county = case((is_municipality, own.county_code), (parent_is_municipality, parent.county_code))
    days = (ThemeTally.period.label("day"),) if by_day else ()
    tallies = select(ThemeTally.theme_id, ThemeTally.side, ThemeTally.organisation_id, *days).where(
        _periods(first, last),
        *([ThemeTally.theme_id == theme_id] if theme_id is not None else []),
    )
    if not by_day:
        tallies = tallies.distinct()
    t = tallies.subquery()
    return (
        select(
            t.c.theme_id.label("theme_id"),
            t.c.side.label("side"),
            *((t.c.day,) if by_day else ()),
            municipality.label("municipality"),
            county.label("county"),
        )
        .join(own, own.id == t.c.organisation_id)
        .outerjoin(parent, parent.id == own.parent_id)
        .where(municipality.is_not(None))
        .subquery()
    )


def municipalities_per_theme(
    first: date, last: date, theme_id: int | None = None
) -> dict[Key, int]:
    """Kommuner som nämner temat, per theme and side, in the period (whole country); of one
    theme, or of all."""
    m = _mentions(first, last, theme_id)
    statement = select(m.c.theme_id, m.c.side, func.count(m.c.municipality.distinct())).group_by(
        m.c.theme_id, m.c.side
    )
    return {(theme_id, side): count for theme_id, side, count in db.session.execute(statement)}


def municipalities_per_county(
    first: date, last: date, theme_id: int | None = None
) -> dict[Key, dict[str, int]]:
    """Kommuner som nämner temat per theme and side, per county code (the municipality's
    county now), in the period; of one theme, or of all. Municipalities without a county are
    left out."""
    m = _mentions(first, last, theme_id)
    statement = (
        select(m.c.theme_id, m.c.side, m.c.county, func.count(m.c.municipality.distinct()))
        .where(m.c.county.is_not(None))
        .group_by(m.c.theme_id, m.c.side, m.c.county)
    )
    result: dict[Key, dict[str, int]] = defaultdict(dict)
    for theme, side, county, count in db.session.execute(statement):
        result[(theme, side)][county] = count
    return dict(result)


def municipalities_per_month(
    first: date, last: date, theme_id: int | None = None
) -> dict[Key, dict[str, int]]:
    """Kommuner som nämner temat per theme and side in each calendar month of the period
    ("2026-11"), each month counted on its own; of one theme, or of all."""
    m = _mentions(first, last, theme_id, by_day=True)
    year, month = extract("year", m.c.day), extract("month", m.c.day)
    statement = select(
        m.c.theme_id, m.c.side, year, month, func.count(m.c.municipality.distinct())
    ).group_by(m.c.theme_id, m.c.side, year, month)
    result: dict[Key, dict[str, int]] = defaultdict(dict)
    for theme, side, y, mo, count in db.session.execute(statement):
        result[(theme, side)][f"{int(y):04d}-{int(mo):02d}"] = count
    return dict(result)


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
    """The figure for the period per theme and side, with the themes' names: two
    statements, whatever the number of mentions. With `breakdowns` (the Excel file) also per
    county and per month: two more. The page shows a theme's breakdowns on the theme's page
    (`theme_breakdown`), one theme at a time."""
    national = municipalities_per_theme(first, last)
    counties = municipalities_per_county(first, last) if breakdowns else {}
    months = municipalities_per_month(first, last) if breakdowns else {}
    ids = {theme_id for theme_id, _side in national}
    themes = (
        {t.id: t for t in db.session.scalars(select(Theme).where(Theme.id.in_(ids)))} if ids else {}
    )
    keys = month_keys(first, last)
    county_names = _county_names() if breakdowns else {}
    shown_months = keys if breakdowns else []  # per month only with the breakdowns
    rows = [
        _row(themes[theme_id], side, count, counties, months, shown_months, county_names)
        for (theme_id, side), count in national.items()
    ]
    sort_names = {t.id: t.sort_name for t in themes.values()}
    rows.sort(key=lambda r: (-r.municipalities, sort_names.get(r.theme_id, ""), r.side.value))
    return ThemePicture(first=first, last=last, months=keys, rows=rows)


def theme_breakdown(theme: Theme, first: date, last: date) -> ThemePicture:
    """One theme's figure in the period, per side: nationally, per county and per month (the
    theme's page). Three statements, over this theme's tally rows in the period."""
    counties = municipalities_per_county(first, last, theme.id)
    months = municipalities_per_month(first, last, theme.id)
    national = municipalities_per_theme(first, last, theme.id)
    keys = month_keys(first, last)
    county_names = _county_names()
    rows = [
        _row(theme, side, count, counties, months, keys, county_names)
        for (_theme_id, side), count in national.items()
    ]
    rows.sort(key=lambda r: r.side.value)
    return ThemePicture(first=first, last=last, months=keys, rows=rows)


def _county_names() -> dict[str, str]:
    return dict(db.session.execute(select(County.code, County.name)).all())


def _row(theme, side, count, counties, months, keys, county_names) -> ThemeRow:
    by_county = counties.get((theme.id, side), {})
    by_month = months.get((theme.id, side), {})
    return ThemeRow(
        theme_id=theme.id,
        name=theme.name,
        side=side,
        retired=theme.retired_at is not None,
        municipalities=count,
        per_county=sorted(
            ((county_names.get(code, code), n) for code, n in by_county.items()),
            key=lambda item: (-item[1], item[0]),
        ),
        per_month=[(key, by_month.get(key, 0)) for key in keys],
    )


def default_period(today: date) -> tuple[date, date]:
    """Twelve calendar months up to and including today's."""
    year, month = divmod(today.year * 12 + today.month - 1 - 11, 12)
    first = date(year, month + 1, 1)
    following = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return first, following - timedelta(days=1)
