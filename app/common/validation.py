"""Validation and normalisation of values several domains accept: web and e-mail addresses,
phone numbers (Swedish by default)."""

from __future__ import annotations

from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "SE"


class InvalidValue(ValueError):
    """The value cannot be used; `str(error)` is a message for the user."""


def normalise_url(value: str, *, message: str) -> str:
    """An http(s) address, with `https://` added when no scheme was typed.

    Anything else (javascript:, data:, ftp:, a bare word) is refused with `message`.
    """
    text = value.strip()
    if not text:
        return ""
    if "://" not in text and not text.lower().startswith(("javascript:", "data:", "mailto:")):
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() not in {"http", "https"} or "." not in (parts.hostname or ""):
        raise InvalidValue(message)
    if any(char.isspace() for char in text):
        raise InvalidValue(message)
    return text


def normalise_email(value: str, *, message: str) -> str:
    """A syntactically valid e-mail address, lower-cased (addresses are compared that way)."""
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise InvalidValue(message) from None
    return result.normalized.lower()


def normalise_phone(value: str, *, message: str) -> str:
    """A phone number in E.164 form (+46701234567); without a country code it is Swedish."""
    try:
        number = phonenumbers.parse(value.strip(), DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidValue(message) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidValue(message)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """How a stored number is shown: Swedish numbers nationally (070-123 45 67), others
    internationally (+47 22 12 34 56)."""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
