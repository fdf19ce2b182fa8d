"""The builder's forms: a questionnaire's texts, a section, a question. Each form turns
itself into the services' values (`values()`) and fills itself from a record (`of()`), so
the views map nothing.

A choice question's options are typed one per line in a text box (no script needed); the
services keep each option's key by the rule in app/questionnaires/options.py. The condition
is one select of "question – option" pairs, its values `<question id>:<option key>`.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from app.common.arguments import coerce_id
from app.common.forms import Form, max_length, required, strip
from app.themes.models import SIDE_LABELS, ThemeSide

from .building import QuestionValues, SectionValues, ordered_questions
from .models import QUESTION_KIND_LABELS, Question, QuestionKind, Questionnaire
from .services import InvalidQuestionnaire, QuestionnaireValues


def _text(label: Any, limit: int, **kwargs: Any) -> StringField:
    return StringField(label, filters=[strip], validators=[max_length(limit)], **kwargs)


def _long(label: Any, limit: int = 10000, **kwargs: Any) -> TextAreaField:
    return TextAreaField(label, filters=[strip], validators=[max_length(limit)], **kwargs)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines()]


class BuilderForm(Form):
    def show_error(self, error: InvalidQuestionnaire) -> None:
        """Put a service's refusal at its field, or above the form."""
        field = getattr(self, error.field or "", None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(error)]
        else:
            self.form_errors.append(str(error))


class QuestionnaireForm(BuilderForm):
    title = StringField(_l("Rubrik"), filters=[strip], validators=[required(), max_length(200)])
    intro = _long(
        _l("Inledning"),
        description=_l("Vem som frågar och varför, och hur svaren hanteras."),
    )
    closing = _long(_l("Avslutning"), description=_l("Visas när svaren har skickats in."))
    closes_on = DateField(_l("Sista svarsdag"), format="%Y-%m-%d", validators=[Optional()])
    title_en = _text(_l("Rubrik på engelska"), 200)
    intro_en = _long(_l("Inledning på engelska"))
    closing_en = _long(_l("Avslutning på engelska"))
    version = HiddenField()

    def values(self) -> QuestionnaireValues:
        return QuestionnaireValues(
            title=self.title.data or "",
            closes_on=self.closes_on.data,
            intro=self.intro.data or "",
            closing=self.closing.data or "",
            title_en=self.title_en.data or "",
            intro_en=self.intro_en.data or "",
            closing_en=self.closing_en.data or "",
        )

    @staticmethod
    def of(questionnaire: Questionnaire) -> dict[str, Any]:
        names = ("title", "intro", "closing", "closes_on", "title_en", "intro_en", "closing_en")
        data = {name: getattr(questionnaire, name) for name in names}
        data["version"] = questionnaire.version
        return data


#: Fields compared when a save meets someone else's newer save.
CONFLICT_FIELDS = ("title", "intro", "closing", "closes_on")


class SectionForm(BuilderForm):
    title = _text(_l("Rubrik"), 200)
    intro = _long(_l("Inledning till avsnittet"), 5000)
    title_en = _text(_l("Rubrik på engelska"), 200)
    intro_en = _long(_l("Inledning på engelska"), 5000)

    def values(self) -> SectionValues:
        return SectionValues(
            title=self.title.data or "",
            intro=self.intro.data or "",
            title_en=self.title_en.data or "",
            intro_en=self.intro_en.data or "",
        )


def kind_choices() -> list[SelectChoice]:
    return [SelectChoice(k.value, str(QUESTION_KIND_LABELS[k])) for k in QuestionKind]


def side_choices() -> list[SelectChoice]:
    return [SelectChoice("", "–")] + [SelectChoice(s.value, str(SIDE_LABELS[s])) for s in ThemeSide]


def _kind(value: Any) -> QuestionKind:
    return value if isinstance(value, QuestionKind) else QuestionKind(value)


def _side(value: Any) -> ThemeSide | None:
    if value is None or isinstance(value, ThemeSide):
        return value
    return ThemeSide(value) if value else None


def _condition(value: Any) -> str:
    """`<question id>:<option key>` or nothing; ValueError (an invalid choice) otherwise."""
    if not value:
        return ""
    question_id, _sep, key = str(value).partition(":")
    coerce_id(question_id)
    if not key or len(key) > 60:
        raise ValueError(value)
    return str(value)


