"""A world whose every user-typed text field holds a hostile payload.

For payload number i, the field `name` holds `f"{payload} X{i}{name}"`: the payload first (so a
spreadsheet would see a formula start), then a tag that tells the fields apart and that the
search finds. Built through the services, as the forms and the import would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta

from flask import Flask
from sqlalchemy import select

from app.auth.models import User
from app.common.time import local_to_utc, local_today
from app.contacts.services import ContactValues, create_contact
from app.extensions import db
from app.followups.services import FollowUpValues, complete_follow_up, create_follow_up
from app.meetings.models import MeetingKind, MeetingStatus, Perspective
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import change_engagement, create_organisation, update_organisation
from app.organisations.stages import Stage

from ..factories import make_user

#: Every text field the world fills, by the short name used in its tag.
FIELDS = (
    "orgname",
    "shortname",
    "orgnotes",
    "kommun",
    "opportunities",
    "challenges",
    "stagecomment",
    "first",
    "last",
    "contactnotes",
    "tag",
    "roletitle",
    "username",
    "meetingtitle",
    "place",
    "agenda",
    "meetingnotes",
    "outcome",
    "topic",
    "targetgroup",
    "perspective",
    "followuptitle",
    "followupdesc",
    "completionnote",
)


def value(payload: str, number: int, name: str) -> str:
    return f"{payload} X{number}{name}"


@dataclass
class Planted:
    """The records holding payload number `number`."""

    number: int
    payload: str
    organisation_id: int = 0
    municipality_id: int = 0
    contact_id: int = 0
    duplicate_id: int = 0
    user_id: int = 0
    meeting_id: int = 0
    follow_up_id: int = 0
    done_follow_up_id: int = 0
    texts: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    planted: list[Planted]
    month: str  # YYYY-MM of the held meetings, for the monthly summary


def build(app: Flask, payloads: list[str]) -> World:
    """Plant each payload in every field; commit. Needs the seeded registry and user 1."""
    today = local_today()
    held_day = today - timedelta(days=1)
    with app.app_context():
        admin = db.session.get(User, 1)
        municipalities = list(
            db.session.scalars(
                select(Organisation)
                .where(Organisation.kind == OrganisationKind.KOMMUN)
                .order_by(Organisation.id)
                .limit(len(payloads))
            )
        )
        planted = []
        for number, payload in enumerate(payloads):
            texts = {name: value(payload, number, name) for name in FIELDS}
            item = Planted(number=number, payload=payload, texts=texts)
            organisation = create_organisation(
                values={
                    "name": texts["orgname"],
                    "short_name": texts["shortname"],
                    "kind": OrganisationKind.CIVILSAMHALLE,
                    "website": "https://www.example.se",
                    "notes": texts["orgnotes"],
                },
                by=admin,
            )
            municipality = municipalities[number]
            update_organisation(
                municipality,
                values={"name": texts["kommun"], "notes": ""},
                expected_version=municipality.version,
                by=admin,
            )
            change_engagement(
                municipality,
                stage=Stage.IN_DIALOGUE,
                comment=texts["stagecomment"],
                opportunities=texts["opportunities"],
                challenges=texts["challenges"],
                by=admin,
            )
            contact_values = ContactValues(
                first_name=texts["first"],
                last_name=texts["last"],
                emails=[f"x{number}@example.se"],
                tags=[texts["tag"]],
                notes=texts["contactnotes"],
            )
            contact = create_contact(
                values=contact_values, organisation=organisation, title=texts["roletitle"], by=admin
            )
            duplicate = create_contact(values=contact_values, by=admin)
            user = make_user(name=texts["username"], email=f"anvandare{number}@example.se")
            meeting = schedule_meeting(
                values=MeetingValues(
                    title=texts["meetingtitle"],
                    kind=MeetingKind.IN_PERSON,
                    status=MeetingStatus.HELD,
                    starts_at=local_to_utc(held_day, time(9 + number)),
                    ends_at=local_to_utc(held_day, time(10 + number)),
                    all_day=False,
                    responsible_id=user.id,
                    organisation_ids=[organisation.id, municipality.id],
                    contact_ids=[contact.id],
                    team_ids=[admin.id, user.id],
                    place=texts["place"],
                    agenda=texts["agenda"],
                    notes=texts["meetingnotes"],
                    outcome=texts["outcome"],
                    topics=[texts["topic"]],
                    target_groups=[texts["targetgroup"]],
                    perspectives={Perspective.CHILD_RIGHTS: texts["perspective"]},
                ),
                by=admin,
            )
            follow_up = create_follow_up(
                values=FollowUpValues(
                    title=texts["followuptitle"],
                    description=texts["followupdesc"],
                    owner_id=admin.id,
                    due_on=today + timedelta(days=2),
                    meeting_id=meeting.id,
                    organisation_id=organisation.id,
                    contact_id=contact.id,
                ),
                by=admin,
                today=today,
            )
            done = create_follow_up(
                values=FollowUpValues(
                    title=f"Klar {number}", owner_id=admin.id, due_on=today, meeting_id=meeting.id
                ),
                by=admin,
                today=today,
            )
            complete_follow_up(done, note=texts["completionnote"], by=admin, today=today)
            item.organisation_id, item.municipality_id = organisation.id, municipality.id
            item.contact_id, item.duplicate_id, item.user_id = contact.id, duplicate.id, user.id
            item.meeting_id, item.follow_up_id = meeting.id, follow_up.id
            item.done_follow_up_id = done.id
            planted.append(item)
        db.session.commit()
    return World(planted=planted, month=held_day.strftime("%Y-%m"))


def pages_showing(item: Planted, world: World) -> list[str]:
    """The pages (GET paths) that show this payload's records."""
    o, m, c = item.organisation_id, item.municipality_id, item.contact_id
    meeting, follow_up = item.meeting_id, item.follow_up_id
    return [
        f"/organisationer/{o}",
        f"/organisationer/{o}/redigera",
        f"/organisationer/{m}",
        f"/organisationer/{m}/redigera",
        f"/organisationer/{m}/engagemang",
        f"/kontakter/{c}",
        f"/kontakter/{c}/redigera",
        f"/kontakter/{c}/byter-organisation",
        f"/kontakter/sla-ihop/{c}/{item.duplicate_id}",
        f"/moten/{meeting}",
        f"/moten/{meeting}/redigera",
        f"/moten/ny?organisation={o}&kontakt={c}",
        f"/uppfoljningar/{follow_up}",
        f"/uppfoljningar/{follow_up}/redigera",
        f"/uppfoljningar/{item.done_follow_up_id}",
        f"/uppfoljningar/ny?mote={meeting}&organisation={o}&kontakt={c}",
        f"/uppfoljningar/efter-mote/{meeting}",
        f"/admin/anvandare/{item.user_id}",
        f"/sok?q=X{item.number}",
        f"/organisationer?q=X{item.number}",
        f"/kontakter?q=X{item.number}",
        f"/moten?q=X{item.number}",
    ]


def shared_pages(world: World) -> list[str]:
    """Lists, the start page and the reports: every payload at once."""
    return [
        "/",
        "/?moten=teamet",
        "/organisationer",
        "/kontakter",
        "/kontakter/dubbletter",
        "/moten",
        "/uppfoljningar",
        "/uppfoljningar?visa=teamets",
        "/uppfoljningar?visa=klara",
        "/uppfoljningar?visa=veckan",
        "/admin/anvandare",
        "/kalender",
        "/konto",
        "/rapporter",
        f"/rapporter/sammanstallning?manad={world.month}",
        f"/rapporter/sammanstallning/utskrift?manad={world.month}",
        "/rapporter/lagesbild",
        "/rapporter/tystnad",
        "/rapporter/slutredovisning",
        "/rapporter/slutredovisning/utskrift",
    ]
