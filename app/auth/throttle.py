"""Login throttling, kept in the database so it holds across every gunicorn worker.

Policy (documented in README.md):
- After `LOGIN_THROTTLE_ACCOUNT_LIMIT` failures for one e-mail address (from any client)
  within `LOGIN_THROTTLE_WINDOW`, or `LOGIN_THROTTLE_ADDRESS_LIMIT` failures from one client
  address (for any e-mail), each further attempt must wait after the latest failure: 30 s,
  then 1, 2, 4 … minutes, never more than `LOGIN_THROTTLE_MAX_DELAY`.
- Attempts refused by the throttle are not checked and not counted, and failures drop out of
  the window, so nobody can keep a colleague out for longer than the maximum delay after
  their own last guess.
- A successful login clears the failures for that e-mail address.
The e-mail is counted as typed (normalised), whether or not an account exists, so the
throttle answers the same for every address and reveals nothing about who has an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from app.extensions import db

from .models import LoginFailure

FIRST_DELAY = timedelta(seconds=30)


@dataclass(frozen=True)
class ThrottlePolicy:
    """The numbers of the policy, taken from configuration by the caller."""

    window: timedelta
    account_limit: int
    address_limit: int
    max_delay: timedelta

    @classmethod
    def from_config(cls, config: dict) -> ThrottlePolicy:
        return cls(
            window=config["LOGIN_THROTTLE_WINDOW"],
            account_limit=config["LOGIN_THROTTLE_ACCOUNT_LIMIT"],
            address_limit=config["LOGIN_THROTTLE_ADDRESS_LIMIT"],
            max_delay=config["LOGIN_THROTTLE_MAX_DELAY"],
        )

    def delay_after(self, failures: int, limit: int) -> timedelta:
        """How long to wait after the latest failure, given `failures` within the window."""
        if failures < limit:
            return timedelta(0)
        return min(FIRST_DELAY * 2 ** (failures - limit), self.max_delay)


def retry_after(policy: ThrottlePolicy, *, email: str, address: str, now: datetime) -> timedelta:
    """Time left before this e-mail/address pair may try again; zero when it may now."""
    since = now - policy.window
    waits = []
    for column, value, limit in (
        (LoginFailure.email, email, policy.account_limit),
        (LoginFailure.address, address, policy.address_limit),
    ):
        count, latest = db.session.execute(
            select(func.count(), func.max(LoginFailure.failed_at)).where(
                column == value, LoginFailure.failed_at > since
            )
        ).one()
        if count and latest is not None:
            waits.append(latest + policy.delay_after(count, limit) - now)
    return max([timedelta(0), *waits])


def record_failure(policy: ThrottlePolicy, *, email: str, address: str, now: datetime) -> None:
    """Remember one failed attempt and forget those that have left the window."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - policy.window))
    db.session.add(LoginFailure(email=email, address=address, failed_at=now))
    db.session.flush()


def clear_failures(email: str) -> None:
    """Forget the failures for an e-mail address after its owner has logged in."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
