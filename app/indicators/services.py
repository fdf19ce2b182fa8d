"""Indicators and their imports: create an indicator, start a draft import from a read file,
plan it against the figures already there, commit it (replace a year, or add one), and
remove an indicator. Creating, importing and removing are recorded in the audit log (the
fields as history.py shows them). Services add and flush; the view commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select

from app.audit.services import Action, diff, record, snapshot
from app.auth.models import User
from app.common.time import utcnow
from app.contacts.importer import ImportNotPossible
from app.extensions import db

from . import queries
from .importer import (
    REPLACE,
    ImportPlan,
    MunicipalityIndex,
    guess_mapping,
    plan_import,
)
from .models import CATEGORY, NUMBER, Indicator, IndicatorImport, IndicatorValue

#: Drafts (uploaded but never confirmed) are deleted after this long.
DRAFT_LIFETIME = timedelta(days=1)
#: An indicator's fields the audit log records when it is created.
FIELDS = ("name", "unit", "source", "description", "kind")


class InvalidIndicator(ImportNotPossible):
    """An indicator cannot be saved as given (a name taken, or none)."""


@dataclass(frozen=True)
class IndicatorValues:
    name: str
    unit: str = ""
    source: str = ""
    description: str = ""
    kind: str = NUMBER


def create_indicator(*, values: IndicatorValues, by: User | None) -> Indicator:
    """A new indicator; its name must be unique (compared as written, case aside)."""
    name = " ".join(values.name.split())
    if not name:
        raise InvalidIndicator(_("Ge indikatorn ett namn."))
    taken = db.session.scalar(
        select(Indicator.id).where(func.lower(Indicator.name) == name.lower())
    )
    if taken is not None:
        raise InvalidIndicator(_("Det finns redan en indikator som heter %(name)s.", name=name))
    indicator = Indicator(
        name=name,
        unit=values.unit.strip(),
        source=values.source.strip(),
        description=values.description.strip(),
        kind=CATEGORY if values.kind == CATEGORY else NUMBER,
    )
    db.session.add(indicator)
    db.session.flush()
    record(
        entity=indicator, action=Action.CREATE, by=by, changes=diff({}, snapshot(indicator, FIELDS))
    )
    return indicator


def delete_indicator(indicator: Indicator, *, by: User) -> queries.Removal:
    """Remove an indicator and all its figures, recording in the audit log what went (its
    name as the note, how many figures and which years); the committed imports stay in the
    list of imports, without their indicator."""
    removal = queries.removal_of(indicator.id)
    record(
        entity=indicator,
        action=Action.DELETE,
        by=by,
        changes={"figures": [removal.figures, 0], "years": [removal.years, []]},
        note=indicator.name,
    )
    db.session.execute(delete(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id))
    db.session.delete(indicator)
    db.session.flush()
    return removal


def start_import(
    *, filename: str, header: list[str], rows: list[list[str]], by: User | None
) -> IndicatorImport:
    """A draft import of a read file, with the columns guessed from its header; old drafts
    are removed on the way."""
    db.session.execute(
        delete(IndicatorImport).where(
            IndicatorImport.status == "draft",
            IndicatorImport.created_at < utcnow() - DRAFT_LIFETIME,
        )
    )
    draft = IndicatorImport(
        filename=filename[:255],
        header=header,
        rows=rows,
        mapping={**guess_mapping(header), "mode": REPLACE},
        counts={},
        created_by_id=by.id if by is not None else None,
        created_by_name=by.name if by is not None else "",
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def _existing(
    indicator_id: int | None,
) -> tuple[dict[tuple[int, int], float | str], dict[int, int]]:
    """The indicator's figures by (municipality, year), and how many per year: one
    statement (bounded by municipalities × years)."""
    if indicator_id is None:
        return {}, {}
    rows = db.session.execute(
        select(
            IndicatorValue.organisation_id,
            IndicatorValue.year,
            IndicatorValue.value,
            IndicatorValue.category,
        ).where(IndicatorValue.indicator_id == indicator_id)
    ).all()
    existing = {(row[0], row[1]): row[2] if row[2] is not None else row[3] for row in rows}
    per_year: dict[int, int] = {}
    for _organisation, year in existing:
        per_year[year] = per_year.get(year, 0) + 1
    return existing, per_year


def plan_for(draft: IndicatorImport) -> ImportPlan:
    """The draft's rows classified against the registry and the indicator's figures."""
    return _plan(draft, *_existing(draft.indicator_id))


def _plan(
    draft: IndicatorImport,
    existing: dict[tuple[int, int], float | str],
    per_year: dict[int, int],
) -> ImportPlan:
    return plan_import(
        draft.rows,
        draft.mapping,
        index=MunicipalityIndex(),
        existing=existing,
        counts_per_year=per_year,
        categories=draft.indicator is not None and draft.indicator.is_category,
    )


def figure_source(indicator: Indicator, filename: str) -> str:
    """What a figure keeps as its source: the indicator's source and the file."""
    return (f"{indicator.source} ({filename})" if indicator.source else filename)[:300]


