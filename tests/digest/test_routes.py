"""The digest setting on Mitt konto (off by default, every role may set its own) and the
start page's "Mina möten i morgon"."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.common.time import local_today
from app.extensions import db

from .builders import meeting


def user(app, email) -> User:
    with app.app_context():
        return db.session.scalar(select(User).filter_by(email=email))


@pytest.mark.parametrize("role", ["admin", "coordinator", "reader"])
def test_every_role_turns_the_digest_on_and_off(app, users, as_role, role):
    client = as_role(role)
    page = client.get("/konto").text
    assert "Daglig sammanfattning" in page
    assert 'name="enabled"' in page and "checked" not in page.split('id="digest-heading"')[1]
    assert "Ingen e-postserver är inställd" in page
    response = client.post("/konto/sammanfattning", data={"enabled": "y"})
    assert response.status_code == 302 and response.location.endswith("/konto")
    assert user(app, users[role]).digest_enabled is True
    page = client.get("/konto").text
    assert "Du får en daglig sammanfattning via e-post." in page
    assert "checked" in page.split('id="digest-heading"')[1]
    client.post("/konto/sammanfattning", data={})
    assert user(app, users[role]).digest_enabled is False


def test_the_setting_needs_a_login(client):
    response = client.post("/konto/sammanfattning", data={"enabled": "y"})
    assert response.status_code == 302 and "/logga-in" in response.location


def test_the_start_page_marks_tomorrow_and_points_to_the_setting(app, users, as_role):
    me = user(app, users["coordinator"])
    tomorrow = local_today() + timedelta(days=1)
    with app.app_context():
        meeting(db.session.get(User, me.id), "Samråd med Umeå", tomorrow, at=time(9, 15))
        db.session.commit()
    client = as_role("coordinator")
    page = client.get("/").text
    day = page.split('<span class="badge">i morgon</span>')[1].split("</ul>")[0]
    assert "09:15–10:15" in day and "Samråd med Umeå" in day
    assert "Vill du få dina försenade uppföljningar" in page
    assert "Daglig sammanfattning under Mitt konto" in page
    client.post("/konto/sammanfattning", data={"enabled": "y"})
    assert "Du får de här uppgifterna via e-post varje morgon." in client.get("/").text
