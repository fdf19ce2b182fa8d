"""Issue 21's "Done when", tried as a new user would in Chromium against a served app and a
real SMTP sink: a coordinator who has met Stockholm loads a Kolada-style CSV of foreign-born
population per municipality through the indicator import (upload, columns, preview,
confirm), sees it on the map of the prioritisation page, lists the ten largest
municipalities with no meeting held, puts five of them in a new contact plan for next month
from the ranking, turns the daily digest on in Mitt konto and leaves a follow-up due today;
the next morning the digest run (app/digest/sending.send_digests with the clock at 07:05
tomorrow, what `flask digest send` runs) sends one e-mail listing the overdue follow-up and
the plan's five silent municipalities, and a second run that morning sends nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, time, timedelta
from email import message_from_bytes, policy

import pytest
from playwright.sync_api import expect

from app import create_app
from app.common.time import local_to_utc, local_today
from app.digest.sending import DigestRun, send_digests
from app.extensions import db

from ..served import Served, served_app
from ..smtp_sink import smtp_sink
from .conftest import log_in, screenshot
from .test_accessibility import axe_violations
from .world import USERS

NAME = "Utrikes födda"
FOLLOW_UP = "Skicka informationsmaterialet till Göteborg"
SENDER = "samordnaren@example.se"
#: Kolada's export: semicolons, a BOM, CRLF, codes with their leading zero beside the names,
#: Swedish numbers (ordinary and no-break spaces between thousands, a decimal comma), ".."
#: for a missing figure and a row for the whole country.
KOLADA_ROWS = [
    ("0180", "Stockholm", "254 612"),
    ("1480", "Göteborg", "170382,0"),
    ("1280", "Malmö", "124\u00a0915"),
    ("0380", "Uppsala", "52 417"),
    ("0127", "Botkyrka", "44 093"),
    ("0181", "Södertälje", "42 765"),
    ("1980", "Västerås", "39 884"),
    ("0126", "Huddinge", "38 519"),
    ("1283", "Helsingborg", "35 270"),
    ("1880", "Örebro", "33 961"),
    ("0581", "Norrköping", "32 148"),
    ("0580", "Linköping", "30 906"),
    ("0184", "Solna", "29 377"),
    ("0680", "Jönköping", "25 402"),
    ("2480", "Umeå", "17 845"),
    ("0114", "Upplands Väsby", "16 230"),
    ("2584", "Kiruna", "2 391"),
    ("2460", "Vännäs", ".."),
    ("0000", "Riket", "2 145 350"),
]
KOLADA = "\ufeffKommun-ID;Kommun;Nyckeltal;Kön;År;Värde\r\n" + "".join(
    f"{code};{name};Invånare födda utomlands, antal;Totalt;2024;{value}\r\n"
    for code, name, value in KOLADA_ROWS
)
SAVED = 17  # every row but Vännäs ("..") and Riket
MUNICIPALITIES = 290
#: By hand: the largest first, Stockholm left out (a meeting held), the first ten.
TEN_NOT_MET = [
    "Göteborgs kommun",
    "Malmö kommun",
    "Uppsala kommun",
    "Botkyrka kommun",
    "Södertälje kommun",
    "Västerås kommun",
    "Huddinge kommun",
    "Helsingborgs kommun",
    "Örebro kommun",
    "Norrköpings kommun",
]
FIVE = TEN_NOT_MET[:5]


@pytest.fixture(scope="module")
def sink() -> Iterator:
    with smtp_sink() as (handler, port):
        yield handler, port


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """A server of its own: the ranking and the digest see only this journey's data."""
    with served_app(world="tests.e2e.world", prefix="samverkan-prioritise-e2e-") as served:
        yield served


