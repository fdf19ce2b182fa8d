"""Functions that build test data. They need an app context; they flush but do not commit."""

from __future__ import annotations

import datetime
import itertools

from app.auth import services as auth_services
from app.auth.models import Role, User
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind

DEFAULT_PASSWORD = "ett-bra-testlösenord"
_sequence = itertools.count(1)


def make_user(
    *,
    email: str | None = None,
    name: str | None = None,
    role: Role = Role.COORDINATOR,
    password: str = DEFAULT_PASSWORD,
    active: bool = True,
) -> User:
    number = next(_sequence)
    user = auth_services.create_user(
        email=email or f"user{number}@example.se",
        name=name or f"Användare {number}",
        role=role,
        password=password,
        by=None,
    )
    user.active = active
    db.session.flush()
    return user


def make_organisation(
    *, name: str | None = None, kind: OrganisationKind = OrganisationKind.CIVILSAMHALLE, **fields
) -> Organisation:
    organisation = Organisation(name=name or f"Förening {next(_sequence)}", kind=kind, **fields)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_example_rows(*, contact_emails: tuple[str, ...] = ()) -> None:
    """Rows with id 1 (and 2) for every URL argument the route walks need: a municipality
    (the first seeded organisation), two contacts (the first at it), a held meeting, a
    follow-up and a draft import; user 1 is the admin. Needs the seeded registry."""
    from datetime import UTC, date, datetime

    from app.contacts.import_commit import start_import
    from app.contacts.services import ContactValues, create_contact
    from app.followups.services import FollowUpValues, create_follow_up
    from app.meetings.models import MeetingKind, MeetingStatus
    from app.meetings.services import MeetingValues, schedule_meeting

    create_contact(
        values=ContactValues(first_name="Exempel", last_name="Person", emails=list(contact_emails)),
        organisation=db.session.get(Organisation, 1),
        by=None,
    )
    create_contact(values=ContactValues(first_name="Andra", last_name="Person"), by=None)
    schedule_meeting(
        values=MeetingValues(
            title="Exempelmöte",
            kind=MeetingKind.DIGITAL,
            status=MeetingStatus.HELD,
            starts_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
            ends_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
            all_day=False,
            responsible_id=1,
            organisation_ids=[1],
            contact_ids=[1],
        ),
        by=None,
    )
    create_follow_up(
        values=FollowUpValues(
            title="Skicka material", owner_id=1, due_on=date(2026, 12, 1), meeting_id=1
        ),
        by=None,
        today=date(2026, 11, 23),
    )
    start_import(
        filename="kontakter.csv",
        header=["Förnamn", "Efternamn"],
        rows=[["Ny", "Person"]],
        by=db.session.get(User, 1),
    )
    make_example_material()
    make_example_mailing()
    make_example_questionnaire()
    make_example_indicator()
    make_example_plan()
    make_example_milestone()


def make_example_milestone() -> None:
    """A policy milestone (id 1)."""
    from app.milestones.services import MilestoneValues, create_milestone

    create_milestone(
        values=MilestoneValues(datetime.date(2026, 1, 1), "Återvandringsbidraget höjs"), by=None
    )


def make_example_plan() -> None:
    """A contact plan (id 1) with organisation 1 as its item (id 1), owned by user 1."""
    from app.plans.services import PlanValues, add_organisations, create_plan

    admin = db.session.get(User, 1)
    plan = create_plan(
        values=PlanValues(
            title="Exempelplan",
            starts_on=datetime.date(2026, 11, 1),
            ends_on=datetime.date(2026, 12, 31),
            owner_id=1,
        ),
        by=admin,
    )
    add_organisations(plan, [1], by=admin)


