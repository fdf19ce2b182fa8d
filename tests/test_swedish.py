"""The product's Swedish: counts in sentences through ngettext, one word for one idea, and no
guessed plurals ("minut(er)") or stray punctuation in any message."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from .conftest import login
from .factories import DEFAULT_PASSWORD, make_user

APP = Path(__file__).resolve().parent.parent / "app"
GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext"}
TEMPLATE_STRING = re.compile(r"""(?:_|ngettext)\(\s*(["'])(.*?)(?<!\\)\1""", re.S)


def messages() -> list[tuple[str, str]]:
    """Every message the app translates, with where it is: (place, text)."""
    found = []
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT
            ):
                for argument in node.args[:2]:
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                        found.append((f"{path.relative_to(APP)}:{node.lineno}", argument.value))
    for path in (APP / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_STRING.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((f"{path.relative_to(APP)}:{line}", match.group(2)))
    return found


MESSAGES = messages()


def test_the_scan_sees_the_messages():
    texts = {text for _place, text in MESSAGES}
    assert "Sparade filter" in texts and "Organisationer" in texts
    assert len(MESSAGES) > 500


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"\w\((er|ar|or|n|na|a)\)", "a guessed plural: use ngettext"),
        (r"\.,", "a stray full stop before a comma"),
        (r"[Hh]oppas över", "reads as 'hopes over': say what the import does"),
        (r"[Ss]enast-datum", "the follow-up's due date is called 'Sista dag'"),
        (r"%\(\w+\)[ds] (rader|kontakter|uppföljningar|minuter|dagar)\b", "a count: ngettext"),
    ],
)
def test_no_message_has(pattern, why):
    offending = [
        (place, text)
        for place, text in MESSAGES
        if re.search(pattern, text) and not _is_plural_form(place, text)
    ]
    assert offending == [], why


def _is_plural_form(place: str, text: str) -> bool:
    """The plural half of an ngettext pair is allowed to say "rader" after its count."""
    return "%(num)" in text


def test_the_follow_up_due_date_has_one_name():
    labels = {
        text for place, text in MESSAGES if place.startswith(("followups", "templates/followups"))
    }
    assert "Sista dag" in labels and "Senast" not in labels


def test_the_login_throttle_counts_minutes_in_words(client, app):
    with app.app_context():
        make_user(email="alice@example.se")
        from app.extensions import db

        db.session.commit()
    for _ in range(5):
        login(client, "alice@example.se", "fel-fel-fel-fel")
    text = login(client, "alice@example.se", DEFAULT_PASSWORD).text
    assert "minut(er)" not in text
    minutes = int(re.search(r"Vänta (\d+) minut", text).group(1))
    word = "minut" if minutes == 1 else "minuter"
    assert f"Vänta {minutes} {word} och försök igen." in text


def test_one_imported_contact_is_one_contact(seeded, as_role):
    """An import creating one contact and updating one says so in the singular."""
    from app.contacts.services import ContactValues, create_contact
    from app.extensions import db

    with seeded.app_context():
        create_contact(
            values=ContactValues(first_name="Åsa", last_name="Öberg", emails=["asa@malmo.se"]),
            by=None,
        )
        db.session.commit()
    client = as_role("coordinator")
    book = Workbook()
    for row in [
        ["Förnamn", "Efternamn", "E-postadress", "Mobil"],
        ["Åsa", "Öberg", "asa@malmo.se", "070-123 45 67"],
        ["Bo", "Ek", "bo@malmo.se", "070-123 45 68"],
    ]:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    upload = client.post(
        "/kontakter/import", data={"file": (io.BytesIO(data.getvalue()), "kontakter.xlsx")}
    )
    preview_url = upload.headers["Location"].replace("/kolumner", "")
    mapping = {"first_name": "0", "last_name": "1", "email": "2", "phone": "3"}
    assert client.post(upload.headers["Location"], data=mapping).status_code == 302
    mapping_page = client.get(upload.headers["Location"]).text
    assert "kontakter.xlsx: 2 rader." in mapping_page
    preview = client.get(preview_url).text
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([^"]*)"', preview).group(1)
    batch_id = int(preview_url.rsplit("/", 1)[1])
    done = client.post(f"/kontakter/import/{batch_id}/bekrafta", data={"fingerprint": fingerprint})
    result = client.get(done.headers["Location"]).text
    assert "Importen är klar: 1 ny kontakt och 1 uppdaterad kontakt." in result
