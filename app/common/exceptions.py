"""Exceptions shared by every domain's services."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule was broken; `str(error)` is a message for the user."""


class EditConflict(DomainError):
    """Someone else saved the record after the user opened it for editing.

    `current` is the record as it is now, so the form can show what changed.
    """

    def __init__(self, current: Any) -> None:
        super().__init__("edit conflict")
        self.current = current
