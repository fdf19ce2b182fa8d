"""The plan services: the rules they keep, the items' defaults, the version check and the
audit records they write in the same transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.audit.display import shown_history
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.common.exceptions import EditConflict
from app.extensions import db
from app.organisations.forms import filters_from_args
from app.organisations.models import Organisation
from app.plans import services
from app.plans.models import ContactPlan, ContactPlanItem
from app.plans.services import InvalidPlan, PlanValues

from ..factories import make_user
from .world import coordinator, organisation, plan


def values(owner_id: int, **changes) -> PlanValues:
    base = {
        "title": "Plan",
        "starts_on": date(2026, 11, 1),
        "ends_on": date(2026, 11, 30),
        "owner_id": owner_id,
    }
    return PlanValues(**{**base, **changes})


def test_create_checks_title_dates_and_owner(seeded, ctx):
    owner = coordinator()
    reader = make_user(role=Role.READER)
    with pytest.raises(InvalidPlan):
        services.create_plan(values=values(owner.id, title="   "), by=owner)
    with pytest.raises(InvalidPlan):
        services.create_plan(values=values(owner.id, ends_on=date(2026, 10, 1)), by=owner)
    with pytest.raises(InvalidPlan):
        services.create_plan(values=values(reader.id), by=owner)
    made = services.create_plan(values=values(owner.id, title="  Höst\n2026 "), by=owner)
    assert made.title == "Höst 2026" and made.created_by_id == owner.id


def test_items_follow_the_plan_until_given_their_own(seeded, ctx):
    owner = coordinator()
    made = plan(owner, organisations=[organisation("Kramfors kommun")])
    item = made.items[0]
    assert item.due == date(2026, 11, 30) and item.responsible_id is None
    services.update_plan(
        made, values=values(owner.id, ends_on=date(2026, 12, 20)), expected_version=1, by=owner
    )
    assert item.due == date(2026, 12, 20)
    other = coordinator("Olle Ansvarig")
    services.update_item(item, due_on=date(2026, 12, 5), responsible_id=other.id, by=owner)
    assert item.due == date(2026, 12, 5) and item.responsible_id == other.id
    with pytest.raises(InvalidPlan):
        services.update_item(item, due_on=date(2026, 10, 1), responsible_id=None, by=owner)
    with pytest.raises(InvalidPlan):
        reader = make_user(role=Role.READER)
        services.update_item(item, due_on=None, responsible_id=reader.id, by=owner)


def test_adding_skips_present_and_archived_organisations(seeded, ctx):
    owner = coordinator()
    made = plan(owner, organisations=[organisation("Kramfors kommun")])
    archived = organisation("Ånge kommun")
    archived.archived_at = archived.created_at
    ids = [organisation(n).id for n in ("Kramfors kommun", "Timrå kommun", "Ånge kommun")]
    assert services.add_organisations(made, ids, by=owner) == 1
    assert services.add_organisations(made, [], by=owner) == 0
    names = sorted(i.organisation.name for i in made.items)
    assert names == ["Kramfors kommun", "Timrå kommun"]


def test_the_organisation_lists_filter_chooses_a_countys_municipalities(seeded, ctx):
    _form, filters = filters_from_args(MultiDict({"typ": "kommun", "lan": "22"}))
    chosen = db.session.scalars(services.matching_organisations(filters)).all()
    assert sorted(o.name for o in chosen) == [
        "Härnösands kommun",
        "Kramfors kommun",
        "Sollefteå kommun",
        "Sundsvalls kommun",
        "Timrå kommun",
        "Ånge kommun",
        "Örnsköldsviks kommun",
    ]


def test_a_stale_version_is_a_conflict(seeded, ctx):
    owner = coordinator()
    made = plan(owner)
    services.update_plan(made, values=values(owner.id, title="Ny"), expected_version=1, by=owner)
    assert made.version == 2
    with pytest.raises(EditConflict):
        services.update_plan(made, values=values(owner.id), expected_version=1, by=owner)


def test_history_shows_names_and_days(seeded, ctx):
    owner = coordinator("Karin Koordinator")
    made = plan(owner, organisations=[organisation("Kramfors kommun")])
    item = made.items[0]
    other = coordinator("Olle Ansvarig")
    services.update_item(item, due_on=date(2026, 12, 5), responsible_id=other.id, by=owner)
    services.remove_item(item, by=owner)
    db.session.flush()
    events = shown_history(made)
    text = " ".join(
        f"{e.actor} {e.action} {e.note} "
        + " ".join(f"{c.label} {c.before} {c.after}" for c in e.changes)
        for e in events
    )
    assert "Karin Koordinator" in text
    assert "Kramfors kommun" in text and "Olle Ansvarig" in text and "2026-12-05" in text
    assert "Lade till" in text and "Tog bort" in text
    assert str(organisation("Kramfors kommun").id) not in text.replace("2026", "")


def test_deleting_a_plan_removes_its_items_and_keeps_its_history(seeded, ctx):
    owner = coordinator()
    made = plan(owner, organisations=[organisation("Kramfors kommun")])
    plan_id = made.id
    services.delete_plan(made, by=owner)
    assert db.session.get(ContactPlan, plan_id) is None
    assert db.session.scalars(select(ContactPlanItem)).all() == []
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "contact_plans", AuditEvent.entity_id == plan_id
        )
    ).all()
    assert "delete" in actions and "create" in actions
    assert db.session.get(Organisation, organisation("Kramfors kommun").id) is not None
