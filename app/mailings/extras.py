"""Values a mailing's messages take from a later domain, without the mailings importing it.

A mailing that carries a questionnaire (`Mailing.questionnaire_id`) fills two more
placeholders in each message, {länk} (the recipient organisation's new personal link, made
when its message is built) and {sista_dag} (the close date). The questionnaires register the
provider for the key "questionnaire" when their modules are imported (by the factory, in the
web process and the workers alike); the mailings only ask for the key a mailing has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: provider(mailing, recipient, preview) → the placeholders' values for that message;
#: with preview=True nothing may be written (the mailing's page shows the first message).
Provider = Callable[[Any, Any, bool], dict[str, str]]


@dataclass(frozen=True)
class Extras:
    placeholders: tuple[str, ...]
    provider: Provider


_registry: dict[str, Extras] = {}


def register(key: str, *, placeholders: tuple[str, ...], provider: Provider) -> None:
    """Fill `placeholders` with `provider` in the messages of mailings with this key."""
    _registry[key] = Extras(placeholders, provider)


def key_of(*, questionnaire_id: int | None) -> str | None:
    """The key of a mailing's extras: "questionnaire" when it carries one."""
    return "questionnaire" if questionnaire_id is not None else None


def placeholders(*, questionnaire_id: int | None) -> tuple[str, ...]:
    """The extra placeholders a mailing with these fields may use."""
    extras = _registry.get(key_of(questionnaire_id=questionnaire_id) or "")
    return extras.placeholders if extras else ()


def values(mailing: Any, recipient: Any, *, preview: bool = False) -> dict[str, str]:
    """The extra placeholders' values in `recipient`'s message ({} for a plain mailing)."""
    extras = _registry.get(key_of(questionnaire_id=mailing.questionnaire_id) or "")
    return extras.provider(mailing, recipient, preview) if extras else {}
