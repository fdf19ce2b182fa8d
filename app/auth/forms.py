"""Forms for logging in, passwords, the account page and user administration."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import EqualTo

from app.common.forms import Form, max_length, problem_validator, required

from .models import ROLE_LABELS, Role
from .passwords import password_problem
from .services import email_problem

#: Each language named in itself, as language pickers do.
LANGUAGE_CHOICES = [
    SelectChoice("sv", "Svenska", render_kw={"lang": "sv"}),
    SelectChoice("en", "English", render_kw={"lang": "en"}),
]


def _password_check(password: str) -> str | None:
    """The policy (auth/passwords.py), with the signed-in user's name and e-mail."""
    return password_problem(
        password,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        name=getattr(current_user, "name", None),
        email=getattr(current_user, "email", None),
    )


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, str(ROLE_LABELS[role])) for role in Role]


class LoginForm(Form):
    email = EmailField(_l("E-postadress"), validators=[required(), max_length(254)])
    password = PasswordField(_l("Lösenord"), validators=[required(), max_length(1024)])
    remember = BooleanField(_l("Kom ihåg mig på den här datorn"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Nuvarande lösenord"), validators=[required()])
    new_password = PasswordField(
        _l("Nytt lösenord"), validators=[required(), problem_validator(_password_check)]
    )
    confirm = PasswordField(
        _l("Upprepa det nya lösenordet"),
        validators=[
            required(),
            EqualTo("new_password", message=_l("Lösenorden är inte likadana.")),
        ],
    )


class LanguageForm(Form):
    locale = SelectField(_l("Språk"), choices=LANGUAGE_CHOICES)


class UserForm(Form):
    """Create or edit a user. New users get a generated password shown once."""

    email = EmailField(
        _l("E-postadress"),
        validators=[required(), max_length(254), problem_validator(email_problem)],
    )
    name = StringField(_l("Namn"), validators=[required(), max_length(200)])
    role = SelectField(_l("Roll"), choices=_role_choices, coerce=Role, default=Role.COORDINATOR)
    active = BooleanField(_l("Aktiv"), default=True)
    version = HiddenField()
