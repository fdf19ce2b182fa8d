"""Demo questionnaire: "Kommunernas arbete med frivillig återvandring", sent to every active
municipality about six weeks before `today` and open ten days more, answered by a realistic
share of them (more often the further a municipality has come: about a third of those never
contacted, nine in ten of those working actively), a few drafts left unsent, and the answers
leaning with the municipality's stage. Each submission is in the organisation's history
("svarade på enkäten"), as the on_submit hook writes it in the app.

The theme question is asked only when the team's theme list has themes (the themes domain's
demo makes them); its answers become theme mentions dated by the submission, as answers on
the public page do. Rows go in by Core inserts like the rest of the demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.audit.services import Action
from app.common.time import to_local
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.stages import INITIAL_STAGE, Stage
from app.questionnaires.models import (
    Answer,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireRecipient,
    QuestionnaireResponse,
    QuestionnaireSection,
    QuestionnaireStatus,
    ResponseStatus,
)
from app.themes.models import Theme, ThemeMention, ThemeSide

from . import vocabulary as words
from .core import Context, insert_returning_ids, insert_rows, local_moment, part_rng, random_day

TITLE = "Kommunernas arbete med frivillig återvandring 2026"
#: The chance that a municipality at a stage submits its response.
ANSWER_SHARE = {
    Stage.NOT_CONTACTED: 0.35,
    Stage.CONTACTED: 0.5,
    Stage.INFORMED: 0.65,
    Stage.IN_DIALOGUE: 0.8,
    Stage.ACTIVE: 0.9,
    Stage.DECLINED: 0.25,
}
#: Of those who do not submit, this share leaves a draft.
DRAFT_SHARE = 0.1
#: How far along each stage is, 0–1: answers lean with it.
PROGRESS = {stage: position / (len(Stage) - 2) for position, stage in enumerate(Stage)}
PROGRESS[Stage.DECLINED] = 0.1


def _options(*labels: str) -> list[dict[str, str]]:
    return [{"key": f"o{n}", "sv": label, "en": ""} for n, label in enumerate(labels, 1)]


@dataclass
class QuestionnaireCounts:
    recipients: int = 0
    submitted: int = 0
    drafts: int = 0


def _build(ctx: Context, themes: list[int]) -> tuple[Questionnaire, dict[str, Question]]:
    sent_on = ctx.today - timedelta(days=42)
    questionnaire = Questionnaire(
        title=TITLE,
        intro=(
            "Samordnaren för frivillig återvandring vill veta hur kommunerna arbetar med "
            "frågan, vilka möjligheter och vilka utmaningar ni ser. Det tar cirka tio minuter."
        ),
        closing="Tack för dina svar! Resultatet redovisas i lägesbilden.",
        status=QuestionnaireStatus.SENT,
        closes_on=ctx.today + timedelta(days=10),
        created_by_id=ctx.team.coordinators[0] if ctx.team.coordinators else None,
        created_at=local_moment(sent_on - timedelta(days=7), 10, 0),
        sent_at=local_moment(sent_on, 9, 0),
    )
    db.session.add(questionnaire)
    db.session.flush()
    first = QuestionnaireSection(
        questionnaire_id=questionnaire.id, position=1, title="Kommunens organisation"
    )
    second = QuestionnaireSection(questionnaire_id=questionnaire.id, position=2, title="Arbetet")
    db.session.add_all([first, second])
    db.session.flush()
    asked: dict[str, Question] = {}

    def ask(key: str, section: QuestionnaireSection, kind: QuestionKind, text: str, **fields):
        question = Question(
            questionnaire_id=questionnaire.id,
            section_id=section.id,
            position=len([q for q in asked.values() if q.section_id == section.id]) + 1,
            kind=kind,
            text=text,
            **fields,
        )
        db.session.add(question)
        db.session.flush()
        asked[key] = question

    ask(
        "contact",
        first,
        QuestionKind.SINGLE,
        "Har kommunen en utsedd kontaktperson för frivillig återvandring?",
        required=True,
        options=_options("Ja", "Nej", "Vet inte"),
    )
    ask(
        "department",
        first,
        QuestionKind.SHORT_TEXT,
        "Vilken förvaltning ansvarar för frågan?",
        show_if_id=asked["contact"].id,
        show_if_value="o1",
    )
    ask(
        "services",
        first,
        QuestionKind.MULTIPLE,
        "Vilka verksamheter möter personer som kan vara aktuella för återvandring?",
        options=_options(
            "Socialtjänsten", "Integrationsenheten", "Arbetsmarknadsenheten", "Vuxenutbildningen"
        ),
    )
    ask(
        "knowledge",
        second,
        QuestionKind.SCALE,
        "Hur väl känner handläggarna till återvandringsbidraget?",
        scale_low="Inte alls",
        scale_high="Mycket väl",
    )
    ask(
        "informed",
        second,
        QuestionKind.NUMBER,
        "Ungefär hur många personer har fått information om återvandring under året?",
    )
    ask(
        "routines",
        second,
        QuestionKind.SINGLE,
        "Har kommunen rutiner för att informera om återvandring?",
        options=_options("Ja, skriftliga", "Ja, muntliga", "Nej", "Vet inte"),
    )
    if themes:
        ask(
            "themes",
            second,
            QuestionKind.THEMES,
            "Vilka av de här utmaningarna känner ni igen?",
            theme_side=ThemeSide.CHALLENGE,
        )
    ask("story", second, QuestionKind.LONG_TEXT, "Beskriv gärna möjligheter och utmaningar.")
    return questionnaire, asked


def _answers(
    rng: random.Random, asked: dict[str, Question], stage: Stage, themes: list[int]
) -> list[dict[str, Any]]:
    """One municipality's answers, leaning with how far it has come."""
    progress = PROGRESS[stage]
    rows: list[dict[str, Any]] = []

    def add(key: str, *, choice: str | None = None, number: float | None = None, text: str = ""):
        rows.append(
            {"question_id": asked[key].id, "choice": choice, "number": number, "text": text}
        )

    has_contact = rng.random() < 0.3 + 0.6 * progress
    add("contact", choice="o1" if has_contact else rng.choice(["o2", "o2", "o3"]))
    if has_contact and rng.random() < 0.8:
        add("department", text=rng.choice(DEPARTMENTS))
    for key, share in zip(("o1", "o2", "o3", "o4"), (0.85, 0.55, 0.4, 0.2), strict=True):
        if rng.random() < share:
            add("services", choice=key)
    step = min(5, max(1, round(1 + 4 * progress + rng.gauss(0, 0.9))))
    add("knowledge", choice=str(step))
    if rng.random() < 0.8:
        add("informed", number=float(round(rng.lognormvariate(1.5 + 2 * progress, 0.8))))
    routines = rng.choices(["o1", "o2", "o3", "o4"], [progress, 0.4, 1 - progress, 0.2])
    add("routines", choice=routines[0])
    if themes and "themes" in asked:
        for theme_id in rng.sample(themes, k=min(len(themes), rng.randint(1, 3))):
            add("themes", choice=str(theme_id))
    if rng.random() < 0.6:
        add("story", text=f"{rng.choice(words.OPPORTUNITIES)} {rng.choice(words.CHALLENGES)}")
    return rows


