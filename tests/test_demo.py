"""Demo data: proportions, search, determinism, the refusal, and pages that render with it."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import create_app
from app.auth.models import Role, User
from app.contacts.models import Affiliation, Contact
from app.contacts.queries import search_contacts
from app.demo import DatabaseInUse, generate
from app.demo.registry import TEAM, team_email
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.library import coverage, facts
from app.library.models import (
    Channel,
    Delivery,
    InformationFact,
    Material,
    MaterialKind,
    MaterialVersion,
    MeetingReference,
    Outcome,
)
from app.meetings.models import Meeting, MeetingStatus, meeting_contacts, meeting_organisations
from app.organisations.models import EngagementChange, Organisation, OrganisationKind
from app.organisations.stages import Stage

from .conftest import database_config, login, truncate_all
from .factories import DEFAULT_PASSWORD

SCALE = 0.02
TODAY = date(2026, 3, 16)


def count(model: Any, *where: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_generates_the_expected_proportions(ctx):
    summary = generate(scale=SCALE, seed=3, today=TODAY, password=DEFAULT_PASSWORD)
    db.session.commit()
    assert (summary.contacts, summary.meetings, summary.follow_ups) == (60, 100, 160)
    assert summary.password is None  # it was given, so it is not echoed back
    assert count(Contact) == 60 and count(Meeting) == 100 and count(FollowUp) == 160

    roles = list(db.session.scalars(select(User.role)))
    assert roles.count(Role.COORDINATOR) == 6 and roles.count(Role.READER) == 2
    units = count(Organisation, Organisation.name == "Socialtjänsten")
    assert 150 < units < 290
    # Units are "Enhet", so the municipalities stay 290 (the Kommun filter).
    assert count(Organisation, Organisation.kind == OrganisationKind.ENHET) == units
    assert count(Organisation, Organisation.kind == OrganisationKind.KOMMUN) == 290
    assert count(Organisation, Organisation.kind == OrganisationKind.CIVILSAMHALLE) >= 20

    # Affiliations change over time: some ended, then a new one the day after.
    assert count(Affiliation) > 60
    assert count(Affiliation, Affiliation.ended_on.is_not(None)) > 0

    # Meetings span the assignment: past held or cancelled, future planned or cancelled.
    past = Meeting.starts_at < db.session.scalar(select(func.min(Meeting.starts_at)).where(
        Meeting.status == MeetingStatus.PLANNED))  # fmt: skip
    assert count(Meeting, past, Meeting.status == MeetingStatus.PLANNED) == 0
    held = count(Meeting, Meeting.status == MeetingStatus.HELD)
    cancelled = count(Meeting, Meeting.status == MeetingStatus.CANCELLED)
    assert held > cancelled > 0 and count(Meeting, Meeting.status == MeetingStatus.PLANNED) > 0
    first, last = db.session.execute(
        select(func.min(Meeting.starts_at), func.max(Meeting.starts_at))
    ).one()
    assert first.date() >= date(2025, 5, 31) and last.date() <= date(2027, 6, 30)
    assert all(m.uid.endswith("@samverkan") and m.search_text for m in db.session.scalars(
        select(Meeting)))  # fmt: skip
    links = db.session.execute(
        select(meeting_organisations.c.meeting_id, func.count())
        .group_by(meeting_organisations.c.meeting_id)
    ).all()  # fmt: skip
    assert len(links) == 100 and all(1 <= n <= 3 for _, n in links)
    assert count(meeting_contacts) > 0

    # Follow-ups: open, done and overdue.
    overdue = count(FollowUp, FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on < TODAY)
    upcoming = count(FollowUp, FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on >= TODAY)
    done = count(FollowUp, FollowUp.status == FollowUpStatus.DONE)
    assert overdue > 0 and upcoming > 0 and done > overdue
    assert count(FollowUp, FollowUp.meeting_id.is_not(None)) > 80

    # The lägesbild: municipalities at several stages, with a history behind them.
    stages = set(db.session.scalars(select(Organisation.engagement_stage).distinct()))
    assert {Stage.NOT_CONTACTED, Stage.INFORMED, Stage.ACTIVE, Stage.DECLINED} <= stages
    assert count(EngagementChange) > 290


def test_search_finds_generated_contacts(ctx):
    generate(scale=SCALE, seed=4, today=TODAY, password=DEFAULT_PASSWORD)
    contact = db.session.scalars(select(Contact).order_by(Contact.id)).first()
    found = search_contacts(f"{contact.first_name} {contact.last_name}".upper())
    assert contact in found
    by_address = search_contacts(contact.emails[0].address)
    assert contact in by_address


def information_facts() -> list[tuple]:
    return sorted(
        db.session.execute(
            select(InformationFact.version_id, InformationFact.organisation_id,
                   InformationFact.day, InformationFact.channel, InformationFact.deliveries)
        ).all()
    )  # fmt: skip


def test_the_library_has_material_deliveries_and_coverage(ctx):
    """Guidance with versions, deliveries to part of the municipalities over the months by
    each channel (a few failed or uncertain), references linked to held meetings; the coverage
    facts equal a rebuild and show some municipalities informed, not all."""
    summary = generate(scale=SCALE, seed=3, today=TODAY, password=DEFAULT_PASSWORD)
    db.session.commit()
    assert summary.materials == count(Material) >= 10
    assert summary.deliveries == count(Delivery) > 0
    assert count(Material, Material.kind == MaterialKind.RESEARCH) >= 3
    guide = db.session.scalar(
        select(Material).where(Material.title.startswith("Vägledning för kommuner"))
    )
    assert [v.number for v in guide.versions] == [2, 1]  # v3 comes after TODAY
    assert all(v.created_at.date() <= TODAY for v in guide.versions)
    channels = set(db.session.scalars(select(Delivery.channel).distinct()))
    assert channels == {Channel.MAILING, Channel.MEETING, Channel.BY_HAND}
    assert db.session.scalar(select(func.max(Delivery.delivered_on))) <= TODAY
    at_meetings = db.session.scalars(
        select(Delivery).where(Delivery.channel == Channel.MEETING)
    ).all()
    assert all(d.meeting.status is MeetingStatus.HELD for d in at_meetings)
    assert all(d.meeting.starts_at.date() <= TODAY for d in at_meetings)
    assert count(MeetingReference) >= 5
    kept = information_facts()
    assert kept and len(kept) < count(Delivery)  # failed and uncertain ones left out, or merged
    facts.rebuild_facts()
    assert information_facts() == kept
    informed = coverage.informed_ids(guide.id)
    assert 0 < len(informed) < 290
    outcomes = set(db.session.scalars(select(Delivery.outcome).distinct()))
    assert Outcome.DELIVERED in outcomes


def digest() -> str:
    """A fingerprint of the generated content (ids left out: they depend on the database)."""
    rows: list[Any] = []
    rows += db.session.execute(
        select(Contact.first_name, Contact.last_name, Contact.search_text, Contact.sort_name,
               Contact.created_at).order_by(Contact.sort_name, Contact.search_text)
    ).all()  # fmt: skip
    rows += db.session.execute(
        select(Meeting.uid, Meeting.title, Meeting.starts_at, Meeting.status, Meeting.sequence,
               Meeting.search_text).order_by(Meeting.uid)
    ).all()  # fmt: skip
    rows += db.session.execute(
        select(Meeting.uid, Contact.search_text)
        .join(meeting_contacts, meeting_contacts.c.meeting_id == Meeting.id)
        .join(Contact, Contact.id == meeting_contacts.c.contact_id)
        .order_by(Meeting.uid, Contact.search_text)
    ).all()
    rows += db.session.execute(
        select(FollowUp.title, FollowUp.due_on, FollowUp.status, FollowUp.completed_on)
        .order_by(FollowUp.title, FollowUp.due_on, FollowUp.status)
    ).all()  # fmt: skip
    rows += db.session.execute(
        select(Affiliation.title, Affiliation.started_on, Affiliation.ended_on,
               Organisation.name).join(Organisation)
        .order_by(Affiliation.title, Affiliation.started_on, Organisation.name)
    ).all()  # fmt: skip
    rows += db.session.execute(
        select(Material.title, MaterialVersion.number, MaterialVersion.created_at,
               Organisation.name, Delivery.delivered_on, Delivery.channel, Delivery.outcome)
        .join(MaterialVersion, MaterialVersion.id == Delivery.version_id)
        .join(Material, Material.id == Delivery.material_id)
        .join(Organisation, Organisation.id == Delivery.organisation_id)
        .order_by(Material.title, MaterialVersion.number, Organisation.name,
                  Delivery.delivered_on, Delivery.channel)
    ).all()  # fmt: skip
    rows += db.session.execute(
        select(Material.title, Meeting.uid)
        .join(MeetingReference, MeetingReference.material_id == Material.id)
        .join(Meeting, Meeting.id == MeetingReference.meeting_id)
        .order_by(Material.title, Meeting.uid)
    ).all()  # fmt: skip
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def run_and_digest(app: Flask, seed: int) -> str:
    with app.app_context():
        generate(scale=SCALE, seed=seed, today=TODAY, password=DEFAULT_PASSWORD)
        db.session.commit()
        return digest()


def test_same_seed_gives_the_same_data(app, app_config, tmp_path, postgres_schema):
    def fresh(name: str) -> Flask:
        """Another empty database: a new SQLite file, or the worker's schema emptied."""
        if postgres_schema is not None:
            with app.app_context():
                truncate_all()  # identities restart too
            return app
        other = create_app({**app_config, **database_config(tmp_path, None, name=name)})
        with other.app_context():
            db.create_all()
        return other

    first = run_and_digest(app, seed=11)
    assert run_and_digest(fresh("second.db"), seed=11) == first
    assert run_and_digest(fresh("third.db"), seed=12) != first


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_command_refuses_a_database_with_user_data(runner, app, users, monkeypatch):
    monkeypatch.setenv("SAMVERKAN_PASSWORD", DEFAULT_PASSWORD)
    refused = runner.invoke(args=["demo", "--scale", "0.01"])
    assert refused.exit_code != 0
    assert "Refusing" in refused.output and "3 users" in refused.output
    with app.app_context():
        assert count(Contact) == 0 and count(Organisation) == 0
        with pytest.raises(DatabaseInUse):
            generate(scale=0.01)
    forced = runner.invoke(args=["demo", "--scale", "0.01", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "30 contacts, " in forced.output and "the one in SAMVERKAN_PASSWORD" in forced.output
    again = runner.invoke(args=["demo", "--scale", "0.01"])
    assert again.exit_code != 0 and "30 contacts" in again.output


def test_command_on_an_empty_database_prints_the_password_once(runner, app):
    result = runner.invoke(args=["demo", "--scale", "0.01", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "Password: " in result.output and team_email(TEAM[0][0]) in result.output
    password = result.output.split("Password: ")[1].split()[0]
    client = app.test_client()
    assert login(client, team_email(TEAM[0][0]), password).status_code == 302


@pytest.mark.parametrize("member", [TEAM[0][0], TEAM[-1][0]], ids=["coordinator", "reader"])
def test_pages_render_with_demo_data(app, client, member):
    with app.app_context():
        generate(scale=SCALE, seed=5, password=DEFAULT_PASSWORD)
        db.session.commit()
        meeting_id = db.session.scalar(select(func.min(Meeting.id)))
        contact_id = db.session.scalar(select(func.min(Contact.id)))
        follow_up_id = db.session.scalar(select(func.min(FollowUp.id)))
        material_id = db.session.scalar(select(func.min(Material.id)))
    assert login(client, team_email(member)).status_code == 302
    for path in (
        "/",
        "/kontakter",
        "/kontakter?q=socialsekreterare",
        f"/kontakter/{contact_id}",
        "/moten",
        f"/moten/{meeting_id}",
        "/uppfoljningar",
        f"/uppfoljningar/{follow_up_id}",
        "/organisationer",
        "/rapporter/lagesbild",
        "/material",
        f"/material/{material_id}",
        f"/rapporter/tackning/{material_id}",
        "/kontaktplaner",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    # Prioritising has something to show: the ten largest by the demo's indicator with no
    # meeting held, and a plan for next month with its municipalities.
    ranking = client.get("/indikatorer/prioritering?utan_mote=1&topp=10")
    assert ranking.status_code == 200 and "Utrikes födda (demo)" in ranking.text
    assert ranking.text.count('<td class="numeric" data-value=') == 10
    plan = client.get("/kontaktplaner/1")
    assert plan.status_code == 200 and "Besök nästa månad (demo)" in plan.text
    assert "av 12 nådda" in plan.text
