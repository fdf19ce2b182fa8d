"""User administration: only admins, duplicate e-mail as a form error, conflicts shown,
deactivation, password reset, and never losing the last admin."""

from __future__ import annotations

import contextlib
import re
import threading

import pytest

from app.auth import services
from app.auth.models import Role, User
from app.extensions import db

from ..conftest import login
from ..factories import make_user


@pytest.mark.parametrize(
    ("role", "expected"), [("admin", 200), ("coordinator", 403), ("reader", 403)]
)
@pytest.mark.parametrize("path", ["/admin/anvandare", "/admin/anvandare/ny", "/admin/anvandare/1"])
def test_only_admins_reach_user_admin(as_role, role, expected, path):
    assert as_role(role).get(path).status_code == expected


@pytest.mark.parametrize("role", ["coordinator", "reader"])
def test_non_admins_cannot_post_to_user_admin(as_role, role, app):
    client = as_role(role)
    data = {"email": "ny@example.se", "name": "Ny", "role": "admin"}
    assert client.post("/admin/anvandare/ny", data=data).status_code == 403
    assert client.post("/admin/anvandare/1", data={**data, "version": "1"}).status_code == 403
    assert client.post("/admin/anvandare/1/aterstall-losenord").status_code == 403
    with app.app_context():
        assert services.find_user_by_email("ny@example.se") is None


def test_admin_creates_user_who_must_change_the_shown_password(as_role, app):
    admin = as_role("admin")
    response = admin.post(
        "/admin/anvandare/ny",
        data={"email": "Karin@Kommun.se", "name": "Karin Ek", "role": "reader"},
    )
    assert response.status_code == 200
    password = re.search(r"<code>([^<]+)</code>", response.text).group(1)
    assert response.headers["Cache-Control"] == "no-store"

    newcomer = app.test_client()
    assert login(newcomer, "karin@kommun.se", password).status_code == 302
    # Until she picks her own password, every page sends her to the password form.
    assert newcomer.get("/").headers["Location"] == "/konto/losenord"
    newcomer.post(
        "/konto/losenord",
        data={
            "current_password": password,
            "new_password": "blåa-fönster-sjunger",
            "confirm": "blåa-fönster-sjunger",
        },
    )
    assert newcomer.get("/").status_code == 200
    with app.app_context():
        user = services.find_user_by_email("karin@kommun.se")
        assert user.role is Role.READER and not user.must_change_password


def test_new_user_form_defaults_to_coordinator(as_role):
    page = as_role("admin").get("/admin/anvandare/ny").text
    assert '<option selected value="coordinator">Samordnare</option>' in page


def test_duplicate_email_is_a_form_error(as_role, users):
    response = as_role("admin").post(
        "/admin/anvandare/ny",
        data={"email": users["reader"].upper(), "name": "Dubblett", "role": "reader"},
    )
    assert response.status_code == 200
    assert "Det finns redan en användare med den e-postadressen." in response.text
    assert 'aria-invalid="true"' in response.text


def test_invalid_email_is_a_form_error(as_role):
    response = as_role("admin").post(
        "/admin/anvandare/ny", data={"email": "inte-en-adress", "name": "X", "role": "reader"}
    )
    assert "Ange en giltig e-postadress" in response.text


def user_id(app, email):
    with app.app_context():
        return services.find_user_by_email(email).id


def test_admin_edits_and_deactivates_a_user(as_role, app, users):
    admin = as_role("admin")
    target = user_id(app, users["coordinator"])
    page = admin.get(f"/admin/anvandare/{target}")
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page.text).group(1)
    response = admin.post(
        f"/admin/anvandare/{target}",
        data={
            "email": users["coordinator"],
            "name": "Nytt Namn",
            "role": "reader",
            "version": version,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, target)
        assert (user.name, user.role, user.active) == ("Nytt Namn", Role.READER, False)


def test_concurrent_edit_is_shown_not_overwritten(as_role, app, users):
    admin = as_role("admin")
    target = user_id(app, users["coordinator"])
    stale = {
        "email": users["coordinator"],
        "name": "Först",
        "role": "coordinator",
        "active": "y",
        "version": "1",
    }
    assert admin.post(f"/admin/anvandare/{target}", data=stale).status_code == 302
    second = admin.post(f"/admin/anvandare/{target}", data={**stale, "name": "Sedan"})
    assert second.status_code == 409
    assert "Någon annan har ändrat användaren" in second.text
    assert "Först" in second.text and 'value="Sedan"' in second.text
    with app.app_context():
        assert db.session.get(User, target).name == "Först"
    # Saving again from the conflict page, knowingly, goes through.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', second.text).group(1)
    third = admin.post(
        f"/admin/anvandare/{target}", data={**stale, "name": "Sedan", "version": version}
    )
    assert third.status_code == 302


def test_logging_in_is_not_an_edit_conflict(as_role, app, users):
    admin = as_role("admin")
    target = user_id(app, users["coordinator"])
    page = admin.get(f"/admin/anvandare/{target}")
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page.text).group(1)
    login(app.test_client(), users["coordinator"])  # updates last login and session token
    response = admin.post(
        f"/admin/anvandare/{target}",
        data={
            "email": users["coordinator"],
            "name": "Nytt",
            "role": "coordinator",
            "active": "y",
            "version": version,
        },
    )
    assert response.status_code == 302


