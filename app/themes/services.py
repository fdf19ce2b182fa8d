"""The team's list of themes, and coding meetings and questionnaire answers with them.

A theme's name is unique by its folded key ("Tolk" and "TOLK " are one theme). Retiring a
theme takes it off the forms but keeps its mentions, so the lägesbild's history does not
change. A mention is dated by what it came from: a meeting's local start day
(Europe/Stockholm), or a response's submission day. Every change is written to the audit log
on the theme, in the same transaction. What the pages read is in queries.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import Action, Actor, diff, record, snapshot
from app.common.exceptions import DomainError
from app.common.text import fold, one_line, sort_key
from app.common.time import to_local, utcnow
from app.extensions import db
from app.meetings.models import Meeting
from app.organisations.models import Organisation, OrganisationKind
from app.questionnaires.hooks import on_submit
from app.questionnaires.models import (
    Answer,
    Question,
    QuestionKind,
    QuestionnaireResponse,
    ResponseStatus,
)

from .models import Theme, ThemeMention, ThemeSide

FIELDS = ("name", "name_en", "description", "side", "retired_at")
NAME_LIMIT = 120
NOTE_LIMIT = 500


class InvalidTheme(DomainError):
    """A theme name that is empty or taken, or a mention that cannot be made."""


@dataclass(frozen=True)
class ThemeValues:
    """What the team types for a theme."""

    name: str
    name_en: str = ""
    description: str = ""
    side: ThemeSide | None = None


# --- The list ------------------------------------------------------------------------------


def theme_key(name: str) -> str:
    """The folded name that must be unique: case, diacritics and spacing do not count."""
    return " ".join(fold(name).split())[:NAME_LIMIT]


def _check_name(name: str, *, theme_id: int | None = None) -> str:
    name = one_line(name)[:NAME_LIMIT]
    if not name:
        raise InvalidTheme(_("Ange ett namn på temat."))
    taken = db.session.scalar(select(Theme).where(Theme.key == theme_key(name)))
    if taken is not None and taken.id != theme_id:
        raise InvalidTheme(_("Temat ”%(name)s” finns redan.", name=taken.name))
    return name


def _side(value: ThemeSide | str | None) -> ThemeSide | None:
    return ThemeSide(value) if value else None


def create_theme(*, values: ThemeValues, by: Actor | None) -> Theme:
    """Add a theme to the list. Raises InvalidTheme for an empty or taken name."""
    name = _check_name(values.name)
    theme = Theme(
        name=name,
        key=theme_key(name),
        name_en=one_line(values.name_en)[:NAME_LIMIT],
        description=values.description.strip(),
        side=_side(values.side),
        sort_name=sort_key(name)[:NAME_LIMIT],
    )
    db.session.add(theme)
    db.session.flush()
    record(entity=theme, action=Action.CREATE, by=by, changes=diff({}, snapshot(theme, FIELDS)))
    return theme


def edit_theme(theme: Theme, *, values: ThemeValues, by: Actor | None) -> bool:
    """Rename or describe a theme; its mentions follow it. False if nothing changed."""
    name = _check_name(values.name, theme_id=theme.id)
    before = snapshot(theme, FIELDS)
    theme.name = name
    theme.key = theme_key(name)
    theme.sort_name = sort_key(name)[:NAME_LIMIT]
    theme.name_en = one_line(values.name_en)[:NAME_LIMIT]
    theme.description = values.description.strip()
    theme.side = _side(values.side)
    changes = diff(before, snapshot(theme, FIELDS))
    if not changes:
        return False
    db.session.flush()
    record(entity=theme, action=Action.UPDATE, by=by, changes=changes)
    return True


def retire_theme(theme: Theme, *, by: Actor | None) -> bool:
    """Take the theme off the forms; its mentions stay and are still counted."""
    if theme.retired_at is not None:
        return False
    theme.retired_at = utcnow()
    db.session.flush()
    record(entity=theme, action=Action.ARCHIVE, by=by)
    return True


def unretire_theme(theme: Theme, *, by: Actor | None) -> bool:
    """Offer a retired theme again."""
    if theme.retired_at is None:
        return False
    theme.retired_at = None
    db.session.flush()
    record(entity=theme, action=Action.RESTORE, by=by)
    return True


def list_themes(*, include_retired: bool = True) -> list[Theme]:
    """The list in Swedish order, the ones in use first."""
    statement = select(Theme).order_by(Theme.retired_at.is_not(None), Theme.sort_name)
    if not include_retired:
        statement = statement.where(Theme.retired_at.is_(None))
    return list(db.session.scalars(statement))


def ensure_themes(names: Iterable[tuple[str, ThemeSide | None, str]], *, by: Actor | None) -> int:
    """Put the starting themes (name, side, description) on an empty list; the number made.
    Once the list has any theme it is the team's: nothing is added again, so a theme the
    team renamed or retired never comes back under its first name."""
    if db.session.scalar(select(Theme.id).limit(1)) is not None:
        return 0
    made = 0
    for name, side, description in names:
        if db.session.scalar(select(Theme.id).where(Theme.key == theme_key(name))) is None:
            create_theme(values=ThemeValues(name=name, side=side, description=description), by=by)
            made += 1
    return made


# --- Mentions ------------------------------------------------------------------------------


def _municipality_of(organisation: Organisation) -> Organisation | None:
    """The municipality itself, or a municipality's unit's parent; None otherwise."""
    if organisation.is_municipality:
        return organisation
    parent = organisation.parent
    if parent is not None and parent.kind is OrganisationKind.KOMMUN:
        return parent
    return None


def mention_label(mention: ThemeMention) -> str:
    """A mention in words for the audit log: "Kramfors kommun, Utmaning, 2026-11-02"."""
    return f"{mention.organisation.display_name}, {mention.side.label}, {mention.mentioned_on}"


def _add_mention(
    *,
    theme: Theme,
    side: ThemeSide,
    organisation: Organisation,
    on: date,
    by: Actor | None,
    note: str = "",
    meeting: Meeting | None = None,
    response: QuestionnaireResponse | None = None,
    question: Question | None = None,
) -> ThemeMention | None:
    """One mention, unless the same theme, side and organisation is already coded from the
    same meeting or response and question (then None)."""
    side = ThemeSide(side)  # a form's filters may hand the value back as a plain str

    def same(column, row) -> object:
        return column == row.id if row is not None else column.is_(None)

    existing = select(ThemeMention.id).where(
        ThemeMention.theme_id == theme.id,
        ThemeMention.side == side,
        ThemeMention.organisation_id == organisation.id,
        same(ThemeMention.meeting_id, meeting),
        same(ThemeMention.response_id, response),
        same(ThemeMention.question_id, question),
    )
    if db.session.scalar(existing) is not None:
        return None
    mention = ThemeMention(
        theme_id=theme.id,
        side=side,
        organisation_id=organisation.id,
        mentioned_on=on,
        meeting_id=meeting.id if meeting is not None else None,
        response_id=response.id if response is not None else None,
        question_id=question.id if question is not None else None,
        note=one_line(note)[:NOTE_LIMIT],
        coded_by_name=by.name if by is not None else "",
    )
    mention.theme, mention.organisation = theme, organisation
    db.session.add(mention)
    db.session.flush()
    record(
        entity=theme,
        action=Action.UPDATE,
        by=by,
        changes={"mention": [None, mention_label(mention)]},
    )
    return mention


def _usable(theme: Theme) -> None:
    if theme.retired_at is not None:
        raise InvalidTheme(_("Temat ”%(name)s” används inte längre.", name=theme.name))


def meeting_day(meeting: Meeting) -> date:
    """The day a meeting's mentions are dated: its start, in Stockholm."""
    return to_local(meeting.starts_at).date()