@pytest.fixture
def page(browser, served):
    context = browser.new_context(
        base_url=served.base,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def next_month(today: date) -> tuple[date, date]:
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def run_digest(served: Served, port: int, today: date) -> DigestRun:
    """The digest run as cron would start it the next morning, against the served database."""
    app = create_app(
        {
            "SECRET_KEY": "prioritise-digest",
            "SQLALCHEMY_DATABASE_URI": served.database,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_DEFAULT_SENDER": SENDER,
            "APP_URL": served.base,
        }
    )
    with app.app_context():
        try:
            return send_digests(now=local_to_utc(today + timedelta(days=1), time(7, 5)))
        finally:
            db.session.remove()
            db.engine.dispose()


def hold_a_meeting_with_stockholm(page, day: date) -> None:
    page.goto("/moten/ny")
    page.get_by_label("Rubrik").fill("Dialog med Stockholm")
    page.get_by_label("Datum", exact=True).fill(day.isoformat())
    page.get_by_label("Börjar").fill("10:00")
    page.get_by_label("Slutar").fill("11:00")
    page.get_by_role("combobox", name="Organisationer").fill("stockholm")
    page.locator(".picker__options:visible").get_by_role(
        "option", name=re.compile("^Stockholms kommun")
    ).first.click()
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", name="Dialog med Stockholm")).to_be_visible()


def import_kolada_file(page) -> None:
    """Upload, choose the indicator and the columns, preview every row, confirm."""
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Rapporter").click()
    page.get_by_role("link", name="Prioritering").click()
    expect(page.get_by_text("Inga indikatorer med värden ännu.")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Importera indikator").click()
    page.get_by_label("Fil", exact=True).set_input_files(
        {"name": "kolada-utrikes-fodda-2024.csv", "mimeType": "text/csv", "buffer": KOLADA.encode()}
    )
    page.get_by_role("button", name="Läs in filen").click()

    expect(page.get_by_role("heading", name="2. Välj indikator och kolumner")).to_be_visible()
    expect(page.get_by_text(f"{len(KOLADA_ROWS)} rader.", exact=False)).to_be_visible()
    page.get_by_label("Indikator", exact=True).select_option(label="Ny indikator")
    page.get_by_label("Namn på ny indikator").fill(NAME)
    page.get_by_label("Enhet").fill("personer")
    page.get_by_label("Källa").fill("Kolada")
    municipality = page.get_by_label("Kolumn med kommun (kod eller namn)")
    expect(municipality.locator("option:checked")).to_have_text("Kommun-ID – 0180")
    page.get_by_label("Kolumn med år").select_option(label="År – 2024")
    page.get_by_label("Kolumn med värde").select_option(label="Värde – 254 612")
    page.get_by_role("button", name="Förhandsgranska").click()

    expect(page.get_by_role("heading", name="3. Granska och bekräfta")).to_be_visible()
    expect(page.locator(".stat__value")).to_have_text([str(SAVED), "0", "2", "0"])
    rows = page.locator("#preview-rows")
    expect(rows.get_by_role("row").filter(has_text="Göteborgs kommun")).to_contain_text("170")
    expect(rows.get_by_role("row").filter(has_text="Riket")).to_contain_text("Hela riket")
    expect(rows.get_by_role("row").filter(has_text="Vännäs")).to_contain_text("Värde saknas")
    page.get_by_role("button", name="Importera").click()
    expect(page.locator(".flash--success")).to_contain_text(f"{SAVED} värden är sparade.")
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()


def test_load_rank_plan_and_get_the_digest_next_morning(page, served, sink):
    handler, port = sink
    today = local_today()
    first, last = next_month(today)
    plan_title = f"Störst potential {first:%Y-%m}"
    log_in(page, "coordinator")
    hold_a_meeting_with_stockholm(page, today - timedelta(days=1))

    # 1. The Kolada file through the import.
    import_kolada_file(page)

    # 2. On the map: choose the indicator, the legend with its classes and "Inget värde".
    page.get_by_role("link", name="karta och rangordning").first.click()
    expect(page.get_by_role("heading", name="Prioritering", level=1)).to_be_visible()
    page.get_by_label("Indikator", exact=True).select_option(label=NAME)
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.get_by_role("heading", name=f"{NAME} 2024 på kartan")).to_be_visible()
    legend = page.locator(".indicator-legend")
    expect(legend).to_be_visible()
    expect(legend.locator("li")).to_have_count(6)  # five classes and "Inget värde"
    expect(legend.locator("li").last).to_contain_text("Inget värde")
    expect(legend.locator("li").last.locator(".legend__count")).to_have_text(
        f"{MUNICIPALITIES - SAVED} kommuner"
    )
    goteborg = page.locator('svg.map path[data-code="1480"]')
    expect(goteborg.locator("xpath=..").locator("title")).to_have_text(
        re.compile(r"^Göteborgs kommun: 170\s382 personer$")
    )
    darkest = legend.locator("li").nth(4)  # the largest fifth: Stockholm, Göteborg, Malmö
    expect(darkest).to_contain_text("3 kommuner")
    expect(goteborg).to_have_attribute("fill", darkest.get_attribute("data-fill") or "")

    # 3. The ten largest with no meeting held.
    page.get_by_label("Bara kommuner utan möte hållet").check()
    page.get_by_label("Visa", exact=True).select_option(label="De 10 första")
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.locator(".result-count")).to_have_text(
        f"{SAVED - 1} kommuner utan möte hållet har ett värde. De 10 första visas."
    )
    ranking = page.locator("#ranking")
    expect(ranking.locator("tbody th")).to_have_text(TEN_NOT_MET)
    expect(ranking.get_by_role("link", name="Stockholms kommun")).to_have_count(0)
    first_row = ranking.locator("tbody tr").first
    expect(first_row.locator("td").first).to_have_text("2")  # Stockholm's place is kept
    expect(first_row).to_contain_text("Aldrig")
    assert axe_violations(page) == []
    screenshot(page, "prioritise-1-ranking")

    # 4. One click from the ranking to a new plan for next month; five of the ten in it.
    page.get_by_role("link", name="Lägg till de här i en kontaktplan").click()
    expect(page.get_by_role("heading", name="Lägg till i en kontaktplan")).to_be_visible()
    expect(page.locator(".applied-filter")).to_contain_text(NAME)
    page.get_by_role("link", name="Ny kontaktplan").click()
    page.get_by_label("Rubrik").fill(plan_title)
    page.get_by_label("Omfattning").fill("Störst antal utrikes födda, inget möte hållet")
    page.get_by_label("Från", exact=True).fill(first.isoformat())
    page.get_by_label("Till", exact=True).fill(last.isoformat())
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", name="Lägg till kommuner")).to_be_visible()
    expect(page.get_by_text("10 organisationer matchar.")).to_be_visible()
    for name in TEN_NOT_MET:
        expect(page.get_by_label(name, exact=True)).not_to_be_checked()
    for name in FIVE:
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Lägg till de markerade").click()

    expect(page.get_by_role("heading", name=plan_title, level=1)).to_be_visible()
    expect(
        page.get_by_role("status").filter(has_text="5 organisationer lades till i planen.")
    ).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text(f"{first.isoformat()} – {last.isoformat()}")
    expect(page.locator("table.plan-items tbody th")).to_have_text(sorted(FIVE))
    expect(page.locator(".plan-progress").first).to_contain_text("0 av 5 nådda enligt planen (0 %)")
    assert axe_violations(page) == []
    screenshot(page, "prioritise-2-plan")

    # 5. The digest turned on in Mitt konto, and a follow-up due today.
    page.get_by_role("banner").get_by_role("link", name=USERS["coordinator"][1]).click()
    card = page.get_by_role("region", name="Daglig sammanfattning")
    card.get_by_label("Skicka mig en daglig sammanfattning via e-post").check()
    card.get_by_role("button", name="Spara inställningen").click()
    expect(
        page.get_by_role("status").filter(has_text="Du får en daglig sammanfattning")
    ).to_be_visible()
    page.goto("/uppfoljningar")
    page.get_by_role("link", name="Ny uppföljning").first.click()
    page.get_by_label("Vad ska göras").fill(FOLLOW_UP)
    page.get_by_label("Sista dag").fill(today.isoformat())
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status").filter(has_text="Uppföljningen är sparad.")).to_be_visible()

    # 6. The next morning: one digest, to the coordinator, with what is overdue and silent.
    before = len(handler.received)
    run = run_digest(served, port, today)
    assert (run.sent, run.failed) == (1, 0), run.summary()
    [envelope] = handler.received[before:]
    email_address, user_name, _role = USERS["coordinator"]
    assert envelope.rcpt_tos == [email_address]
    message = message_from_bytes(envelope.content, policy=policy.default)
    tomorrow = today + timedelta(days=1)
    assert message["Subject"] == f"Samverkan: din sammanfattning {tomorrow.isoformat()}"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    print(text)  # shown when the test fails
    assert f"Hej {user_name}," in text
    assert "Försenade uppföljningar: 1\n" in text
    assert f"- {today.isoformat()}  {FOLLOW_UP}" in text
    assert "Tysta i dina kontaktplaner (inget genomfört möte på 6 månader): 5" in text
    for name in FIVE:
        assert f"- {name}, aldrig möte hållet · {plan_title}" in text
    for name in TEN_NOT_MET[5:]:
        assert name not in text
    link = re.search(rf"{re.escape(served.base)}/uppfoljningar/\d+", text)
    assert link, text
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name=FOLLOW_UP)).to_be_visible()

    # However often it runs that morning, one digest.
    again = run_digest(served, port, today)
    assert again.sent == 0, again.summary()
    assert len(handler.received) == before + 1
