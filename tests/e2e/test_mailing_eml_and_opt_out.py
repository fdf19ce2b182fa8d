"""Mailings without an SMTP server, in Chromium: a coordinator picks the contacts of a
network with the contact list's filters, writes a Swedish message, attaches the guidance,
previews, has the .eml files made, downloads them (each a valid e-mail to one person, with
the name filled in and no image or HTML), confirms they were sent, and sees the recipients
sent and the guidance on the material's and the organisation's pages. Then a contact's
opt-out, turned on from the contact's page: a new mailing to the contact's organisation and
tag leaves the contact out, says so in the preview, and writes no file for the contact; an
opt-out recorded while a mailing waits as a draft leaves the contact out of its files too.
Axe finds nothing on the preview."""

from __future__ import annotations

import email
import re
import zipfile
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage

import pytest
from playwright.sync_api import expect

from ..served import served_app
from .conftest import log_in
from .mailing_eml_world import HEADS, NETWORK, PEOPLE
from .mailing_world import GUIDE
from .test_accessibility import axe_violations

ADDRESSES = {f"{first} {last}": address for first, last, address, *_rest in PEOPLE}
NETWORK_PEOPLE = {
    name for name, (*_n, tag) in zip(ADDRESSES, PEOPLE, strict=True) if tag == NETWORK
}
SUBJECT = "Vägledning om återvandringsstöd för {organisation}"
BODY = "Hej {namn},\n\nHär är vår vägledning om återvandringsstöd för {organisation}. Hör av er!"


@pytest.fixture(scope="module")
def eml_server() -> Iterator[str]:
    """The app with no SMTP server set (served_app passes no MAIL_* of ours)."""
    with served_app(world="tests.e2e.mailing_eml_world", prefix="samverkan-eml-e2e-") as served:
        yield served.base


@pytest.fixture
def coordinator(browser, eml_server):
    context = browser.new_context(
        base_url=eml_server,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "coordinator")
    yield page
    context.close()


def download_messages(page) -> dict[str, EmailMessage]:
    """Click the download link; the .eml files in the zip, parsed, by recipient address."""
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner e-postfiler (zip)").click()
    download = info.value
    assert re.fullmatch(r"utskick-\d+\.zip", download.suggested_filename)
    found: dict[str, EmailMessage] = {}
    with zipfile.ZipFile(download.path()) as archive:
        for name in archive.namelist():
            assert name.endswith(".eml")
            message = email.message_from_bytes(archive.read(name), policy=policy.default)
            assert isinstance(message, EmailMessage)
            found[message["To"].addresses[0].addr_spec] = message
    return found


def create_files_and_download(page) -> dict[str, EmailMessage]:
    page.get_by_role("button", name=re.compile(r"^Skapa e-postfiler till \d+ mottagare$")).click()
    expect(page.get_by_role("heading", name="E-postfiler")).to_be_visible()
    expect(page.get_by_text("Ingen e-postserver är inställd: ladda ner")).to_be_visible()
    return download_messages(page)


def open_contact(page, first: str, last: str) -> None:
    """From the contact list, searched by name, to the contact's page."""
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Kontakter").click()
    contact_filters = page.get_by_role("search", name="Filtrera kontakter")
    contact_filters.get_by_label("Sök").fill(f"{first} {last}")
    contact_filters.get_by_role("button", name="Filtrera").click()
    page.get_by_role("link", name=f"{last}, {first}", exact=True).click()
    expect(page.get_by_role("heading", name=f"{first} {last}", level=1)).to_be_visible()


