"""Test data for questionnaires, built on the models directly (so each part — builder,
sending, the public page, results, themes — can be tested without the others' services).
They need an app context; they flush but do not commit."""

from __future__ import annotations

from datetime import date, timedelta

from app.common.time import local_today, utcnow
from app.extensions import db
from app.organisations.models import Organisation
from app.questionnaires import links
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


def option_list(*labels: str) -> list[dict[str, str]]:
    """Options keyed o1, o2, … in the order given."""
    return [{"key": f"o{number}", "sv": label, "en": ""} for number, label in enumerate(labels, 1)]


def make_questionnaire(
    *,
    title: str = "Kommunernas arbete med återvandring 2027",
    status: QuestionnaireStatus = QuestionnaireStatus.DRAFT,
    closes_on: date | None = None,
) -> Questionnaire:
    """Two sections and one question of every kind:

    1. Har kommunen en utsedd kontaktperson för återvandring? (single: Ja / Nej / Vet inte),
       required
    2. Vem är kontaktperson? (short text), shown only when 1 is "Ja"
    3. Vilka förvaltningar arbetar med frågan? (multiple: Socialtjänsten / Integration /
       Arbetsmarknad)
    4. Hur väl känner handläggarna till återvandringsbidraget? (scale 1–5)
    5. Hur många ärenden hade ni 2026? (number)
    6. Vilka utmaningar ser ni? (long text)
    7. Vilka teman känner ni igen? (themes)
    """
    questionnaire = Questionnaire(
        title=title,
        intro="Samordnaren för frivillig återvandring vill veta hur kommunerna arbetar.",
        closing="Tack för dina svar!",
        status=status,
        closes_on=closes_on if closes_on is not None else local_today() + timedelta(days=30),
        sent_at=utcnow() if status is not QuestionnaireStatus.DRAFT else None,
    )
    db.session.add(questionnaire)
    db.session.flush()
    first = QuestionnaireSection(
        questionnaire_id=questionnaire.id, position=1, title="Organisation"
    )
    second = QuestionnaireSection(questionnaire_id=questionnaire.id, position=2, title="Arbetet")
    db.session.add_all([first, second])
    db.session.flush()

    def ask(section, position, kind, text, **fields) -> Question:
        question = Question(
            questionnaire_id=questionnaire.id,
            section_id=section.id,
            position=position,
            kind=kind,
            text=text,
            **fields,
        )
        db.session.add(question)
        db.session.flush()
        return question

    contact_person = ask(
        first,
        1,
        QuestionKind.SINGLE,
        "Har kommunen en utsedd kontaktperson för återvandring?",
        required=True,
        options=option_list("Ja", "Nej", "Vet inte"),
    )
    ask(
        first,
        2,
        QuestionKind.SHORT_TEXT,
        "Vem är kontaktperson?",
        show_if_id=contact_person.id,
        show_if_value="o1",
    )
    ask(
        first,
        3,
        QuestionKind.MULTIPLE,
        "Vilka förvaltningar arbetar med frågan?",
        options=option_list("Socialtjänsten", "Integration", "Arbetsmarknad"),
    )
    ask(
        second,
        1,
        QuestionKind.SCALE,
        "Hur väl känner handläggarna till återvandringsbidraget?",
        scale_low="Inte alls",
        scale_high="Mycket väl",
    )
    ask(second, 2, QuestionKind.NUMBER, "Hur många ärenden hade ni 2026?")
    ask(second, 3, QuestionKind.LONG_TEXT, "Vilka utmaningar ser ni?")
    ask(second, 4, QuestionKind.THEMES, "Vilka teman känner ni igen?")
    db.session.refresh(questionnaire)
    return questionnaire


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return [q for section in questionnaire.sections for q in section.questions]


def add_recipient(
    questionnaire: Questionnaire,
    organisation: Organisation,
    *,
    address: str | None = None,
    name: str = "",
) -> tuple[QuestionnaireRecipient, str]:
    """The organisation as a recipient, and a working link's token for it."""
    recipient = QuestionnaireRecipient(
        questionnaire_id=questionnaire.id,
        organisation_id=organisation.id,
        name=name or organisation.name,
        address=address or f"registrator{organisation.id}@example.se",
    )
    db.session.add(recipient)
    db.session.flush()
    return recipient, links.give_link(recipient)


def make_response(
    questionnaire: Questionnaire,
    organisation: Organisation,
    values: dict[int, object],
    *,
    submitted: bool = True,
    submitted_at=None,
) -> QuestionnaireResponse:
    """A response with answers; `values` maps a question id to an option key, a list of
    keys, a scale step (int), a number (float) or a text, by the question's kind."""
    response = QuestionnaireResponse(
        questionnaire_id=questionnaire.id,
        organisation_id=organisation.id,
        status=ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT,
        submitted_at=(submitted_at or utcnow()) if submitted else None,
    )
    db.session.add(response)
    db.session.flush()
    kinds = {q.id: q.kind for q in questions_of(questionnaire)}
    for question_id, value in values.items():
        kind = kinds[question_id]
        if kind in (QuestionKind.MULTIPLE, QuestionKind.THEMES):
            rows = [Answer(choice=str(v)) for v in value]  # type: ignore[union-attr]
        elif kind in (QuestionKind.SINGLE, QuestionKind.SCALE):
            rows = [Answer(choice=str(value))]
        elif kind is QuestionKind.NUMBER:
            rows = [Answer(number=float(value))]  # type: ignore[arg-type]
        else:
            rows = [Answer(text=str(value))]
        for row in rows:
            row.response_id = response.id
            row.question_id = question_id
            db.session.add(row)
    db.session.flush()
    db.session.refresh(response)
    return response
