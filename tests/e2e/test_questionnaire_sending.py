"""Sending a questionnaire in the browser, against a real SMTP sink with tasks run in the
request (SAMVERKAN_TASKS_IMMEDIATE): pick Jämtland's municipalities with the organisation
list's filter widgets, see who cannot be reached, choose a named contact for one, add
Gotland's too and take one of Jämtland's off again (the counts per county follow), send (the
questionnaire locks, the mailing's page shows every message sent), open a link from a
message, and plan and cancel reminders; axe finds nothing, and the pages fit 320 px."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from ..served import served_app
from ..smtp_sink import smtp_sink
from .questionnaire_sending_world import CONTACT, TITLE, WITH_CONTACT, WITHOUT_MAILBOX
from .test_accessibility import axe_violations

REMOVED = "Krokoms kommun"  # one of Jämtland's, taken off again
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/svar/[A-Za-z0-9_-]{43})")


@pytest.fixture(scope="module")
def sink() -> Iterator:
    with smtp_sink() as (handler, port):
        yield handler, port


@pytest.fixture(scope="module")
def sending_server(sink) -> Iterator[str]:
    _handler, port = sink
    environment = {
        "SAMVERKAN_MAIL_SERVER": "127.0.0.1",
        "SAMVERKAN_MAIL_PORT": str(port),
        "SAMVERKAN_MAIL_DEFAULT_SENDER": "samordnaren@example.se",
        "SAMVERKAN_TASKS_IMMEDIATE": "1",
    }
    with served_app(
        world="tests.e2e.questionnaire_sending_world",
        prefix="samverkan-enkat-e2e-",
        env=environment,
    ) as served:
        yield served.base


@pytest.fixture
def coordinator(browser, sending_server):
    from .conftest import log_in

    context = browser.new_context(
        base_url=sending_server, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "coordinator")
    yield page
    context.close()


def fits(page, width: int) -> bool:
    page.set_viewport_size({"width": width, "height": 800})
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 0.5")


def test_pick_a_county_send_and_plan_a_reminder(coordinator, sink):
    handler, _port = sink
    page = coordinator
    page.goto("/enkater")
    page.get_by_role("link", name=TITLE).first.click()
    section = page.get_by_role("region", name="Utskick och svar")
    expect(section).to_contain_text("0 mottagare valda.")
    section.get_by_role("link", name="Välj mottagare").click()

    # 1. The organisation list's filters: the municipalities of Jämtlands län.
    filters = page.get_by_role("search", name="Välj organisationer")
    filters.get_by_label("Län").select_option(label="Jämtlands län")
    filters.get_by_label("Typ").select_option(label="Kommun")
    filters.get_by_role("button", name="Välj").click()
    expect(page.locator("#matched")).to_have_text(
        re.compile(r"8 organisationer matchar urvalet\.\s+7 kan nås\.")
    )
    missing = page.get_by_role("region", name="Kan inte nås")
    expect(missing).to_contain_text(WITHOUT_MAILBOX)
    assert not axe_violations(page)
    for width in (320, 1920, 1280):
        assert fits(page, width), width

    # A named contact instead of the mailbox, where there is a choice.
    first, last, address = CONTACT
    choose = page.get_by_label(f"Till vem på {WITH_CONTACT}")
    expect(choose).to_have_value("0")  # the mailbox by default
    choose.select_option(label=f"{first} {last} <{address}>")
    page.get_by_role("button", name="Lägg till 7 mottagare").click()
    expect(page.get_by_role("status").filter(has_text="7 mottagare är tillagda.")).to_be_visible()
    expect(page.get_by_role("heading", name="Valda mottagare: 7")).to_be_visible()

    # 2. A second county is added to the first; the same county again adds nothing.
    filters = page.get_by_role("search", name="Välj organisationer")
    filters.get_by_label("Län").select_option(label="Gotlands län")
    filters.get_by_label("Typ").select_option(label="Kommun")
    filters.get_by_role("button", name="Välj").click()
    page.get_by_role("button", name="Lägg till 1 mottagare").click()
    expect(page.get_by_role("heading", name="Valda mottagare: 8")).to_be_visible()
    filters.get_by_label("Län").select_option(label="Jämtlands län")
    filters.get_by_label("Typ").select_option(label="Kommun")
    filters.get_by_role("button", name="Välj").click()
    expect(page.locator("#matched")).to_contain_text("7 av dem är redan valda.")
    expect(page.get_by_role("button", name=re.compile("^Lägg till"))).to_have_count(0)
    per_county = page.get_by_role("region", name="Mottagare per län")
    expect(per_county.get_by_role("row").filter(has_text="Gotlands län")).to_contain_text("1")
    expect(per_county.get_by_role("row").filter(has_text="Jämtlands län")).to_contain_text("7")
    jamtland = page.get_by_role("region", name="Valda i Jämtlands län")
    expect(jamtland.get_by_role("row").filter(has_text=WITH_CONTACT)).to_contain_text(address)

    # One removed: the counts follow.
    page.get_by_role("button", name=f"Ta bort {REMOVED}").click()
    expect(page.get_by_role("status").filter(has_text="Mottagaren är borttagen.")).to_be_visible()
    expect(page.get_by_role("heading", name="Valda mottagare: 7")).to_be_visible()
    expect(per_county.get_by_role("row").filter(has_text="Jämtlands län")).to_contain_text("6")
    expect(page.get_by_role("heading", name="Jämtlands län (6)")).to_be_visible()
    expect(jamtland.get_by_role("rowheader", name=REMOVED)).to_have_count(0)
    assert not axe_violations(page)
    for width in (320, 1920, 1280):
        assert fits(page, width), width
    page.get_by_role("link", name="Fortsätt till meddelandet").click()

    # 3. The message, then send.
    expect(page.get_by_role("heading", name="Skicka enkäten", level=1)).to_be_visible()
    expect(page.get_by_text("Till 7 organisationer.")).to_be_visible()
    # Sent in this request (tasks run in it): the links take this address; reminders not.
    notice = page.locator("#link-notice")
    expect(notice).to_contain_text("De 7 meddelandena skickas direkt av den här sidan")
    expect(notice).to_contain_text("Påminnelser skickas däremot av bakgrundsarbetarna")
    body = page.get_by_label("Meddelande")
    expect(body).to_have_value(re.compile(r"\{länk\}"))
    page.get_by_label("Ämnesrad").fill("Enkät om återvandring till {organisation}")
    assert not axe_violations(page)
    assert fits(page, 320)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Skicka till 7 organisationer").click()

    # The mailing's page of step 12: every message sent.
    expect(page.get_by_text("Skickad: 7", exact=True)).to_be_visible()
    expect(page.get_by_text("Utskick · Klart")).to_be_visible()
    assert not axe_violations(page)
    received = {e.rcpt_tos[0]: e for e in handler.received}
    assert len(received) == 7 and address in received
    assert "registrator@0980.example.se" in received  # Gotland's, added second
    text = email.message_from_bytes(received[address].content).get_payload(decode=True).decode()
    link = LINK.search(text).group(1)

    # 4. The questionnaire is locked; its page says who was sent what.
    page.goto("/enkater")
    page.get_by_role("link", name=TITLE).first.click()
    section = page.get_by_role("region", name="Utskick och svar")
    expect(section).to_contain_text("7 organisationer")
    expect(section).to_contain_text("skickade 7, misslyckade 0 av 7")
    assert not axe_violations(page)
    assert fits(page, 320)
    page.set_viewport_size({"width": 1280, "height": 800})

    # 5. Reminders: plan two, cancel one.
    section.get_by_role("link", name="Påminnelser").click()
    expect(page.get_by_text("7 organisationer har inte svarat än.")).to_be_visible()
    soon = (date.today() + timedelta(days=3)).isoformat()
    later = (date.today() + timedelta(days=10)).isoformat()
    for day in (soon, later):
        page.get_by_label("Dag").fill(day)
        page.get_by_role("button", name="Planera påminnelsen").click()
        expect(
            page.get_by_role("status").filter(has_text=f"Påminnelsen är planerad till {day}.")
        ).to_be_visible()
    table = page.get_by_role("region", name="Påminnelser")
    expect(table.get_by_role("row").filter(has_text=soon)).to_contain_text("Planerad")
    page.get_by_role("button", name=f"Avbryt påminnelsen {later}").click()
    expect(table.get_by_role("row").filter(has_text=later)).to_contain_text("Avbruten")
    assert not axe_violations(page)
    assert fits(page, 320)

    # The link in the message opens the questionnaire, outside the login.
    page.goto(link)
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
