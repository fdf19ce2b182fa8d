"""Demo data for prioritising (step 14): an indicator with a figure for every municipality
(invented numbers, said so in its source) and a contact plan for next month, so the
prioritisation page, the plan's page and the start page's plans have something to show at
every scale, and `make bench` measures them. Core inserts like the rest of the demo."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.indicators.models import NUMBER, Indicator, IndicatorValue
from app.organisations.models import Organisation, OrganisationKind
from app.plans.models import ContactPlan, ContactPlanItem

from .core import Context, insert_rows, part_rng

INDICATOR = "Utrikes födda (demo)"
SOURCE = "Påhittade siffror i demodata"
#: Municipalities put in the demo plan.
PLAN_SIZE = 12


def _month_after(today: date) -> tuple[date, date]:
    first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def generate_prioritising(ctx: Context) -> tuple[int, int]:
    """The indicator's figures for last year and one plan for next month; (figures, items)."""
    rng = part_rng(ctx.seed, "prioritising")
    municipalities = list(
        db.session.scalars(
            select(Organisation.id)
            .where(Organisation.kind == OrganisationKind.KOMMUN, Organisation.parent_id.is_(None))
            .order_by(Organisation.id)
        )
    )
    indicator = db.session.scalar(select(Indicator).where(Indicator.name == INDICATOR))
    if indicator is None:
        indicator = Indicator(name=INDICATOR, unit="personer", source=SOURCE, kind=NUMBER)
        db.session.add(indicator)
        db.session.flush()
    year = ctx.today.year - 1
    figures = [
        {
            "indicator_id": indicator.id,
            "organisation_id": municipality,
            "year": year,
            # Most municipalities small, a few large, as in the statistics.
            "value": float(round(rng.lognormvariate(7.5, 1.1))),
            "source": SOURCE,
            "imported_at": ctx.now,
        }
        for municipality in municipalities
    ]
    insert_rows(IndicatorValue.__table__, figures)
    owner = ctx.team.coordinators[0] if ctx.team.coordinators else None
    first, last = _month_after(ctx.today)
    plan = ContactPlan(
        title="Besök nästa månad (demo)",
        scope="Kommuner med många utrikes födda och inget möte hållet",
        owner_id=owner,
        created_by_id=owner,
        starts_on=first,
        ends_on=last,
    )
    db.session.add(plan)
    db.session.flush()
    chosen = rng.sample(municipalities, min(PLAN_SIZE, len(municipalities)))
    insert_rows(
        ContactPlanItem.__table__,
        [
            {"plan_id": plan.id, "organisation_id": municipality, "created_at": ctx.now}
            for municipality in sorted(chosen)
        ],
    )
    return len(figures), len(chosen)
