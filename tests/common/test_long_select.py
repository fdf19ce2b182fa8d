"""LongSelect renders exactly what WTForms' own select does, escaping included."""

from __future__ import annotations

import pytest
from flask_babel import lazy_gettext
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import Select

from app.common.forms import LongSelect
from app.organisations.forms import optional_int

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


class Ids(Form):
    fast = SelectField(coerce=optional_int, validate_choice=False, widget=LongSelect())
    plain = SelectField(coerce=optional_int, validate_choice=False, widget=Select())


@pytest.mark.parametrize("chosen", [None, 5, 7, 999])
def test_an_id_select_renders_like_wtforms_whichever_id_is_chosen(chosen):
    """The one-pass rendering of an id select (the organisation pickers) selects the option
    WTForms would: the chosen id's, the blank one for none, no option for an unknown id."""
    form = Ids(data={"fast": chosen, "plain": chosen})
    form.fast.choices = form.plain.choices = CHOICES
    fast, plain = str(form.fast()), str(form.plain())
    assert fast.replace('"fast"', '"x"') == plain.replace('"plain"', '"x"')
    assert fast.count(" selected") == (0 if chosen == 999 else 1)


def test_an_id_select_from_the_query_string_keeps_the_chosen_option():
    form = Ids(formdata=MultiDict({"fast": "7", "plain": "7"}))
    form.fast.choices = form.plain.choices = CHOICES
    assert '<option selected value="7">Malmö</option>' in str(form.fast())
    assert str(form.fast()).replace('"fast"', '"x"') == str(form.plain()).replace('"plain"', '"x"')


def test_a_required_id_select_says_so():
    class Required(Form):
        fast = SelectField(
            coerce=optional_int, validators=[InputRequired()], widget=LongSelect(), choices=CHOICES
        )

    assert str(Required().fast()).startswith('<select id="fast" name="fast" required>')


def test_options_with_attributes_or_groups_go_through_wtforms():
    grouped = [
        SelectChoice("", "Ingen"),
        SelectChoice("5", "Malmö", optgroup="Skåne"),
        SelectChoice("7", "Lund", render_kw={"data-x": "1"}),
    ]
    form = Ids(data={"fast": 7, "plain": 7})
    form.fast.choices = form.plain.choices = grouped
    fast = str(form.fast())
    assert fast.replace('"fast"', '"x"') == str(form.plain()).replace('"plain"', '"x"')
    assert '<optgroup label="Skåne">' in fast and 'data-x="1"' in fast


@pytest.mark.parametrize(
    "label",
    [
        'A & <b>"x"\'',  # escaped in the one call on all texts
        "Nul\0i namnet",  # a NUL joins the texts: written one by one instead
        Markup("<em>redan säker</em>"),  # marked safe: left as it is, as WTForms does
        "",  # no label: the value is shown
    ],
)
def test_every_kind_of_label_renders_like_wtforms(app, label):
    choices = [SelectChoice("", "Ingen"), SelectChoice("5", label), SelectChoice("7", "Malmö")]
    for chosen in (None, 5, 7):
        form = Ids(data={"fast": chosen, "plain": chosen})
        form.fast.choices = form.plain.choices = choices
        assert str(form.fast()).replace('"fast"', '"x"') == str(form.plain()).replace(
            '"plain"', '"x"'
        )


def test_a_lazily_translated_label_renders_like_wtforms(app):
    with app.test_request_context():
        choices = [SelectChoice("", lazy_gettext("Alla organisationer")), *CHOICES[1:]]
        form = Ids(data={"fast": None, "plain": None})
        form.fast.choices = form.plain.choices = choices
        fast = str(form.fast())
        assert fast.replace('"fast"', '"x"') == str(form.plain()).replace('"plain"', '"x"')
        assert '<option selected value="">Alla organisationer</option>' in fast


def test_a_thousand_organisations_render_like_wtforms():
    choices = [SelectChoice("", "Alla")] + [
        SelectChoice(str(n), f"Enhet {n} & <co>, Kommun {n % 290}") for n in range(1, 1001)
    ]
    form = Ids(data={"fast": 517, "plain": 517})
    form.fast.choices = form.plain.choices = choices
    fast = str(form.fast())
    assert fast.replace('"fast"', '"x"') == str(form.plain()).replace('"plain"', '"x"')
    assert fast.count("<option") == 1001 and fast.count(" selected") == 1


def test_value_label_pairs_render_like_wtforms():
    """The organisation pickers' choices are (value, label) pairs (organisation_choices)."""
    pairs = [("", "Ingen"), ("5", 'A & <b>"x"'), ("7", "Malmö")]
    for chosen in (None, 5, 7, 999):
        form = Ids(data={"fast": chosen, "plain": chosen})
        form.fast.choices = form.plain.choices = pairs
        assert str(form.fast()).replace('"fast"', '"x"') == str(form.plain()).replace(
            '"plain"', '"x"'
        )
