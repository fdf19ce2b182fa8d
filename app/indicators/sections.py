"""What the indicators add to other domains' pages: the municipality page's "Indikatorer"
section (each indicator's newest figure, its year and source), and the organisation list's
`?indikator=` filter: the municipalities the prioritisation list shows for the same
arguments, which a mailing (or a contact plan) takes as its recipients."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import ngettext

from app.common.list_filters import AppliedFilter, filters
from app.common.sections import Section, provides
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind

from . import queries
from .models import Indicator

#: How many of the ranking a list may show or choose ("topp"); 0 is all.
TOP_CHOICES = (10, 25, 50, 100, 0)


@provides("organisation", order=60)
def organisation_indicators(organisation: Organisation) -> Section | None:
    """A municipality's figures: none for other kinds or units."""
    if organisation.kind is not OrganisationKind.KOMMUN or organisation.parent_id is not None:
        return None
    return Section(
        "indicators/_organisation_section.html",
        {"figures": queries.organisation_figures(organisation.id)},
    )


def read_top(text: str | None) -> int:
    """The "topp" argument: one of TOP_CHOICES, else all (0)."""
    try:
        top = int(text or "0")
    except ValueError:
        return 0
    return top if top in TOP_CHOICES else 0


def read_year(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


@filters("organisations")
def prioritised(arguments: Mapping[str, str]) -> AppliedFilter | None:
    """`?indikator=<id>&ar=<year>[&topp=<n>][&utan_mote=1]`: the municipalities ranked by
    the indicator in the year (the first `topp`), only those without Möte hållet when asked:
    the prioritisation list's municipalities."""
    raw = arguments.get("indikator", "")
    if not raw.isdigit():
        return None
    indicator = db.session.get(Indicator, int(raw))
    year = read_year(arguments.get("ar"))
    if indicator is None or year is None:
        return None
    top = read_top(arguments.get("topp"))
    not_met = arguments.get("utan_mote") in ("1", "y", "on")
    ranked, _matched = queries.top_ranked(indicator, year, top=top, not_met=not_met)
    ids = [r.id for r in ranked]
    described = _("%(indicator)s %(year)d", indicator=indicator.name, year=year)
    if not_met:
        described = _("%(what)s, utan möte hållet", what=described)
    if indicator.is_category:
        description = ngettext(
            "Kommunen med ett värde för %(what)s.",
            "De %(num)d kommunerna med ett värde för %(what)s.",
            len(ids),
            what=described,
        )
    else:
        description = ngettext(
            "Kommunen med störst värde för %(what)s.",
            "De %(num)d kommunerna med störst värde för %(what)s.",
            len(ids),
            what=described,
        )
    return AppliedFilter(
        condition=Organisation.id.in_(ids),
        description=description,
        arguments={
            "indikator": str(indicator.id),
            "ar": str(year),
            **({"topp": str(top)} if top else {}),
            **({"utan_mote": "1"} if not_met else {}),
        },
    )
