"""A stage's label is looked up once per request (app.common.i18n.translated) and still in
the language of the request that asks: one request in English, the next in Swedish."""

from __future__ import annotations

from flask_babel import force_locale

from app.organisations.stages import Stage


def test_a_label_is_in_each_requests_language(app):
    with app.test_request_context(), force_locale("en"):
        assert Stage.NOT_CONTACTED.label == "Not contacted"
        assert Stage.NOT_CONTACTED.label == "Not contacted"  # from the request's memo
    with app.test_request_context():
        assert Stage.NOT_CONTACTED.label == "Ej kontaktad"
        with force_locale("en"):  # as an e-mail in its recipient's language
            assert Stage.NOT_CONTACTED.label == "Not contacted"
        assert Stage.NOT_CONTACTED.label == "Ej kontaktad"
    with app.app_context():  # outside a request: looked up each time
        assert Stage.NOT_CONTACTED.label == "Ej kontaktad"