def test_eml_files_downloaded_confirmed_and_delivery_recorded(coordinator):
    page = coordinator
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utskick").click()
    page.get_by_role("link", name="Nytt utskick till kontakter").click()

    # 1. The network's people in Jämtland, with the contact list's filters.
    filters = page.get_by_role("search", name="Välj mottagare")
    filters.get_by_label("Län").select_option(label="Jämtlands län")
    filters.get_by_label("Tagg").fill(NETWORK.lower())  # as typed, not as stored
    filters.get_by_role("button", name="Välj").click()
    expect(page.locator("#matched")).to_have_text("3 kontakter matchar urvalet.")

    # 2. The message, with the guidance attached.
    page.get_by_label("Ämnesrad").fill(SUBJECT)
    page.get_by_label("Meddelande").fill(BODY)
    page.get_by_label("Material", exact=True).select_option(label=f"{GUIDE}, version 1")
    page.get_by_role("button", name="Förhandsgranska").click()

    # The preview, checked by axe.
    expect(page.get_by_role("heading", name=SUBJECT, level=1)).to_be_visible()
    preview = page.get_by_role("region", name="Förhandsgranskning")
    expect(preview).to_contain_text("bifogad fil: vagledning.pdf")
    expect(preview.locator("pre")).to_contain_text(re.compile(r"^Hej \S+ \S+,"))
    expect(page.get_by_role("heading", name="Mottagare (3)")).to_be_visible()
    expect(page.get_by_role("region", name="Utan adress")).to_contain_text(
        "Alla valda har en adress."
    )
    assert not axe_violations(page)

    # Without SMTP: the .eml files, one per person, each a plain e-mail to that person.
    messages = create_files_and_download(page)
    expect(page.get_by_text("Utskick · E-postfiler väntar på bekräftelse")).to_be_visible()
    assert set(messages) == {ADDRESSES[name] for name in NETWORK_PEOPLE}
    organisations = {
        "asa.oberg@ostersund.example.se": "Östersunds kommun",
        "erik.strom@krokom.example.se": "Krokoms kommun",
        "marta.lind@are.example.se": "Åre kommun",
    }
    for name in NETWORK_PEOPLE:
        address = ADDRESSES[name]
        message = messages[address]
        assert message["To"].addresses[0].display_name == name
        assert message["Subject"] == f"Vägledning om återvandringsstöd för {organisations[address]}"
        assert not message.is_multipart() or message.get_content_type() == "multipart/mixed"
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert text.startswith(f"Hej {name},\n")
        assert f"vägledning om återvandringsstöd för {organisations[address]}." in text
        assert "{" not in text and "Vill du inte få fler utskick" in text
        parts = list(message.walk())
        assert not [p for p in parts if p.get_content_type() == "text/html"]
        assert not [p for p in parts if p.get_content_maintype() == "image"]
        raw = message.as_string().lower()
        assert "<img" not in raw and "http" not in raw  # no pixel, no link to track
        attached = [(p.get_filename(), p.get_content()) for p in message.iter_attachments()]
        assert [(n, d[:5]) for n, d in attached] == [("vagledning.pdf", b"%PDF-")]

    # Confirmed in the UI: everyone sent, the mailing done.
    page.get_by_role("button", name="Jag har skickat dem").click()
    expect(
        page.get_by_role("status").filter(has_text="3 meddelanden är registrerade som skickade.")
    ).to_be_visible()
    expect(page.get_by_text("Utskick · Klart")).to_be_visible()
    expect(page.get_by_role("heading", name="E-postfiler")).to_have_count(0)
    rows = page.get_by_role("region", name="Mottagare", exact=True).get_by_role("row")
    for name in NETWORK_PEOPLE:
        expect(rows.filter(has_text=ADDRESSES[name]).get_by_role("cell").nth(3)).to_have_text(
            "Skickad"
        )

    # Who received what: the guidance's page, per version, and the organisation's page.
    page.get_by_role("region", name="Förhandsgranskning").get_by_role("link", name=GUIDE).click()
    version = page.get_by_role("region", name="Version 1")
    expect(version.get_by_role("table", name="3 mottagare")).to_be_visible()
    delivered = version.get_by_role("row").filter(has_text="Östersunds kommun")
    expect(delivered).to_contain_text("Åsa Öberg")
    expect(delivered.get_by_role("cell").nth(2)).to_have_text("Utskick")
    delivered.get_by_role("link", name="Östersunds kommun").click()
    received = page.get_by_role("region", name="Mottaget material")
    row = received.get_by_role("row").filter(has_text=GUIDE)
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(2)).to_have_text("Utskick")
    expect(row).to_contain_text("(Åsa Öberg)")


