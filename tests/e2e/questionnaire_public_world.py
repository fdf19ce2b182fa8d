"""Run as `python -m tests.e2e.questionnaire_public_world` (with DATABASE_URL set): the
browser tests' world (tests/e2e/world.py), plus a sent questionnaire (the builder's: one
question of every kind and a condition) to three municipalities, each with a link whose
token is known here: Kramfors to answer with the keyboard, Sollefteå to show errors and
the form to axe, and Härnösand with a submitted response (its link leads to the receipt)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.organisations.models import Organisation
from app.questionnaires.links import hash_token
from app.questionnaires.models import QuestionnaireLink, QuestionnaireRecipient, QuestionnaireStatus
from app.themes.models import Theme, ThemeSide

from ..questionnaires.builders import make_questionnaire, make_response, questions_of
from . import world

#: Municipality code → the token of its link.
TOKENS = {
    "2282": "kramfors-e2e-token-0123456789abcdefghijklmnopqrs",
    "2283": "solleftea-e2e-token-0123456789abcdefghijklmnopqr",
    "2280": "harnosand-e2e-token-0123456789abcdefghijklmnopqr",
}
KRAMFORS, SOLLEFTEA, HARNOSAND = (TOKENS[code] for code in ("2282", "2283", "2280"))
THEME = "Tillgång till tolk"


def build() -> None:
    world.build()
    theme = Theme(name=THEME, key="tillgang till tolk", side=ThemeSide.CHALLENGE, sort_name=THEME)
    db.session.add(theme)
    questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
    questionnaire.title_en = "Municipal work on voluntary return 2027"
    for code, token in TOKENS.items():
        organisation = db.session.scalar(
            select(Organisation).filter_by(municipality_code=code, parent_id=None)
        )
        recipient = QuestionnaireRecipient(
            questionnaire_id=questionnaire.id,
            organisation_id=organisation.id,
            name=organisation.name,
            address=f"registrator@{code}.example.se",
        )
        db.session.add(recipient)
        db.session.flush()
        db.session.add(QuestionnaireLink(recipient_id=recipient.id, token_hash=hash_token(token)))
        if token == HARNOSAND:
            single, _who, multiple, scale, number, text, themes = questions_of(questionnaire)
            make_response(
                questionnaire,
                organisation,
                {
                    single.id: "o2",
                    multiple.id: ["o1", "o3"],
                    scale.id: 4,
                    number.id: 12.5,
                    text.id: "Tolkar saknas ofta.\nHandläggarna behöver utbildning.",
                    themes.id: [str(theme.id)],
                },
            )
    db.session.commit()


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        build()