class QuestionForm(BuilderForm):
    section = SelectField(_l("Avsnitt"), coerce=coerce_id, validate_choice=False)
    kind = SelectField(_l("Typ av fråga"), coerce=_kind, choices=kind_choices)
    text = StringField(_l("Fråga"), filters=[strip], validators=[required(), max_length(500)])
    help = _text(_l("Hjälptext"), 1000)
    required = BooleanField(_l("Obligatorisk att besvara"))
    options = _long(
        _l("Svarsalternativ"),
        3000,
        description=_l(
            "Ett per rad (för ett val och flera val). Ett alternativ behåller sin nyckel när "
            "det flyttas eller när texten rättas på samma rad."
        ),
    )
    scale_low = _text(_l("Skalans steg 1 betyder"), 100)
    scale_high = _text(_l("Skalans steg 5 betyder"), 100)
    theme_side = SelectField(
        _l("Teman gäller"), coerce=_side, choices=side_choices, validators=[Optional()]
    )
    show_if = SelectField(
        _l("Visa bara om"), coerce=_condition, validate_choice=False, validators=[Optional()]
    )
    text_en = _text(_l("Fråga på engelska"), 500)
    help_en = _text(_l("Hjälptext på engelska"), 1000)
    options_en = _long(
        _l("Svarsalternativ på engelska"), 3000, description=_l("Ett per rad, i samma ordning.")
    )
    scale_low_en = _text(_l("Steg 1 på engelska"), 100)
    scale_high_en = _text(_l("Steg 5 på engelska"), 100)

    def fill_choices(self, questionnaire: Questionnaire, question: Question | None) -> None:
        """Sections of the questionnaire; conditions on the choice questions before this
        one (before the end of the chosen section for a new question)."""
        self.section.choices = [
            SelectChoice(s.id, f"{s.position}. {s.title or '–'}") for s in questionnaire.sections
        ]
        order = ordered_questions(questionnaire.sections)
        if question is not None:
            earlier = order[: order.index(question)] if question in order else []
        else:
            chosen = self.section.data
            positions = {s.id: s.position for s in questionnaire.sections}
            limit = positions.get(chosen, len(positions))
            earlier = [q for q in order if positions[q.section_id] <= limit]
        numbers = {q.id: number for number, q in enumerate(order, 1)}
        choices = [SelectChoice("", _l("Alltid (inget villkor)"))]
        for target in earlier:
            if target.kind.has_options:
                for option in target.options or []:
                    choices.append(
                        SelectChoice(
                            f"{target.id}:{option['key']}",
                            f"{numbers[target.id]}. {target.text} – {option['sv']}",
                        )
                    )
        self.show_if.choices = choices

    def values(self) -> QuestionValues:
        condition = self.show_if.data or ""
        target, _sep, key = condition.partition(":")
        return QuestionValues(
            kind=_kind(self.kind.data),  # the base form's filters give plain text
            text=self.text.data or "",
            help=self.help.data or "",
            required=bool(self.required.data),
            options=[line for line in _lines(self.options.data) if line],
            options_en=_lines(self.options_en.data),
            scale_low=self.scale_low.data or "",
            scale_high=self.scale_high.data or "",
            scale_low_en=self.scale_low_en.data or "",
            scale_high_en=self.scale_high_en.data or "",
            theme_side=_side(self.theme_side.data),
            show_if_id=int(target) if target else None,
            show_if_value=key,
            text_en=self.text_en.data or "",
            help_en=self.help_en.data or "",
            section_id=self.section.data,
        )

    @staticmethod
    def of(question: Question) -> dict[str, Any]:
        options = question.options or []
        target = question.show_if_id
        return {
            "section": question.section_id,
            "kind": question.kind,
            "text": question.text,
            "help": question.help,
            "required": question.required,
            "options": "\n".join(str(o.get("sv", "")) for o in options),
            "options_en": "\n".join(str(o.get("en", "")) for o in options).rstrip("\n"),
            "scale_low": question.scale_low,
            "scale_high": question.scale_high,
            "scale_low_en": question.scale_low_en,
            "scale_high_en": question.scale_high_en,
            "theme_side": question.theme_side,
            "show_if": f"{target}:{question.show_if_value}" if target else "",
            "text_en": question.text_en,
            "help_en": question.help_en,
        }
