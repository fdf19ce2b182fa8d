"""`flask tasks worker`: run the queue's consumer (the tasks and the periodic ones) with
this app; `make run` starts one beside the web server. Start one on every machine that
should do background work, all with the same TASKS_URL."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from . import jobs  # noqa: F401  (registers the tasks)
from .queue import bind_worker_app, huey


@click.group(cls=AppGroup)
def tasks() -> None:
    """Background work (Huey)."""


@tasks.command()
@click.option("--workers", "-w", default=2, show_default=True, help="Worker threads.")
@with_appcontext
def worker(workers: int) -> None:
    """Run tasks until stopped (Ctrl-C or SIGTERM finishes the task at hand first)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    bind_worker_app(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s tasks %(levelname)s %(message)s")
    click.echo(f"tasks: {workers} worker thread(s) on {type(huey.storage).__name__}")
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
