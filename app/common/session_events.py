"""Registering session event hooks once: the maintained figures (app/aggregates, the library's
coverage facts, the theme tally) each keep their tables from a few Session events, and the
app factory runs once per test, so registration must be idempotent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


def listen_once(hooks: Iterable[tuple[str, Callable[..., Any]]]) -> None:
    """Listen to each (event name, hook) on every Session, unless it already is."""
    for name, hook in hooks:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)
