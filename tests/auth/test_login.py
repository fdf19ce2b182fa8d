"""Logging in and out: generic failures, throttling, safe `next`, sessions that really end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.auth import services
from app.auth.models import LoginFailure, Role, User
from app.auth.throttle import ThrottlePolicy, retry_after
from app.common.time import utcnow
from app.extensions import db

from ..conftest import login
from ..factories import DEFAULT_PASSWORD, make_user

GENERIC_FAILURE = "Fel e-postadress eller lösenord."


@pytest.fixture
def alice(app):
    with app.app_context():
        user = make_user(email="alice@example.se", name="Alice Andersson")
        db.session.commit()
        return user.email


def test_login_success_redirects_to_start_and_records_last_login(client, app, alice):
    response = login(client, "ALICE@Example.se")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    start = client.get("/")
    assert start.status_code == 200
    assert "Välkommen, Alice Andersson" in start.text
    with app.app_context():
        user = services.find_user_by_email(alice)
        assert user.last_login_at is not None
        assert utcnow() - user.last_login_at < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("alice@example.se", "fel-lösenord-helt-klart"),
        ("okand@example.se", DEFAULT_PASSWORD),
        ("", ""),
    ],
)
def test_every_failure_gives_the_same_message(client, alice, email, password):
    response = login(client, email, password)
    assert response.status_code in (200, 401)
    if email:
        assert response.status_code == 401
        assert GENERIC_FAILURE in response.text
    assert "/logga-ut" not in response.text  # still logged out


def test_inactive_user_gets_the_generic_message(client, app):
    with app.app_context():
        make_user(email="gone@example.se", active=False)
        db.session.commit()
    response = login(client, "gone@example.se")
    assert response.status_code == 401
    assert GENERIC_FAILURE in response.text


def test_unknown_and_wrong_password_look_identical(client, alice):
    wrong = login(client, "alice@example.se", "fel-lösenord-helt-klart")
    unknown = login(client, "nobody@example.se", "fel-lösenord-helt-klart")
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda page: page.replace("nobody@example.se", "X").replace("alice@example.se", "X")  # noqa: E731
    assert strip(wrong.text) == strip(unknown.text)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/konto", "/konto"),
        ("/admin/anvandare?sida=2", "/admin/anvandare?sida=2"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"),
    ],
)
def test_next_is_followed_only_within_the_site(client, alice, target, expected):
    response = client.post(
        "/logga-in",
        query_string={"next": target},
        data={"email": alice, "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_anonymous_visitor_is_sent_to_login_with_next(client):
    response = client.get("/konto?flik=2")
    assert response.status_code == 302
    assert response.headers["Location"] == "/logga-in?next=/konto?flik%3D2"


def test_remember_me_sets_a_persistent_httponly_cookie(client, alice):
    login(client, alice, remember="y")
    cookie = client.get_cookie("samverkan_remember")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert cookie.expires is not None


def test_session_cookie_flags(client, alice):
    login(client, alice)
    cookie = client.get_cookie("samverkan_session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_logout_is_post_only_and_ends_copied_sessions(app, alice):
    browser = app.test_client()
    login(browser, alice, remember="y")
    copied = app.test_client()
    for name in ("samverkan_session", "samverkan_remember"):
        cookie = browser.get_cookie(name)
        copied.set_cookie(name, cookie.value)
    assert copied.get("/konto").status_code == 200

    assert browser.get("/logga-ut").status_code == 405
    response = browser.post("/logga-ut")
    assert response.status_code == 302
    assert browser.get("/konto").status_code == 302
    # The copied cookies, remember cookie included, no longer work.
    assert copied.get("/konto").status_code == 302


def test_deactivation_ends_sessions(app, client, alice):
    login(client, alice)
    with app.app_context():
        admin = make_user(role=Role.ADMIN)
        user = services.find_user_by_email(alice)
        services.update_user(
            user,
            email=user.email,
            name=user.name,
            role=user.role,
            active=False,
            expected_version=user.version,
            by=admin,
        )
        db.session.commit()
    assert client.get("/konto").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, alice):
    this, other = app.test_client(), app.test_client()
    login(this, alice)
    login(other, alice)
    response = this.post(
        "/konto/losenord",
        data={
            "current_password": DEFAULT_PASSWORD,
            "new_password": "ett-nytt-långt-lösenord",
            "confirm": "ett-nytt-långt-lösenord",
        },
    )
    assert response.status_code == 302
    assert this.get("/konto").status_code == 200
    assert other.get("/konto").status_code == 302
    assert login(app.test_client(), alice, "ett-nytt-långt-lösenord").status_code == 302


def test_password_change_errors_are_shown_on_their_fields(as_role):
    client = as_role("reader")  # readers may change their own password
    response = client.post(
        "/konto/losenord",
        data={"current_password": "fel", "new_password": "kort", "confirm": "annat"},
    )
    assert response.status_code == 200
    assert "Lösenordet måste ha minst 12 tecken." in response.text
    assert "Lösenorden är inte likadana." in response.text
    assert 'aria-describedby="new_password-hint new_password-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    response = client.post(
        "/konto/losenord",
        data={
            "current_password": "fel-lösenord-här",
            "new_password": "ett-nytt-långt-lösenord",
            "confirm": "ett-nytt-långt-lösenord",
        },
    )
    assert "Det nuvarande lösenordet stämmer inte." in response.text


class TestThrottling:
    """Per account and per address, in the database, bounded in time."""

    @pytest.fixture
    def policy(self):
        return ThrottlePolicy(
            window=timedelta(minutes=15),
            account_limit=5,
            address_limit=20,
            max_delay=timedelta(minutes=15),
        )

    def fail(self, policy, email, address, now, times=1):
        for _ in range(times):
            assert (
                services.authenticate(
                    email=email, password="fel-fel-fel-fel", address=address, policy=policy, now=now
                )
                is None
            )

    def test_account_is_throttled_after_limit_and_recovers(self, ctx, policy):
        make_user(email="alice@example.se")
        now = utcnow()
        self.fail(policy, "alice@example.se", "10.0.0.1", now, times=5)
        with pytest.raises(services.LoginThrottled) as throttled:
            services.authenticate(
                email="alice@example.se",
                password=DEFAULT_PASSWORD,
                address="10.0.0.2",
                policy=policy,
                now=now + timedelta(seconds=10),
            )
        assert timedelta(0) < throttled.value.retry_after <= timedelta(seconds=30)
        # Once the delay has passed the right password works, and clears the failures.
        user = services.authenticate(
            email="alice@example.se",
            password=DEFAULT_PASSWORD,
            address="10.0.0.2",
            policy=policy,
            now=now + timedelta(seconds=31),
        )
        assert user is not None
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)) == 0

    def test_delay_grows_but_is_capped(self, policy):
        delays = [policy.delay_after(n, 5) for n in range(4, 12)]
        assert delays[0] == timedelta(0)
        assert delays[1:4] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
        assert max(delays) == timedelta(minutes=15)

    def test_nobody_is_locked_out_longer_than_the_cap(self, ctx, policy):
        """An attacker guessing as often as allowed for hours still cannot keep the owner
        out for longer than the maximum delay after their last guess."""
        make_user(email="alice@example.se")
        start = moment = utcnow()
        for _ in range(30):
            moment += retry_after(policy, email="alice@example.se", address="6.6.6.6", now=moment)
            self.fail(policy, "alice@example.se", "6.6.6.6", moment)
        wait = retry_after(policy, email="alice@example.se", address="10.0.0.2", now=moment)
        assert timedelta(0) < wait <= policy.max_delay
        # Thirty guesses took the attacker most of an hour instead of seconds.
        assert moment - start > timedelta(minutes=55)
        later = moment + policy.max_delay
        assert (
            services.authenticate(
                email="alice@example.se",
                password=DEFAULT_PASSWORD,
                address="10.0.0.2",
                policy=policy,
                now=later,
            )
            is not None
        )

    def test_address_is_throttled_across_accounts(self, ctx, policy):
        now = utcnow()
        for number in range(20):
            self.fail(policy, f"guess{number}@example.se", "6.6.6.6", now)
        with pytest.raises(services.LoginThrottled):
            services.authenticate(
                email="new@example.se",
                password="x",
                address="6.6.6.6",
                policy=policy,
                now=now + timedelta(seconds=1),
            )
        # Another address is not affected.
        assert (
            services.authenticate(
                email="new@example.se",
                password="x",
                address="10.0.0.9",
                policy=policy,
                now=now + timedelta(seconds=1),
            )
            is None
        )

    def test_unknown_accounts_are_throttled_like_known_ones(self, ctx, policy):
        now = utcnow()
        self.fail(policy, "nobody@example.se", "10.0.0.1", now, times=5)
        with pytest.raises(services.LoginThrottled):
            services.authenticate(
                email="nobody@example.se",
                password="x",
                address="10.0.0.3",
                policy=policy,
                now=now + timedelta(seconds=1),
            )

    def test_old_failures_are_forgotten(self, ctx, policy):
        now = utcnow()
        self.fail(policy, "a@example.se", "1.1.1.1", now - timedelta(hours=1), times=3)
        self.fail(policy, "a@example.se", "1.1.1.1", now)
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)) == 1

    def test_throttled_login_page_says_so_with_429(self, client, app):
        with app.app_context():
            make_user(email="alice@example.se")
            db.session.commit()
        for _ in range(5):
            assert login(client, "alice@example.se", "fel-fel-fel-fel").status_code == 401
        response = login(client, "alice@example.se", DEFAULT_PASSWORD)
        assert response.status_code == 429
        assert "För många misslyckade inloggningar" in response.text
        with app.app_context():
            # The throttled attempt was neither checked nor counted.
            assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)) == 5
            assert db.session.scalar(db.select(User.last_login_at)) is None
