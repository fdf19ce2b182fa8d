"""Login throttling, kept in the database so it holds across every gunicorn worker.

Policy (documented in README.md). Within `LOGIN_THROTTLE_WINDOW`, once there have been
- `LOGIN_THROTTLE_PAIR_LIMIT` failures for one e-mail address from one client address, or
- `LOGIN_THROTTLE_ACCOUNT_LIMIT` failures for one e-mail address from any addresses, or
- `LOGIN_THROTTLE_ADDRESS_LIMIT` failures from one client address for any e-mail addresses,
each further attempt of that kind must wait after the latest such failure: 30 s, then 1, 2,
4 … minutes, never more than `LOGIN_THROTTLE_MAX_DELAY`.

The strict limit is on the pair, so one attacker guessing a colleague's password slows
themselves down without keeping the colleague (at another address) out; only a distributed
attack reaches the per-account limit, and even then nobody waits longer than the maximum
delay. Refused attempts are neither checked nor counted. A successful login clears the
failures for that e-mail address. The e-mail address is counted as typed (normalised),
whether or not an account exists, so the throttle reveals nothing about who has an account.

Check and record happen under a lock per e-mail address and per client address (an
advisory lock on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), so
parallel guesses cannot all slip through before the first failure is counted.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, text

from app.extensions import db

from .models import LoginFailure

FIRST_DELAY = timedelta(seconds=30)
#: Length of the stored keys; a longer e-mail is cut (it cannot be an account's anyway).
KEY_LENGTH = 254
#: First half of the PostgreSQL advisory lock key, so these locks never meet others.
LOCK_NAMESPACE = 0x5A4D


@dataclass(frozen=True)
class ThrottlePolicy:
    """The numbers of the policy, taken from configuration by the caller."""

    window: timedelta
    pair_limit: int
    account_limit: int
    address_limit: int
    max_delay: timedelta

    @classmethod
    def from_config(cls, config: dict) -> ThrottlePolicy:
        return cls(
            window=config["LOGIN_THROTTLE_WINDOW"],
            pair_limit=config["LOGIN_THROTTLE_PAIR_LIMIT"],
            account_limit=config["LOGIN_THROTTLE_ACCOUNT_LIMIT"],
            address_limit=config["LOGIN_THROTTLE_ADDRESS_LIMIT"],
            max_delay=config["LOGIN_THROTTLE_MAX_DELAY"],
        )

    def delay_after(self, failures: int, limit: int) -> timedelta:
        """How long to wait after the latest failure, given `failures` within the window."""
        if failures < limit:
            return timedelta(0)
        return min(FIRST_DELAY * 2 ** min(failures - limit, 32), self.max_delay)


def keys(email: str, address: str) -> tuple[str, str]:
    """The stored forms of an e-mail address and a client address."""
    return email[:KEY_LENGTH], address[:64]


def lock_attempts(email: str, address: str) -> None:
    """Serialise attempts for this e-mail address and this client address until commit.

    Always e-mail first, then address, so two attempts can never wait for each other.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in (f"email:{email}", f"address:{address}"):
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
            {"namespace": LOCK_NAMESPACE, "key": zlib.crc32(key.encode()) - 2**31},
        )


def retry_after(policy: ThrottlePolicy, *, email: str, address: str, now: datetime) -> timedelta:
    """Time left before this e-mail/address pair may try again; zero when it may now."""
    email, address = keys(email, address)
    rows = db.session.execute(
        select(LoginFailure.email, LoginFailure.address, LoginFailure.failed_at).where(
            or_(LoginFailure.email == email, LoginFailure.address == address),
            LoginFailure.failed_at > now - policy.window,
        )
    ).all()
    groups = (
        (
            [r.failed_at for r in rows if r.email == email and r.address == address],
            policy.pair_limit,
        ),
        ([r.failed_at for r in rows if r.email == email], policy.account_limit),
        ([r.failed_at for r in rows if r.address == address], policy.address_limit),
    )
    waits = [
        max(times) + policy.delay_after(len(times), limit) - now for times, limit in groups if times
    ]
    return max([timedelta(0), *waits])


def record_failure(policy: ThrottlePolicy, *, email: str, address: str, now: datetime) -> None:
    """Remember one failed attempt and forget those that have left the window."""
    email, address = keys(email, address)
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - policy.window))
    db.session.add(LoginFailure(email=email, address=address, failed_at=now))
    db.session.flush()


def clear_failures(email: str) -> None:
    """Forget the failures for an e-mail address after its owner has logged in."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email[:KEY_LENGTH]))
