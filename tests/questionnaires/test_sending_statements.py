"""SQL statements of the sending pages do not grow with the rows: the recipients page for
Uppsala's 8 municipalities and Stockholm's 26 (each with a mailbox and a contact), filtered
and with them chosen (listed per county), the send page of such a draft, and the
questionnaire page, the send page and the reminders page of a questionnaire sent to each
(with one reminder or three)."""

from __future__ import annotations

from datetime import timedelta

from app.auth.models import Role
from app.common.time import local_today
from app.extensions import db
from app.questionnaires import reminders, sending
from app.questionnaires.models import QuestionnaireStatus

from ..conftest import login
from ..factories import make_user
from .builders import make_questionnaire, make_response
from .sending_world import contact, county_municipalities

COUNTIES = {"03": 1, "01": 3}  # county → reminders planned
BODY = "Hej {namn}: {länk} senast {sista_dag}"


def build() -> tuple[str, dict[str, int]]:
    user = make_user(role=Role.COORDINATOR)
    made = {}
    for code, planned in COUNTIES.items():
        municipalities = county_municipalities(code)
        for number, municipality in enumerate(municipalities):
            municipality.mailbox = f"registrator@{code}-{number}.example.se"
            contact("Kim", f"Nummer {number}", f"kim{number}@{code}.example.se", municipality)
        questionnaire = make_questionnaire(title=f"Enkät {code}")
        sending.save_recipients(questionnaire, criteria={"lan": code, "typ": "kommun"}, by=user)
        sending.send_questionnaire(questionnaire, subject="Enkät", body=BODY, by=user)
        make_response(questionnaire, municipalities[0], {}, submitted=True)
        for day in range(planned):
            reminders.plan_reminder(
                questionnaire,
                values=reminders.ReminderValues(
                    send_on=local_today() + timedelta(days=day), subject="P", body=BODY
                ),
                by=user,
            )
        made[code] = questionnaire.id
    draft = make_questionnaire(title="Utkast", status=QuestionnaireStatus.DRAFT)
    made["draft"] = draft.id
    for code in COUNTIES:  # a draft with the county's municipalities chosen
        chosen = make_questionnaire(title=f"Utkast {code}", status=QuestionnaireStatus.DRAFT)
        sending.save_recipients(chosen, criteria={"lan": code, "typ": "kommun"}, by=user)
        made[f"draft-{code}"] = chosen.id
    db.session.commit()
    return user.email, made


def test_statement_counts_do_not_grow(seeded, client, count_statements):
    with seeded.test_request_context():
        email, made = build()
    login(client, email)
    pages = {
        "recipients": [f"/enkater/{made['draft']}/mottagare?lan={c}&typ=kommun" for c in COUNTIES],
        "chosen": [f"/enkater/{made[f'draft-{c}']}/mottagare" for c in COUNTIES],
        "chosen and filtered": [
            f"/enkater/{made[f'draft-{c}']}/mottagare?lan={c}&typ=kommun" for c in COUNTIES
        ],
        "send": [f"/enkater/{made[f'draft-{c}']}/skicka" for c in COUNTIES],
        "detail": [f"/enkater/{made[c]}" for c in COUNTIES],
        "reminders": [f"/enkater/{made[c]}/paminnelser" for c in COUNTIES],
    }
    for name, urls in pages.items():
        counts = []
        for url in urls:
            client.get(url)  # warm: the first request loads what every request caches
            with count_statements() as counter:
                response = client.get(url)
            assert response.status_code == 200, (name, url)
            counts.append(len(counter.statements))
        assert counts[0] == counts[1], (name, counts)