def test_opted_out_contact_is_left_out_and_gets_no_file(coordinator):
    page = coordinator
    # The contact's page: turn the opt-out on.
    open_contact(page, "Olof", "Ek")
    section = page.get_by_role("region", name="Utskick")
    expect(section).to_contain_text("Får utskick.")
    section.get_by_role("button", name="Vill inte få utskick").click()
    expect(page.get_by_role("status").filter(has_text="Olof Ek får inga utskick.")).to_be_visible()
    section = page.get_by_role("region", name="Utskick")
    expect(section).to_contain_text(
        re.compile(r"Vill inte få utskick \(registrerat \d{4}-\d\d-\d\d .*av Kim Samordnare\)")
    )
    expect(section.get_by_role("button", name="Ta emot utskick igen")).to_be_visible()
    contact_page = page.url

    # A new mailing to Härjedalen, to its contacts with the heads' tag.
    page.goto("/utskick")
    page.get_by_role("link", name="Nytt utskick till organisationer").click()
    filters = page.get_by_role("search", name="Välj mottagare")
    filters.get_by_label("Sök").fill("Härjedalen")
    filters.get_by_label("Typ").select_option(label="Kommun")
    filters.get_by_role("button", name="Välj").click()
    expect(page.locator("#matched")).to_have_text("1 organisation matchar urvalet.")
    page.get_by_label("eller med taggen").fill(HEADS)
    page.get_by_label("Ämnesrad").fill("Nätverksträff för socialchefer i {organisation}")
    page.get_by_label("Meddelande").fill("Hej {namn},\n\nVälkommen till nätverksträffen.")
    page.get_by_role("button", name="Förhandsgranska").click()

    # The preview: only Pia, and Olof left out for the opt-out.
    expect(page.get_by_role("heading", name="Mottagare (1)")).to_be_visible()
    expect(page.get_by_role("region", name="Utan adress")).to_contain_text(
        "1 kontakt har avböjt utskick och får inget."
    )
    recipients = page.get_by_role("region", name="Mottagare", exact=True)
    expect(recipients).to_contain_text(ADDRESSES["Pia Sjöberg"])
    expect(recipients).not_to_contain_text("Olof Ek")
    expect(recipients).not_to_contain_text(ADDRESSES["Olof Ek"])
    assert not axe_violations(page)

    # The files: Pia's only.
    messages = create_files_and_download(page)
    assert list(messages) == [ADDRESSES["Pia Sjöberg"]]
    text = messages[ADDRESSES["Pia Sjöberg"]].get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("Hej Pia Sjöberg,\n")
    page.get_by_role("button", name="Jag har skickat dem").click()
    expect(page.get_by_text("Utskick · Klart")).to_be_visible()
    expect(
        page.get_by_role("region", name="Mottagare", exact=True).get_by_role("row")
    ).to_have_count(2)

    # The contact's page still shows the opt-out, and nothing was sent to him.
    page.goto(contact_page)
    expect(page.get_by_role("region", name="Utskick")).to_contain_text("Vill inte få utskick")


def test_opted_out_after_the_draft_gets_no_file(coordinator):
    """The opt-out recorded while a mailing waits as a draft: the preview says so, and the
    .eml files leave the contact out (a regression: the draft's recipients were written)."""
    page = coordinator
    page.goto("/utskick/nytt?mottagare=kontakter")
    filters = page.get_by_role("search", name="Välj mottagare")
    filters.get_by_label("Tagg").fill(NETWORK)
    filters.get_by_role("button", name="Välj").click()
    page.get_by_label("Ämnesrad").fill("Inbjudan till nätverksträff")
    page.get_by_label("Meddelande").fill("Hej {namn},\n\nVälkommen till nätverksträffen.")
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", name="Mottagare (3)")).to_be_visible()
    draft = page.url

    open_contact(page, "Märta", "Lind")
    page.get_by_role("region", name="Utskick").get_by_role(
        "button", name="Vill inte få utskick"
    ).click()
    expect(
        page.get_by_role("status").filter(has_text="Märta Lind får inga utskick.")
    ).to_be_visible()
    contact_page = page.url

    page.goto(draft)
    expect(page.get_by_role("region", name="Utan adress")).to_contain_text(
        "1 kontakt har avböjt utskick och får inget."
    )
    messages = create_files_and_download(page)
    assert sorted(messages) == sorted(
        ADDRESSES[name] for name in NETWORK_PEOPLE if name != "Märta Lind"
    )
    marta_row = (
        page.get_by_role("region", name="Mottagare", exact=True)
        .get_by_role("row")
        .filter(has_text=ADDRESSES["Märta Lind"])
    )
    expect(marta_row.get_by_role("cell").nth(3)).to_have_text(
        "Misslyckad: Kontakten vill inte få utskick."
    )
    page.get_by_role("button", name="Jag har skickat dem").click()
    expect(
        page.get_by_role("status").filter(has_text="2 meddelanden är registrerade som skickade.")
    ).to_be_visible()

    # Turned off again from the contact's page: she gets mailings again.
    page.goto(contact_page)
    page.get_by_role("region", name="Utskick").get_by_role(
        "button", name="Ta emot utskick igen"
    ).click()
    expect(
        page.get_by_role("status").filter(has_text="Märta Lind får utskick igen.")
    ).to_be_visible()
    expect(page.get_by_role("region", name="Utskick")).to_contain_text("Får utskick.")