DEPARTMENTS = (
    "Socialförvaltningen",
    "Arbetsmarknadsförvaltningen",
    "Kommunstyrelseförvaltningen",
    "Individ- och familjeomsorgen",
    "Integrationsenheten",
)


def generate_questionnaires(ctx: Context) -> QuestionnaireCounts:
    """Insert the questionnaire, its recipients (every active municipality), the responses,
    their answers, the theme mentions of the theme question and the history events."""
    rng = part_rng(ctx.seed, "questionnaires")
    themes = list(
        db.session.scalars(select(Theme.id).where(Theme.retired_at.is_(None)).order_by(Theme.id))
    )
    questionnaire, asked = _build(ctx, themes)
    municipalities = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.engagement_stage)
        .where(
            Organisation.kind == OrganisationKind.KOMMUN,
            Organisation.parent_id.is_(None),
            Organisation.archived_at.is_(None),
        )
        .order_by(Organisation.id)
    ).all()
    sent_at = questionnaire.sent_at
    insert_rows(
        QuestionnaireRecipient.__table__,
        [
            {
                "questionnaire_id": questionnaire.id,
                "organisation_id": organisation_id,
                "name": name,
                "address": f"registrator{organisation_id}@example.se",
                "added_at": sent_at,
            }
            for organisation_id, name, _stage in municipalities
        ],
    )
    counts = QuestionnaireCounts(recipients=len(municipalities))
    responses, answer_sets, events = [], [], []
    first_day, last_day = questionnaire.sent_at.date() + timedelta(days=1), ctx.today
    for organisation_id, name, stage in municipalities:
        stage = stage or INITIAL_STAGE
        submits = rng.random() < ANSWER_SHARE[stage]
        if not submits and rng.random() >= DRAFT_SHARE:
            continue
        day = random_day(rng, first_day, max(first_day, last_day - timedelta(days=1)))
        moment = local_moment(day, rng.randint(8, 16), rng.randint(0, 59))
        responses.append(
            {
                "questionnaire_id": questionnaire.id,
                "organisation_id": organisation_id,
                "status": ResponseStatus.SUBMITTED if submits else ResponseStatus.DRAFT,
                "language": "sv",
                "started_at": moment - timedelta(minutes=rng.randint(5, 40)),
                "updated_at": moment,
                "submitted_at": moment if submits else None,
                "version": 1,
            }
        )
        answer_sets.append((organisation_id, moment, submits, _answers(rng, asked, stage, themes)))
        if submits:
            counts.submitted += 1
            events.append(
                {
                    "occurred_at": moment,
                    "actor_name": name,
                    "entity_type": Organisation.__tablename__,
                    "entity_id": organisation_id,
                    "action": Action.ANSWER.value,
                    "changes": {},
                    "note": f"«{questionnaire.title}»",
                }
            )
        else:
            counts.drafts += 1
    response_ids = insert_returning_ids(QuestionnaireResponse.__table__, responses)
    answers, mentions = [], []
    for response_id, (organisation_id, moment, submits, rows) in zip(
        response_ids, answer_sets, strict=True
    ):
        for row in rows:
            answers.append({"response_id": response_id, **row})
            if submits and "themes" in asked and row["question_id"] == asked["themes"].id:
                mentions.append(
                    {
                        "theme_id": int(row["choice"]),
                        "side": ThemeSide.CHALLENGE,
                        "organisation_id": organisation_id,
                        "mentioned_on": to_local(moment).date(),
                        "response_id": response_id,
                        "question_id": row["question_id"],
                        "coded_at": moment,
                    }
                )
    insert_rows(Answer.__table__, answers)
    insert_rows(ThemeMention.__table__, mentions)
    insert_rows(AuditEvent.__table__, events)
    return counts