def test_last_admin_cannot_be_demoted_or_deactivated(as_role, app, users):
    admin = as_role("admin")
    me = user_id(app, users["admin"])
    response = admin.post(
        f"/admin/anvandare/{me}",
        data={"email": users["admin"], "name": "Admin", "role": "reader", "version": "1"},
    )
    assert "Det måste finnas minst en aktiv administratör." in response.text
    with app.app_context():
        assert db.session.get(User, me).role is Role.ADMIN


def test_reset_password_ends_sessions_and_forces_change(as_role, app, users):
    victim = app.test_client()
    login(victim, users["coordinator"])
    admin = as_role("admin")
    target = user_id(app, users["coordinator"])
    response = admin.post(f"/admin/anvandare/{target}/aterstall-losenord")
    password = re.search(r"<code>([^<]+)</code>", response.text).group(1)
    assert victim.get("/konto").status_code == 302
    fresh = app.test_client()
    login(fresh, users["coordinator"], password)
    assert fresh.get("/").headers["Location"] == "/konto/losenord"


def test_user_list_shows_everyone(as_role, users):
    page = as_role("admin").get("/admin/anvandare").text
    for email in users.values():
        assert email in page


def test_missing_or_garbled_version_is_a_conflict_not_an_overwrite(as_role, app, users):
    admin = as_role("admin")
    target = user_id(app, users["coordinator"])
    data = {"email": users["coordinator"], "name": "Utan version", "role": "coordinator"}
    for extra in ({}, {"version": "abc"}):
        response = admin.post(f"/admin/anvandare/{target}", data={**data, **extra})
        assert response.status_code == 409
    with app.app_context():
        assert db.session.get(User, target).name != "Utan version"


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, monkeypatch):
    """Each request pauses right after counting the admins. Without the row lock both would
    count two and both demote; with it, the second count waits for the first commit."""
    with app.app_context():
        first, second = make_user(role=Role.ADMIN), make_user(role=Role.ADMIN)
        db.session.commit()
        pair = [(first.id, second.id), (second.id, first.id)]
    barrier = threading.Barrier(2)
    after_count = threading.Barrier(2, timeout=1)
    count = services._active_admin_count

    def count_then_pause(**kwargs):
        result = count(**kwargs)
        # A broken barrier means the other request waits for our lock: go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            after_count.wait()
        return result

    monkeypatch.setattr(services, "_active_admin_count", count_then_pause)
    outcomes: list[str] = []

    def demote(actor_id: int, target_id: int) -> None:
        with app.app_context():
            barrier.wait()
            actor, target = db.session.get(User, actor_id), db.session.get(User, target_id)
            try:
                services.update_user(
                    target,
                    email=target.email,
                    name=target.name,
                    role=Role.READER,
                    active=True,
                    expected_version=target.version,
                    by=actor,
                )
                db.session.commit()
                outcomes.append("demoted")
            except services.LastAdmin:
                db.session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=demote, args=ids) for ids in pair]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["demoted", "refused"]
    with app.app_context():
        admins = db.session.scalars(db.select(User).where(User.role == Role.ADMIN)).all()
        assert len(admins) == 1


def test_concurrent_commit_is_caught_by_the_version_check(app):
    """Two sessions load the same user; the second UPDATE matches no row and is refused."""
    from sqlalchemy.orm.exc import StaleDataError

    with app.app_context():
        admin = make_user(role=Role.ADMIN)
        target = make_user()
        db.session.commit()
        ids = (admin.id, target.id)
    with app.app_context():
        admin, stale = db.session.get(User, ids[0]), db.session.get(User, ids[1])
        db.session().expire_on_commit = False  # keep the stale values in memory
        db.session.commit()  # this request has read the form's data; its transaction ends
        with app.app_context():  # another request saves first
            fresh = db.session.get(User, ids[1])
            services.update_user(
                fresh,
                email=fresh.email,
                name="Först",
                role=fresh.role,
                active=True,
                expected_version=fresh.version,
                by=db.session.get(User, ids[0]),
            )
            db.session.commit()
        with pytest.raises(StaleDataError):
            services.update_user(
                stale,
                email=stale.email,
                name="Sedan",
                role=stale.role,
                active=True,
                expected_version=stale.version,
                by=admin,
            )
        db.session.rollback()


@pytest.mark.fresh_app  # adds a route
def test_stale_data_error_becomes_a_conflict_page(app, as_role):
    from sqlalchemy.orm.exc import StaleDataError

    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.post("/krock")
    def clash():
        raise StaleDataError("UPDATE matched 0 rows")

    response = as_role("admin").post("/krock")
    assert response.status_code == 409
    assert "Krock mellan ändringar" in response.text


def test_deactivation_hint_is_shown_and_tied_to_the_checkbox(as_role, app, users):
    page = as_role("admin").get(f"/admin/anvandare/{user_id(app, users['reader'])}").text
    assert 'aria-describedby="active-hint"' in page
    assert 'id="active-hint"' in page