def code_meeting(
    meeting: Meeting,
    *,
    theme: Theme,
    side: ThemeSide,
    by: Actor | None,
    note: str = "",
    organisations: Sequence[Organisation] | None = None,
) -> list[ThemeMention]:
    """Code a meeting with a theme: one mention per municipality of the meeting (a unit of a
    municipality counts as its municipality), or per organisation in `organisations` (which
    must be the meeting's), dated by the meeting's start day. Raises InvalidTheme when there
    is no one to code or the theme is retired."""
    _usable(theme)
    own = {o.id for o in meeting.organisations}
    if organisations is None:
        chosen = {}
        for organisation in meeting.organisations:
            municipality = _municipality_of(organisation)
            if municipality is not None:
                chosen[municipality.id] = municipality
        targets = list(chosen.values())
    else:
        targets = [o for o in organisations if o.id in own]
    if not targets:
        raise InvalidTheme(_("Mötet har ingen kommun att koppla temat till."))
    made = []
    for organisation in targets:
        mention = _add_mention(
            theme=theme,
            side=side,
            organisation=organisation,
            on=meeting_day(meeting),
            by=by,
            note=note,
            meeting=meeting,
        )
        if mention is not None:
            made.append(mention)
    return made


def code_answer(
    response: QuestionnaireResponse,
    question: Question,
    *,
    theme: Theme,
    side: ThemeSide,
    by: Actor | None,
    note: str = "",
) -> ThemeMention | None:
    """Code a submitted free-text answer with a theme: a mention by the responding
    organisation, dated by the submission day. None if it is coded so already."""
    _usable(theme)
    if response.status is not ResponseStatus.SUBMITTED or response.submitted_at is None:
        raise InvalidTheme(_("Bara inskickade svar kan kodas."))
    if question.questionnaire_id != response.questionnaire_id or not question.kind.is_text:
        raise InvalidTheme(_("Frågan har inga fritextsvar i den här enkäten."))
    return _add_mention(
        theme=theme,
        side=side,
        organisation=response.organisation,
        on=to_local(response.submitted_at).date(),
        by=by,
        note=note,
        response=response,
        question=question,
    )


