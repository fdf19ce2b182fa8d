"""Follow-ups read as plain rows (app/followups/rows.py, the start page's lists) say what the
ORM follow-ups say: owner, meeting, contact, the organisations they count for in the same
order, overdue or not; and a contact in the trash is left out alike (a meeting takes its
follow-ups to the trash, and an organisation in use cannot go there)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.common.time import local_today, utcnow
from app.contacts.models import Contact
from app.dashboard import services
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import (
    LIST_OPTIONS,
    FollowUpValues,
    create_follow_up,
    with_meeting_organisations,
)
from app.meetings.models import MeetingKind, MeetingStatus
from app.meetings.services import MeetingValues, schedule_meeting
from app.organisations.models import OrganisationKind
from app.trash.services import move_to_trash

from ..factories import make_organisation


def shown(follow_up, today):
    """What a row shows: the same attributes on a plain row and on an ORM follow-up."""
    return (
        follow_up.id,
        follow_up.title,
        follow_up.due_on,
        follow_up.status,
        follow_up.owner.name,
        (follow_up.meeting.id, follow_up.meeting.title) if follow_up.meeting else None,
        (follow_up.contact.id, follow_up.contact.full_name) if follow_up.contact else None,
        [(o.id, o.display_name) for o in follow_up.organisations],
        follow_up.is_overdue(today),
    )


def test_plain_rows_say_what_the_orm_follow_ups_say(seeded, users, app):
    today = local_today()
    with app.app_context():
        me = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        me_id = me.id
        municipality = make_organisation(name="Kommunen", kind=OrganisationKind.KOMMUN)
        unit = make_organisation(
            name="Socialtjänsten", kind=OrganisationKind.KOMMUN, parent_id=municipality.id
        )
        association = make_organisation(name="Aföreningen")
        other = make_organisation(name="Bföreningen")
        start = utcnow() - timedelta(days=3)
        values = MeetingValues(
            title="Samråd",
            kind=MeetingKind.IN_PERSON,
            status=MeetingStatus.HELD,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            all_day=False,
            responsible_id=me.id,
            organisation_ids=[unit.id, association.id, other.id],
        )
        meeting = schedule_meeting(values=values, by=None)
        person = Contact(first_name="Anna", last_name="Svensson")
        gone_person = Contact(first_name="Bo", last_name="")
        db.session.add_all([person, gone_person])
        db.session.flush()

        def follow_up(title, days, **links):
            values = FollowUpValues(
                title=title, owner_id=me.id, due_on=today + timedelta(days=days), **links
            )
            return create_follow_up(values=values, by=None, today=today)

        follow_up("Via mötet, egen organisation också där", -2, meeting_id=meeting.id,
                  organisation_id=association.id)  # fmt: skip
        follow_up("Bara en kontakt", -1, contact_id=person.id)
        follow_up("Bara en enhet", 0, organisation_id=unit.id)
        follow_up("Kontakten i papperskorgen", 1, contact_id=gone_person.id)
        follow_up("Kommunen", 2, organisation_id=municipality.id)
        follow_up("Den andra föreningen", 3, organisation_id=other.id,
                  meeting_id=meeting.id)  # fmt: skip
        db.session.commit()
        move_to_trash(gone_person, by=None)
        db.session.commit()
        ids = {"unit": unit.id, "association": association.id, "other": other.id}
        db.session.expunge_all()

        mine = services.my_follow_ups(me_id, today)
        rows = [*mine.overdue, *mine.due_soon]
        db.session.expunge_all()
        orm = list(
            db.session.scalars(
                select(FollowUp)
                .where(FollowUp.id.in_([row.id for row in rows]))
                .options(*LIST_OPTIONS)
                .order_by(FollowUp.due_on, FollowUp.id)
            )
        )
        with_meeting_organisations(orm)
        assert len(rows) == 6
        assert [shown(row, today) for row in rows] == [shown(item, today) for item in orm]
        by_title = {row.title: row for row in rows}
        assert by_title["Kontakten i papperskorgen"].contact is None
        assert [
            o.display_name for o in by_title["Via mötet, egen organisation också där"].organisations
        ] == [
            "Aföreningen",
            "Socialtjänsten, Kommunen",
            "Bföreningen",
        ]  # its own first, then the meeting's in the order of Meeting.organisations, without it
        assert by_title["Den andra föreningen"].organisations == [
            (ids["other"], "Bföreningen"),
            (ids["unit"], "Socialtjänsten, Kommunen"),
            (ids["association"], "Aföreningen"),
        ]
        assert [row.is_overdue(today) for row in rows] == [True, True, False, False, False, False]
