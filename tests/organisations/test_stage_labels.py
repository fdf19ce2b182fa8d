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


def test_a_badge_is_the_same_from_the_macro_and_from_the_list_of_badges(app):
    """The `stage_badge` macro and a list's `stage_badges()` give one HTML, in the request's
    language; no stage gives nothing."""
    from app.organisations.stages import stage_badges

    template = app.jinja_env.from_string(
        '{% from "_macros/lists.html" import stage_badge %}'
        "{% set badges = stage_badges() %}"
        "{% for stage in stages %}{{ stage_badge(stage) }}|{{ badges[stage] }};{% endfor %}"
    )
    with app.test_request_context():
        swedish = template.render(stages=[*Stage, None])
        with force_locale("en"):
            english = template.render(stages=[Stage.DECLINED])
        badges = stage_badges()
    pairs = [pair.split("|") for pair in swedish.split(";")[:-1]]
    assert all(macro == listed for macro, listed in pairs)
    assert pairs[0][0] == (
        '<span class="stage stage--ej_kontaktad"><span class="stage__swatch" aria-hidden="true">'
        "</span>Ej kontaktad</span>"
    )
    assert pairs[-1] == ["", ""]  # no stage
    assert ">Declined</span>" in english
    assert set(badges) == {*Stage, None}
