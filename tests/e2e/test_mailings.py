"""A mailing in the browser, against a real SMTP sink (tests/smtp_sink.py) with tasks run in
the request (SAMVERKAN_TASKS_IMMEDIATE): choose Jämtland's municipalities with the list's
filters, fix the one without an address through the preview's link and choose again, write
the message, attach the guidance, preview, send, see one refused recipient fail with the
server's reason and the rest sent, resend the failure; axe finds nothing on each page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from ..served import served_app
from ..smtp_sink import smtp_sink
from .mailing_world import GUIDE, WITHOUT_MAILBOX
from .test_accessibility import axe_violations

REFUSED = "registrator@2309.example.se"  # Krokom's registry


@pytest.fixture(scope="module")
def sink() -> Iterator:
    with smtp_sink() as (handler, port):
        original = handler.handle_DATA
        handler.refused = {REFUSED}

        async def refuse_some(server, session, envelope):
            if set(envelope.rcpt_tos) & handler.refused:
                return "550 Mailbox unavailable"
            return await original(server, session, envelope)

        handler.handle_DATA = refuse_some
        yield handler, port


@pytest.fixture(scope="module")
def mailing_server(sink) -> Iterator[str]:
    _handler, port = sink
    environment = {
        "SAMVERKAN_MAIL_SERVER": "127.0.0.1",
        "SAMVERKAN_MAIL_PORT": str(port),
        "SAMVERKAN_MAIL_DEFAULT_SENDER": "samordnaren@example.se",
        "SAMVERKAN_TASKS_IMMEDIATE": "1",
    }
    with served_app(
        world="tests.e2e.mailing_world", prefix="samverkan-mail-e2e-", env=environment
    ) as served:
        yield served.base


@pytest.fixture
def coordinator(browser, mailing_server):
    from .conftest import log_in

    context = browser.new_context(
        base_url=mailing_server, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "coordinator")
    yield page
    context.close()


def test_choose_write_attach_preview_send_and_see_each_status(coordinator, sink):
    handler, _port = sink
    page = coordinator
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utskick").click()
    expect(page.get_by_role("heading", name="Utskick", level=1)).to_be_visible()
    assert not axe_violations(page)
    page.get_by_role("link", name="Nytt utskick till organisationer").click()

    # 1. Recipients, with the organisation list's filters.
    filters = page.get_by_role("search", name="Välj mottagare")
    filters.get_by_label("Län").select_option(label="Jämtlands län")
    filters.get_by_label("Typ").select_option(label="Kommun")
    filters.get_by_role("button", name="Välj").click()
    expect(page.locator("#matched")).to_have_text("8 organisationer matchar urvalet.")
    assert not axe_violations(page)

    # 2. The message, with the guidance attached.
    page.get_by_label("Ämnesrad").fill("Ny vägledning till {organisation}")
    body = page.get_by_label("Meddelande")
    expect(body).to_have_value(re.compile(r"^Hej \{namn\},"))
    body.fill("Hej {namn},\n\nHär är vägledningen om återvandringsstöd för {organisation}.")
    page.get_by_label("Material", exact=True).select_option(label=f"{GUIDE}, version 1")
    page.get_by_role("button", name="Förhandsgranska").click()

    # The preview: the first recipient's text, the attachment, who has no address.
    expect(page.get_by_role("heading", name="Ny vägledning till {organisation}")).to_be_visible()
    preview = page.get_by_role("region", name="Förhandsgranskning")
    expect(preview).to_contain_text("Här är vägledningen om återvandringsstöd för ")
    expect(preview).to_contain_text("bifogad fil: vagledning.pdf")
    expect(page.get_by_role("heading", name="Mottagare (7)")).to_be_visible()
    missing = page.get_by_role("region", name="Utan adress")
    expect(missing).to_contain_text("1 mottagare saknar e-postadress")
    assert not axe_violations(page)
    mailing = page.url

    # Fix the missing address and choose again.
    missing.get_by_role("link", name=WITHOUT_MAILBOX).click()
    page.get_by_label("Funktionsbrevlåda").fill("kommun@berg.example.se")
    page.get_by_role("button", name=re.compile("^Spara")).click()
    page.goto(mailing)
    page.get_by_role("button", name="Välj mottagarna på nytt").click()
    expect(
        page.get_by_role("status").filter(has_text="Mottagarna är valda på nytt: 8.")
    ).to_be_visible()
    expect(page.get_by_role("region", name="Utan adress")).to_contain_text(
        "Alla valda har en adress."
    )

    # Send: one refused by the server, the rest sent, each with its status.
    page.get_by_role("button", name="Skicka till 8 mottagare").click()
    expect(page.get_by_text("Skickad: 7 · Misslyckad: 1")).to_be_visible()
    rows = page.get_by_role("region", name="Mottagare").get_by_role("row")
    failed = rows.filter(has_text=REFUSED)
    expect(failed.get_by_role("cell").nth(3)).to_have_text(re.compile(r"^Misslyckad: .*550"))
    expect(rows.filter(has_text="kommun@berg.example.se").get_by_role("cell").nth(3)).to_have_text(
        "Skickad"
    )
    assert not axe_violations(page)
    sent = sorted(a for e in handler.received for a in e.rcpt_tos)
    assert len(sent) == 7 and REFUSED not in sent and "kommun@berg.example.se" in sent

    # The server takes it now: resend the failure.
    handler.refused.clear()
    page.get_by_role("button", name="Skicka misslyckade igen").click()
    expect(page.get_by_text("Skickad: 8", exact=True)).to_be_visible()
    expect(
        page.get_by_role("region", name="Mottagare").get_by_role("cell", name="Misslyckad")
    ).to_have_count(0)
    assert sorted(a for e in handler.received for a in e.rcpt_tos).count(REFUSED) == 1
    assert len(handler.received) == 8
    expect(page.get_by_text("Utskick · Klart")).to_be_visible()

    # The mailing is on the guidance's page, once, with the organisations reached.
    page.get_by_role("link", name=GUIDE).click()
    history = page.get_by_role("region", name="Historik").get_by_role("listitem")
    sent = history.filter(has_text="Skickade meddelanden")
    expect(sent).to_have_count(2)  # the first run (7), then the resent one (1)
    expect(sent.first).to_contain_text("Kim Samordnare")
    expect(sent.first).to_contain_text("Krokoms kommun")
    expect(sent.last).to_contain_text("Östersunds kommun")
    assert not axe_violations(page)
    page.goto("/utskick")
    expect(page.get_by_role("link", name="Ny vägledning till {organisation}")).to_be_visible()
    assert not axe_violations(page)
