"""A hand-computed questionnaire for the results tests: six municipalities in three counties
receive it, three submit, one saves a draft (not an answer), two do not answer.

| Municipality (county)        | Stage now      | Response  |
|------------------------------|----------------|-----------|
| Upplands Väsby (01)          | Arbetar aktivt | submitted |
| Vallentuna (01)              | Arbetar aktivt | submitted |
| Österåker (01)               | Ej kontaktad   | none      |
| Malmö (12)                   | Ej kontaktad   | none      |
| Umeå (24)                    | Informerad     | submitted |
| Skellefteå (24)              | Ej kontaktad   | draft     |

Answers (questions as in builders.make_questionnaire):
- Q1 single: Väsby Ja, Vallentuna Nej, Umeå Ja (draft: Vet inte)
- Q2 short text: Väsby "Anna Andersson", Umeå "Bo Berg"
- Q3 multiple: Väsby Socialtjänsten+Integration, Vallentuna Socialtjänsten, Umeå Arbetsmarknad
- Q4 scale: Väsby 4, Vallentuna 2, Umeå 5 (draft: 1)
- Q5 number: Väsby 10, Vallentuna 3, Umeå 20 (draft: 1000)
- Q6 long text: Väsby "Tolk saknas", Vallentuna "Brist på kunskap"
- Q7 themes: Väsby Tolk+Kunskap, Vallentuna Tolk
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.organisations.models import Organisation
from app.organisations.stages import Stage
from app.questionnaires.models import Question, Questionnaire, QuestionnaireStatus
from app.themes.models import Theme

from .builders import add_recipient, make_questionnaire, make_response, questions_of

CODES = {
    "vasby": "0114",
    "vallentuna": "0115",
    "osteraker": "0117",
    "malmo": "1280",
    "umea": "2480",
    "skelleftea": "2482",
}


@dataclass
class ResultsWorld:
    questionnaire_id: int
    question_ids: list[int]
    organisations: dict[str, int]
    themes: dict[str, int]


def municipality(code: str) -> Organisation:
    return db.session.scalar(select(Organisation).filter_by(municipality_code=code))


def make_theme(name: str) -> Theme:
    theme = Theme(name=name, key=name.casefold(), sort_name=name.casefold())
    db.session.add(theme)
    db.session.flush()
    return theme


def build_results_world() -> ResultsWorld:
    """The questionnaire of the module's docstring (needs the seeded registry); flushed."""
    orgs = {key: municipality(code) for key, code in CODES.items()}
    orgs["vasby"].engagement_stage = Stage.ACTIVE
    orgs["vallentuna"].engagement_stage = Stage.ACTIVE
    orgs["umea"].engagement_stage = Stage.INFORMED
    for key in ("osteraker", "malmo", "skelleftea"):
        orgs[key].engagement_stage = None
    tolk, kunskap = make_theme("Tolk"), make_theme("Kunskap hos handläggare")
    questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
    q = [question.id for question in questions_of(questionnaire)]
    for organisation in orgs.values():
        add_recipient(questionnaire, organisation)
    at = datetime(2026, 11, 3, 13, 30, tzinfo=UTC)  # 14:30 in Stockholm
    make_response(
        questionnaire,
        orgs["vasby"],
        {
            q[0]: "o1",
            q[1]: "Anna Andersson",
            q[2]: ["o1", "o2"],
            q[3]: 4,
            q[4]: 10,
            q[5]: "Tolk saknas",
            q[6]: [tolk.id, kunskap.id],
        },
        submitted_at=at,
    )
    make_response(
        questionnaire,
        orgs["vallentuna"],
        {q[0]: "o2", q[2]: ["o1"], q[3]: 2, q[4]: 3, q[5]: "Brist på kunskap", q[6]: [tolk.id]},
        submitted_at=at,
    )
    make_response(
        questionnaire,
        orgs["umea"],
        {q[0]: "o1", q[1]: "Bo Berg", q[2]: ["o3"], q[3]: 5, q[4]: 20},
        submitted_at=at,
    )
    make_response(
        questionnaire, orgs["skelleftea"], {q[0]: "o3", q[3]: 1, q[4]: 1000}, submitted=False
    )
    db.session.flush()
    return ResultsWorld(
        questionnaire_id=questionnaire.id,
        question_ids=q,
        organisations={key: org.id for key, org in orgs.items()},
        themes={"tolk": tolk.id, "kunskap": kunskap.id},
    )


def empty_questionnaire() -> Questionnaire:
    """A sent questionnaire without questions or recipients."""
    questionnaire = Questionnaire(title="Tom enkät", status=QuestionnaireStatus.SENT)
    db.session.add(questionnaire)
    db.session.flush()
    return questionnaire


def question(question_id: int) -> Question:
    return db.session.get(Question, question_id)
