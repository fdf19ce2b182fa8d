"""The tasks the workers run, and the periodic ones.

- `send_mailing_batch`: one batch of a mailing; it enqueues the next after MAILING_BATCH_PAUSE.
- `resume_mailings` (every minute, and at once when a worker starts): mailings being sent
  that no live worker holds (one was killed) are taken over when their lease runs out.
"""

from __future__ import annotations

from huey import crontab

from .queue import huey, task_app


def queue_mailing(mailing_id: int, *, delay: float = 0) -> None:
    """Have a worker send this mailing (under a new lease token). Commits first: the worker
    must see the mailing as it is now (and a task run at once needs the database free)."""
    from app.extensions import db
    from app.mailings.sending import new_token

    db.session.commit()
    if delay > 0:
        send_mailing_batch.schedule(args=(mailing_id, new_token()), delay=delay)
    else:
        send_mailing_batch(mailing_id, new_token())


# Not retried: a batch holds no database transaction over the network (app/mailings/sending.py),
# so it does not meet a locked database; a batch that fails is resumed by resume_mailings once
# its lease runs out.
@huey.task()
def send_mailing_batch(mailing_id: int, token: str) -> None:
    from app.mailings import sending

    app = task_app()
    with app.app_context():
        result = sending.send_batch(mailing_id, token)
        pause = sending.batch_pause()
    if result.claimed and result.more:
        if pause > 0:
            send_mailing_batch.schedule(args=(mailing_id, token), delay=pause)
        else:
            send_mailing_batch(mailing_id, token)


@huey.periodic_task(crontab(minute="*"))
def resume_mailings() -> None:
    from app.mailings import sending

    with task_app().app_context():
        for mailing_id, seconds in sending.abandoned():
            # A live worker renews its lease, so this batch finds the mailing taken and stops.
            queue_mailing(mailing_id, delay=seconds + 0.5 if seconds else 0)
