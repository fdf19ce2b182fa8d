"""Organisations as spreadsheet rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from flask_babel import gettext as _

from app.common.spreadsheets import Value, code

from .models import Organisation


def organisation_header() -> list[str]:
    return [
        _("Namn"),
        _("Kortnamn"),
        _("Typ"),
        _("Ingår i"),
        _("Län"),
        _("Länskod"),
        _("Kommunkod"),
        _("Organisationsnummer"),
        _("Webbplats"),
        _("Engagemangssteg"),
        _("Arkiverad"),
    ]


def organisation_rows(organisations: Sequence[Organisation]) -> Iterator[list[Value]]:
    """One row per organisation, named as the app names it (a unit with its parent's name;
    load `parent` with the organisations); länskod, kommunkod and organisation number as
    text (`code`)."""
    for organisation in organisations:
        yield [
            organisation.display_name,
            organisation.short_name,
            organisation.kind.label,
            organisation.parent.display_name if organisation.parent else None,
            organisation.county.name if organisation.county else None,
            code(organisation.county_code),
            code(organisation.municipality_code),
            code(organisation.org_number),
            organisation.website,
            organisation.engagement_stage.label if organisation.engagement_stage else None,
            organisation.archived_at.date() if organisation.archived_at else None,
        ]