def make_example_questionnaire() -> None:
    """A sent questionnaire (id 1, questions 1–7 of every kind) with organisation 1 as its
    recipient (id 1, link 1) and a submitted response (id 1) from it; a draft questionnaire
    (id 2); a theme (id 1) with a mention (id 1) from the response."""
    from app.questionnaires.models import QuestionnaireStatus
    from app.themes.models import Theme, ThemeMention, ThemeSide

    from .questionnaires.builders import (
        add_recipient,
        make_questionnaire,
        make_response,
        questions_of,
    )

    theme = Theme(name="Tolk", key="tolk", side=ThemeSide.CHALLENGE, sort_name="tolk")
    db.session.add(theme)
    db.session.flush()
    questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
    organisation = db.session.get(Organisation, 1)
    add_recipient(questionnaire, organisation)
    single, _who, multiple, scale, number, text, themes = questions_of(questionnaire)
    response = make_response(
        questionnaire,
        organisation,
        {
            single.id: "o2",
            multiple.id: ["o1", "o3"],
            scale.id: 4,
            number.id: 12,
            text.id: "Tolkar saknas ofta.",
            themes.id: [str(theme.id)],
        },
    )
    db.session.add(
        ThemeMention(
            theme_id=theme.id,
            side=ThemeSide.CHALLENGE,
            organisation_id=organisation.id,
            mentioned_on=datetime.date(2026, 11, 25),
            response_id=response.id,
            question_id=themes.id,
        )
    )
    from app.questionnaires.models import QuestionnaireReminder  # a planned reminder (id 1)

    db.session.add(
        QuestionnaireReminder(
            questionnaire_id=questionnaire.id,
            send_on=questionnaire.closes_on,
            subject="Påminnelse",
            body="Hej {namn}: {länk}",
        )
    )
    make_questionnaire(title="Utkast till enkät")
    db.session.flush()


def make_example_mailing() -> None:
    """A draft mailing (id 1) of version 1 to organisation 1's functional mailbox (recipient
    id 1)."""
    from app.auth.models import User
    from app.mailings.models import Audience
    from app.mailings.services import MailingValues, create_mailing

    organisation = db.session.get(Organisation, 1)
    organisation.mailbox = "registrator@exempel.se"
    create_mailing(
        values=MailingValues(
            subject="Exempelutskick till {organisation}",
            body="Hej {namn}!",
            audience=Audience.ORGANISATIONS,
            criteria={"q": organisation.name},
            version_id=1,
        ),
        by=db.session.get(User, 1),
    )


def make_example_material() -> None:
    """A guidance (id 1) with a PDF as version 1, sent by hand to organisation 1."""
    import io
    from datetime import date

    from app.library import files
    from app.library.models import Channel, MaterialKind
    from app.library.services import (
        MaterialValues,
        add_version,
        create_material,
        record_deliveries,
    )

    material = create_material(
        values=MaterialValues(kind=MaterialKind.GUIDANCE, title="Exempelvägledning"), by=None
    )
    stored = files.store_upload(io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "exempel.pdf")
    version = add_version(material, stored=stored, by=None)
    record_deliveries(
        version,
        channel=Channel.BY_HAND,
        delivered_on=date(2026, 11, 20),
        organisation_ids=[1],
        by=None,
    )


def make_example_indicator() -> None:
    """An indicator (id 1) with a 2024 figure for organisation 1, and a draft indicator
    import (id 1) mapped to it."""
    from app.indicators.models import Indicator, IndicatorImport, IndicatorValue

    indicator = Indicator(name="Exempelindikator", unit="procent", source="Kolada")
    db.session.add(indicator)
    db.session.flush()
    db.session.add(
        IndicatorValue(indicator_id=indicator.id, organisation_id=1, year=2024, value=1.5)
    )
    db.session.add(
        IndicatorImport(
            filename="indikator.csv",
            header=["Kommun", "År", "Värde"],
            rows=[["0114", "2024", "2,5"]],
            mapping={"municipality": 0, "year": 1, "value": 2, "mode": "replace"},
            indicator_id=indicator.id,
        )
    )
    db.session.flush()