def remove_mention(mention: ThemeMention, *, by: Actor | None) -> None:
    """Take a coding back (logged on the theme)."""
    record(
        entity=mention.theme,
        action=Action.UPDATE,
        by=by,
        changes={"mention": [mention_label(mention), None]},
    )
    db.session.delete(mention)
    db.session.flush()


def record_theme_answers(response: QuestionnaireResponse) -> list[ThemeMention]:
    """The `@on_submit` hook's work: each theme picked in a theme question of `response`
    (Answer.choice is the theme's id) becomes a mention on the question's side (else the
    theme's usual side, else a challenge), dated by the submission. Unknown ids are
    ignored; running it twice adds nothing."""
    if response.submitted_at is None:
        return []
    rows = db.session.execute(
        select(Answer.choice, Question)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id == response.id, Question.kind == QuestionKind.THEMES)
    ).all()
    ids = {int(choice) for choice, _q in rows if choice and choice.isdigit()}
    themes = (
        {t.id: t for t in db.session.scalars(select(Theme).where(Theme.id.in_(ids)))} if ids else {}
    )
    organisation = response.organisation
    made = []
    for choice, question in rows:
        theme = themes.get(int(choice)) if choice and choice.isdigit() else None
        if theme is None:
            continue
        mention = _add_mention(
            theme=theme,
            side=question.theme_side or theme.side or ThemeSide.CHALLENGE,
            organisation=organisation,
            on=to_local(response.submitted_at).date(),
            by=None,
            response=response,
            question=question,
        )
        if mention is not None:
            made.append(mention)
    return made


@on_submit
def mentions_from_submission(response: QuestionnaireResponse) -> None:
    """Registered with the questionnaires: a submitted response's theme answers become
    mentions in the submitting transaction."""
    record_theme_answers(response)