def commit_import(
    draft: IndicatorImport, *, expected: str, skip_errors: bool, by: User
) -> ImportPlan:
    """Apply a previewed draft. Replace: the file's years lose every figure first, then get
    the file's. Add: only new figures (the plan makes a figure already there an error).
    Refused when the plan differs from the preview or has errors not to be skipped."""
    if draft.status != "draft":
        raise ImportNotPossible(_("Importen är redan genomförd."))
    indicator = draft.indicator
    if indicator is None:
        raise ImportNotPossible(_("Välj en indikator först."))
    existing, per_year = _existing(indicator.id)
    plan = _plan(draft, existing, per_year)
    if plan.fingerprint != expected:
        raise ImportNotPossible(
            _("Uppgifterna har ändrats sedan förhandsgranskningen. Granska raderna igen.")
        )
    if plan.count("error") and not skip_errors:
        raise ImportNotPossible(_("Rätta raderna med fel, eller välj att hoppa över dem."))
    written = [r for r in plan.rows if r.action in ("new", "replace")]
    if not written and not (plan.mode == REPLACE and plan.years):
        raise ImportNotPossible(_("Filen har inga värden att importera."))
    if plan.mode == REPLACE and plan.years:
        db.session.execute(
            delete(IndicatorValue).where(
                IndicatorValue.indicator_id == indicator.id,
                IndicatorValue.year.in_(plan.years),
            )
        )
    now = utcnow()
    source = figure_source(indicator, draft.filename)
    if written:
        db.session.execute(
            insert(IndicatorValue),
            [
                {
                    "indicator_id": indicator.id,
                    "organisation_id": r.organisation_id,
                    "year": r.year,
                    "value": r.value,
                    "category": r.category,
                    "source": source,
                    "import_id": draft.id,
                    "imported_at": now,
                }
                for r in written
            ],
        )
    draft.status = "committed"
    draft.committed_at = now
    draft.counts = {**plan.counts, "removed": plan.removed}
    draft.rows = []  # the figures are saved; the file's rows are not needed any more
    db.session.flush()
    _record_import(draft, plan, figures_before=sum(per_year.values()), by=by)
    return plan


def _record_import(
    draft: IndicatorImport, plan: ImportPlan, *, figures_before: int, by: User
) -> None:
    """The import's audit event on its indicator: the file, its years, replace or add, the
    indicator's figures before and after, and how many were new, replaced, removed or
    skipped (counts of none left out)."""
    assert draft.indicator is not None
    new, replaced = plan.count("new"), plan.count("replace")
    skipped = plan.count("skip") + plan.count("error")
    counts = {"new": new, "replaced": replaced, "removed": plan.removed, "skipped": skipped}
    record(
        entity=draft.indicator,
        action=Action.IMPORT,
        by=by,
        changes={
            "file": [None, draft.filename],
            "years": [None, plan.years],
            "mode": [None, plan.mode],
            "figures": [figures_before, figures_before + new - plan.removed],
            **{name: [None, count] for name, count in counts.items() if count},
        },
    )
