"""LongSelect renders exactly what WTForms' own select does, escaping included."""

from __future__ import annotations

from wtforms import Form, SelectChoice, SelectField, SelectMultipleField
from wtforms.widgets import Select

from app.common.forms import LongSelect

CHOICES = [SelectChoice("", "Ingen"), SelectChoice("5", 'A & <b>"x"'), SelectChoice("7", "Malmö")]


class Both(Form):
    fast = SelectField(choices=CHOICES, widget=LongSelect())
    plain = SelectField(choices=CHOICES, widget=Select())
    fast_many = SelectMultipleField(choices=CHOICES, widget=LongSelect(multiple=True))
    plain_many = SelectMultipleField(choices=CHOICES, widget=Select(multiple=True))


def test_long_select_renders_like_wtforms():
    form = Both(data={"fast": "5", "plain": "5", "fast_many": ["5", "7"], "plain_many": ["5", "7"]})
    assert str(form.fast()).replace('"fast"', '"x"') == str(form.plain()).replace('"plain"', '"x"')
    assert str(form.fast_many()).replace('"fast_many"', '"x"') == str(form.plain_many()).replace(
        '"plain_many"', '"x"'
    )
    assert "&lt;b&gt;" in str(form.fast()) and "<b>" not in str(form.fast())
