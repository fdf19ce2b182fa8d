"""How every personal link starts (links.link_base): PUBLIC_URL when set; else the request's
own address, unless the caller asks what a worker (no request) writes; else the default;
then the public prefix."""

from __future__ import annotations

from app.questionnaires.links import link_base, public_url


def test_public_url_wins_then_the_request_then_the_default(app):
    app.config.update(PUBLIC_URL="https://enkat.example.se/", PUBLIC_PREFIX="/svar")
    with app.test_request_context("/", base_url="https://crm.example.se"):
        assert link_base() == "https://enkat.example.se/svar"
        assert link_base(from_request=False) == "https://enkat.example.se/svar"
        assert public_url("abc") == "https://enkat.example.se/svar/abc"
    app.config.update(PUBLIC_URL=None)
    with app.test_request_context("/", base_url="https://crm.example.se"):
        assert link_base() == "https://crm.example.se/svar"
        assert link_base(from_request=False) == "http://localhost:5000/svar"
    with app.app_context():
        assert link_base() == "http://localhost:5000/svar"
        assert public_url("abc") == "http://localhost:5000/svar/abc"
