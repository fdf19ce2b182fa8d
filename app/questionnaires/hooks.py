"""What other domains do when a response is submitted, without questionnaires importing
them (imports flow one way: app/themes reads questionnaires, not the reverse).

A domain registers a function with `@on_submit`; `submitted(response)` calls each in the
submitting transaction (they add and flush, like services)."""

from __future__ import annotations

from collections.abc import Callable

from .models import QuestionnaireResponse

_ON_SUBMIT: list[Callable[[QuestionnaireResponse], None]] = []


def on_submit(
    function: Callable[[QuestionnaireResponse], None],
) -> Callable[[QuestionnaireResponse], None]:
    if function not in _ON_SUBMIT:
        _ON_SUBMIT.append(function)
    return function


def submitted(response: QuestionnaireResponse) -> None:
    for function in _ON_SUBMIT:
        function(response)
