"""Logging in and out: generic failures, throttling, safe `next`, sessions that really end."""

from __future__ import annotations

import threading
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
    """Per pair, per account and per address, in the database, bounded in time."""

    @pytest.fixture
    def policy(self):
        return ThrottlePolicy(
            window=timedelta(minutes=15),
            pair_limit=5,
            account_limit=20,
            address_limit=30,
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

    def attempt(self, policy, email, address, now, password=DEFAULT_PASSWORD):
        return services.authenticate(
            email=email, password=password, address=address, policy=policy, now=now
        )

    def test_pair_is_throttled_after_limit_and_recovers(self, ctx, policy):
        make_user(email="alice@example.se")
        now = utcnow()
        self.fail(policy, "alice@example.se", "10.0.0.1", now, times=5)
        with pytest.raises(services.LoginThrottled) as throttled:
            self.attempt(policy, "alice@example.se", "10.0.0.1", now + timedelta(seconds=10))
        assert timedelta(0) < throttled.value.retry_after <= timedelta(seconds=30)
        # Once the delay has passed the right password works, and clears the failures.
        user = self.attempt(policy, "alice@example.se", "10.0.0.1", now + timedelta(seconds=31))
        assert user is not None
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)) == 0

    def test_delay_grows_but_is_capped(self, policy):
        delays = [policy.delay_after(n, 5) for n in range(4, 12)]
        assert delays[0] == timedelta(0)
        assert delays[1:4] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
        assert max(delays) == timedelta(minutes=15)
        assert policy.delay_after(10_000, 5) == timedelta(minutes=15)

    def test_attacker_at_one_address_never_locks_the_colleague_out(self, ctx, policy):
        """An attacker guessing as fast as allowed for a whole day slows only themselves:
        the owner, at another address, gets in every time."""
        make_user(email="alice@example.se")
        start = moment = utcnow()
        refused_owner = 0
        for _ in range(24 * 6):  # a day, the owner trying every ten minutes
            for _guess in range(10):
                wait = retry_after(policy, email="alice@example.se", address="6.6.6.6", now=moment)
                if wait > timedelta(0):
                    break
                self.fail(policy, "alice@example.se", "6.6.6.6", moment)
            try:
                self.attempt(policy, "alice@example.se", "10.0.0.2", moment)
            except services.LoginThrottled:
                refused_owner += 1
            moment += timedelta(minutes=10)
        guesses = db.session.scalar(db.select(db.func.count()).select_from(LoginFailure))
        assert refused_owner == 0
        assert moment - start == timedelta(hours=24)
        assert guesses <= 60  # failures within the last window only; the rest aged out

    def test_account_limit_catches_distributed_guessing_but_is_bounded(self, ctx, policy):
        make_user(email="alice@example.se")
        now = utcnow()
        for number in range(20):
            self.fail(policy, "alice@example.se", f"10.1.0.{number}", now)
        with pytest.raises(services.LoginThrottled):
            self.attempt(policy, "alice@example.se", "10.0.0.2", now + timedelta(seconds=1))
        later = now + policy.max_delay + timedelta(seconds=1)
        assert self.attempt(policy, "alice@example.se", "10.0.0.2", later) is not None

    def test_address_is_throttled_across_accounts(self, ctx, policy):
        now = utcnow()
        for number in range(30):
            self.fail(policy, f"guess{number}@example.se", "6.6.6.6", now)
        with pytest.raises(services.LoginThrottled):
            self.attempt(policy, "new@example.se", "6.6.6.6", now + timedelta(seconds=1), "x")
        # Another address is not affected.
        assert self.attempt(policy, "new@example.se", "10.0.0.9", now, "x") is None

    def test_unknown_accounts_are_throttled_like_known_ones(self, ctx, policy):
        now = utcnow()
        self.fail(policy, "nobody@example.se", "10.0.0.1", now, times=5)
        with pytest.raises(services.LoginThrottled):
            self.attempt(policy, "nobody@example.se", "10.0.0.1", now + timedelta(seconds=1), "x")

    def test_old_failures_are_forgotten(self, ctx, policy):
        now = utcnow()
        self.fail(policy, "a@example.se", "1.1.1.1", now - timedelta(hours=1), times=3)
        self.fail(policy, "a@example.se", "1.1.1.1", now)
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)) == 1

    def test_overlong_email_is_a_plain_failure(self, ctx, policy):
        assert self.attempt(policy, "İ" * 250 + "@example.se", "1.1.1.1", utcnow(), "x") is None

    def test_parallel_guesses_are_counted_one_by_one(self, app, policy):
        """Thirty guesses at once: only the first five are checked, on both databases."""
        with app.app_context():
            make_user(email="alice@example.se")
            db.session.commit()
        now = utcnow()
        outcomes: list[str] = []
        barrier = threading.Barrier(10)

        def guess() -> None:
            with app.app_context():
                barrier.wait()
                for _ in range(3):
                    try:
                        self.attempt(policy, "alice@example.se", "6.6.6.6", now, "fel-fel-fel")
                        outcomes.append("checked")
                    except services.LoginThrottled:
                        outcomes.append("throttled")
                    db.session.commit()

        threads = [threading.Thread(target=guess) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert outcomes.count("checked") == 5
        assert outcomes.count("throttled") == 25

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


def test_session_slides_with_activity_and_expires_when_idle(app, alice):
    from flask.sessions import SecureCookieSessionInterface

    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=2)
    client = app.test_client()
    login(client, alice)
    cookie = client.get_cookie("samverkan_session")
    assert cookie.expires is not None  # a permanent session, re-issued on each request
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer.loads(cookie.value)["_permanent"] is True
    assert app.config["SESSION_REFRESH_EACH_REQUEST"] is True


def test_remember_me_survives_own_password_change(app, alice):
    client = app.test_client()
    login(client, alice, remember="y")
    client.post(
        "/konto/losenord",
        data={
            "current_password": DEFAULT_PASSWORD,
            "new_password": "ett-nytt-långt-lösenord",
            "confirm": "ett-nytt-långt-lösenord",
        },
    )
    # A browser restart drops the session cookie; the remember cookie must still work.
    client.delete_cookie("samverkan_session")
    assert client.get("/konto").status_code == 200


def test_control_characters_never_reach_the_database(app, client, alice):
    response = login(client, "alice@example.se\x00", DEFAULT_PASSWORD)
    assert response.status_code == 302  # the NUL was dropped, not passed to the database
    bad = app.test_client()
    assert login(bad, "x\x00y@example.se", "fel").status_code == 401
