"""What the send page says about the address the personal links will start with.

A link is PUBLIC_URL + the public prefix + the token (links.link_base); without PUBLIC_URL
it takes the address of the request that writes it, and with no request (a worker, the
`flask questionnaires remind` command) http://localhost:5000. Who writes the messages:
- no SMTP server: nobody sends; the .eml files are written when downloaded, in a request;
- TASKS_IMMEDIATE: the send request runs the mailing's first batch itself (tasks/jobs.py
  `queue_mailing` calls the task, which Huey then runs in this process); every batch when
  MAILING_BATCH_PAUSE is 0, else only the first MAILING_BATCH_SIZE messages (later batches
  are scheduled, for a worker);
- otherwise a worker sends every message.
Reminders are always written without a request (the periodic task or the command).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.mailings.sending import batch_pause, batch_size
from app.mailings.services import smtp_settings

from .links import link_base


@dataclass(frozen=True)
class LinkNotice:
    """Without PUBLIC_URL and with SMTP: how many of `total` messages this request writes
    (with `request_base`), and the start (`worker_base`) of the links everything else gets."""

    in_request: int
    total: int
    request_base: str
    worker_base: str

    @property
    def kind(self) -> str:
        """Which notice the send page shows: "all_here" (this request writes every message),
        "some_here" (the first batch here, the rest by the workers) or "workers"."""
        if self.total and self.in_request == self.total:
            return "all_here"
        return "some_here" if self.in_request else "workers"


def link_notice(recipients: int) -> LinkNotice | None:
    """None when every link gets the right address (PUBLIC_URL set, or .eml files)."""
    config = current_app.config
    if config.get("PUBLIC_URL") or smtp_settings() is None:
        return None
    in_request = 0
    if config.get("TASKS_IMMEDIATE"):
        in_request = recipients if batch_pause() <= 0 else min(recipients, batch_size())
    return LinkNotice(
        in_request=in_request,
        total=recipients,
        request_base=link_base(),
        worker_base=link_base(from_request=False),
    )
