"""The figures about municipalities and county boards, each defined once (DOMAIN.md, "Figures
and what they mean").

Two measures that used to share the word "nådd" and gave different numbers on the same day:

- **Möte hållet** (met): a municipality or county board with at least one held meeting with it
  or one of its units, in a period or ever. Planned and cancelled meetings never count, and an
  organisation met many times counts once. Computed from `met_links`, the one statement part
  every such figure aggregates (start page, activity summary, whole-period report, lägesbild).
- **Kontaktade** (in contact): a municipality whose engagement stage is anything but
  "Ej kontaktad" (`is_contacted`), whether or not a meeting has been held.

Each figure carries its name and its definition as translatable text, so every page, printable
page and export shows the same words beside the number (the `figure_definitions` template
macro, the reports' "Definitioner" sheet). A unit belongs to its organisation through
`parent_id`, whatever its own kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from app.organisations.models import Organisation, OrganisationKind
from app.organisations.stages import INITIAL_STAGE, Stage

from .models import Meeting, MeetingStatus, meeting_organisations


@dataclass(frozen=True)
class Figure:
    """A named measure and what it counts, both translatable."""

    key: str
    name: Any  # a lazy string: translated when shown
    definition: Any

    @property
    def label(self) -> str:
        return str(self.name)

    @property
    def text(self) -> str:
        return str(self.definition)


MET = Figure(
    "met",
    _l("Möte hållet"),
    _l(
        "Kommuner och länsstyrelser med minst ett genomfört möte med organisationen eller "
        "någon av dess enheter (under perioden, eller någon gång). Planerade och inställda "
        "möten räknas inte, och en organisation räknas en gång."
    ),
)
CONTACTED = Figure(
    "contacted",
    _l("Kontaktade"),
    _l(
        "Kommuner vars engagemangssteg är något annat än ”Ej kontaktad”, oavsett om något "
        "möte har hållits."
    ),
)
#: Every figure, in the order their definitions are listed.
FIGURES = (MET, CONTACTED)
#: The figures by key: the templates' `defined_figures.met` (a template global).
DEFINED_FIGURES = {figure.key: figure for figure in FIGURES}

#: The kinds whose "Möte hållet" the team reports on against the registry's totals.
COVERED_KINDS = (OrganisationKind.KOMMUN, OrganisationKind.LANSSTYRELSE)


def is_contacted(stage: Stage | None) -> bool:
    """Kontaktad: any engagement stage but "Ej kontaktad" (no stage yet is the initial one)."""
    return (stage or INITIAL_STAGE) is not Stage.NOT_CONTACTED


def contacted(counts: Mapping[Stage, int]) -> int:
    """How many of the municipalities counted per stage are Kontaktade."""
    return sum(n for stage, n in counts.items() if is_contacted(stage))


def root_id(organisation: Any = Organisation) -> Any:
    """The top-level organisation an organisation counts for: its parent if it is a unit
    (decided by `parent_id`, never by the unit's kind), else itself."""
    return func.coalesce(organisation.parent_id, organisation.id)


def met_links(
    kinds: Sequence[OrganisationKind] = COVERED_KINDS, *, status: Any = None
) -> Select[Any]:
    """Möte hållet, as rows to aggregate: one per held meeting and active top-level
    organisation of `kinds` it was held with, directly or through one of its units (a meeting
    with a municipality and its unit gives one row per link: count distinct `meeting_id`).

    Columns: root_id, kind, meeting_id, starts_at. `status` is the status column to test
    (callers that read every held meeting pass it wrapped so the planner scans the table)."""
    root = aliased(Organisation)
    return (
        select(
            root.id.label("root_id"),
            root.kind.label("kind"),
            Meeting.id.label("meeting_id"),
            Meeting.starts_at.label("starts_at"),
        )
        .select_from(Meeting)
        .join(meeting_organisations, meeting_organisations.c.meeting_id == Meeting.id)
        .join(Organisation, Organisation.id == meeting_organisations.c.organisation_id)
        .join(root, root.id == root_id(Organisation))
        .where(
            (Meeting.status if status is None else status) == MeetingStatus.HELD,
            root.kind.in_(kinds),
            root.parent_id.is_(None),
            root.archived_at.is_(None),
        )
    )
