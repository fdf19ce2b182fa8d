"""The templates' `_()` and `ngettext()` (app/common/i18n.py `template_translations`): bound
to one render's translations, and behaving as Jinja's own "newstyle" callables."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale


def render(source: str, **context) -> str:
    return render_template_string(source, **context)


def test_a_render_translates_with_the_language_in_force_when_it_starts(app):
    with app.test_request_context():
        assert render('{{ _("Mina uppföljningar") }}') == "Mina uppföljningar"
        with force_locale("en"):  # as an e-mail in its recipient's language
            assert render('{{ _("Mina uppföljningar") }}') == "My follow-ups"
        assert render('{{ _("Mina uppföljningar") }}') == "Mina uppföljningar"


def test_keywords_fill_the_text_and_num_is_the_count(app):
    with app.test_request_context(), force_locale("en"):
        assert render('{{ ngettext("%(num)d träff", "%(num)d träffar", n) }}', n=1) == "1 match"
        assert render('{{ ngettext("%(num)d träff", "%(num)d träffar", 3) }}') == "3 matches"
        # A keyword called num (or string) is a variable of the text, not an argument.
        text = '{{ ngettext("%(num)d träff", "%(num)d träffar", 2, num=5) }}'
        assert render(text) == "5 matches"
        assert render('{{ _("%(string)s!", string="x") }}') == "x!"


def test_the_text_is_safe_and_its_variables_are_escaped_under_autoescape(app):
    with app.test_request_context():
        source = (
            '{% autoescape true %}{{ _("Kommentar till %(title)s", title=t) }}{% endautoescape %}'
        )
        assert render(source, t="<b>") == "Kommentar till &lt;b&gt;"
        source = (
            '{% autoescape false %}{{ _("Kommentar till %(title)s", title=t) }}{% endautoescape %}'
        )
        assert render(source, t="<b>") == "Kommentar till <b>"
