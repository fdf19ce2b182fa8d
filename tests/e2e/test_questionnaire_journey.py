"""Issue 20's "Done when", tried as a new user would in Chromium against a served app and a
real SMTP sink (tasks run in the request): a coordinator builds a ten-question questionnaire
(two sections, every kind, a theme question, a condition, a close date) and previews it;
adds the municipalities of three counties with the recipient filters, one county at a
time, and sends; two
municipalities answer from the links in their messages (one at 1280 px, one on a 320 px
phone after saving a draft) and get a receipt; a reminder planned for today is sent by
`flask questionnaires remind` to the others only, with a new link, while an old link still
opens; then the response rate (overall and per county), a question on the map, the answers
on the municipalities' pages and in their history, and the picked themes in the lägesbild."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.common.time import local_today

from ..served import ROOT, served_app
from ..smtp_sink import smtp_sink
from .conftest import ARTIFACTS, log_in, screenshot
from .journey_world import THEMES

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/svar/[A-Za-z0-9_-]{43})")
TITLE = "Återvandring i kommunerna 2027"
SECTION_1 = "Avsnitt 1: Kommunens arbete"
SECTION_2 = "Avsnitt 2: Möjligheter och utmaningar"
CONTACT_Q = "Har kommunen en utsedd kontaktperson för återvandring?"
WHO_Q = "Vem är kontaktperson?"
OFFICES_Q = "Vilka förvaltningar arbetar med frågan?"
NUMBER_Q = "Hur många personer fick information om återvandring 2026?"
SCALE_Q = "Hur väl känner handläggarna till återvandringsbidraget?"
THEMES_Q = "Vilka utmaningar ser ni?"
CHALLENGES_Q = "Beskriv er största utmaning."
MIGRATION_Q = "Samverkar ni med Migrationsverket?"
IMPORTANCE_Q = "Hur viktig är frågan för kommunen?"
OTHER_Q = "Övriga synpunkter"
GOTLAND, KARLSKRONA = "registrator@0980.example.se", "registrator@1080.example.se"
#: The three counties picked with the recipient filters: name, municipalities, one of them.
COUNTIES = (
    ("Gotlands län", 1, "Region Gotland"),
    ("Blekinge län", 5, "Karlskrona kommun"),
    ("Jämtlands län", 8, "Östersunds kommun"),
)
RECIPIENTS = sum(count for _county, count, _name in COUNTIES)  # 14


@pytest.fixture(scope="module")
def sink() -> Iterator:
    with smtp_sink() as (handler, port):
        yield handler, port


@pytest.fixture(scope="module")
def journey(sink) -> Iterator:
    _handler, port = sink
    mail = {
        "SAMVERKAN_MAIL_SERVER": "127.0.0.1",
        "SAMVERKAN_MAIL_PORT": str(port),
        "SAMVERKAN_MAIL_DEFAULT_SENDER": "samordnaren@example.se",
    }
    with served_app(
        world="tests.e2e.journey_world",
        prefix="samverkan-journey-e2e-",
        env={**mail, "SAMVERKAN_TASKS_IMMEDIATE": "1"},
    ) as served:
        yield served, mail


@pytest.fixture
def open_page(browser, journey):
    """`open_page(width)`: a new browser context (Swedish, Stockholm time) of that width."""
    served, _mail = journey
    contexts = []

    def opened(width: int = 1280):
        context = browser.new_context(
            base_url=served.base,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            viewport={"width": width, "height": 900},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield opened
    for context in contexts:
        context.close()


def links_in(envelopes) -> dict[str, str]:
    """Recipient address → the personal link in its message."""
    found = {}
    for envelope in envelopes:
        text = email.message_from_bytes(envelope.content).get_payload(decode=True).decode()
        found[envelope.rcpt_tos[0]] = LINK.search(text).group(1)
    return found


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 0.5")


def add_question(page, section: str, kind: str, text: str, **fields) -> None:
    """One question through the builder's form, the way the coordinator fills it in."""
    page.get_by_role("link", name=f"Lägg till en fråga i {section}").click()
    page.get_by_label("Typ av fråga").select_option(label=kind)
    page.get_by_label("Fråga", exact=True).fill(text)
    if "options" in fields:
        page.get_by_label("Svarsalternativ", exact=True).fill("\n".join(fields["options"]))
    if "scale" in fields:
        low, high = fields["scale"]
        page.get_by_label("Skalans steg 1 betyder").fill(low)
        page.get_by_label("Skalans steg 5 betyder").fill(high)
    if "side" in fields:
        page.get_by_label("Teman gäller").select_option(label=fields["side"])
    if "show_if" in fields:
        page.get_by_label("Visa bara om").select_option(label=fields["show_if"])
    if fields.get("required"):
        page.get_by_label("Obligatorisk att besvara").check()
    page.get_by_role("button", name="Spara frågan").click()
    expect(page.locator(".builder-question__text strong", has_text=text)).to_be_visible()


def add_section(page, title: str) -> None:
    page.get_by_role("link", name="Lägg till ett avsnitt").click()
    page.get_by_label("Rubrik", exact=True).fill(title)
    page.get_by_role("button", name="Spara avsnittet").click()


def question(page, text: str):
    """The respondent form's block for one question (by its legend or label: a condition's
    note in another block names the question it depends on)."""
    return page.locator(".question").filter(has=page.locator("legend, label", has_text=text))


def build_questionnaire(page, closes_on: str) -> str:
    """Step 1: the builder; returns the questionnaire page's URL."""
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Enkäter").click()
    page.get_by_role("link", name="Ny enkät").click()
    page.get_by_label("Rubrik", exact=True).fill(TITLE)
    page.get_by_label("Inledning", exact=True).fill(
        "Den nationella samordnaren vill veta hur kommunerna arbetar med återvandring."
    )
    page.get_by_label("Avslutning", exact=True).fill("Tack för era svar!")
    page.get_by_label("Sista svarsdag").fill(closes_on)
    page.get_by_role("button", name="Spara enkäten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    add_section(page, "Kommunens arbete")
    add_question(page, SECTION_1, "Ett val", CONTACT_Q, options=("Ja", "Nej"), required=True)
    add_question(page, SECTION_1, "Kort text", WHO_Q, show_if=f"1. {CONTACT_Q} – Ja")
    add_question(
        page, SECTION_1, "Flera val", OFFICES_Q, options=("Socialtjänsten", "Arbetsmarknad")
    )
    add_question(page, SECTION_1, "Tal", NUMBER_Q)
    add_question(page, SECTION_1, "Skala 1–5", SCALE_Q, scale=("Inte alls", "Mycket väl"))
    add_section(page, "Möjligheter och utmaningar")
    add_question(page, SECTION_2, "Teman från listan", THEMES_Q, side="Utmaning")
    add_question(page, SECTION_2, "Lång text", CHALLENGES_Q)
    add_question(page, SECTION_2, "Ett val", MIGRATION_Q, options=("Ja", "Nej", "Vet inte"))
    add_question(page, SECTION_2, "Skala 1–5", IMPORTANCE_Q, scale=("Oviktig", "Mycket viktig"))
    add_question(page, SECTION_2, "Lång text", OTHER_Q)
    expect(page.locator(".builder-question__text strong")).to_have_count(10)
    expect(page.locator(".builder-condition")).to_have_text(f"Visas bara om: {CONTACT_Q} – Ja")
    return page.url.split("#")[0]


def test_a_new_user_builds_sends_collects_reminds_and_reads_the_results(open_page, journey, sink):
    served, mail = journey
    handler, _port = sink
    closes_on = (local_today() + timedelta(days=30)).isoformat()

    # 1. The coordinator builds the questionnaire and previews it.
    page = open_page(1280)
    log_in(page, "coordinator")
    detail = build_questionnaire(page, closes_on)
    screenshot(page, "journey-1-built")
    page.get_by_role("link", name="Förhandsgranska enkäten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(question(page, CONTACT_Q)).to_be_visible()
    expect(question(page, WHO_Q)).to_be_hidden()  # until "Ja" is chosen
    question(page, CONTACT_Q).get_by_label("Ja").check()
    expect(question(page, WHO_Q)).to_be_visible()
    for theme in THEMES:
        expect(question(page, THEMES_Q).get_by_label(theme)).to_be_visible()
    expect(page.get_by_role("button", name="Skicka in")).to_be_disabled()
    screenshot(page, "journey-1-preview")

    # 2. Recipients: the municipalities of three counties, one county at a time with the
    # filter widgets; each is added to those chosen before.
    page.goto(detail)
    page.get_by_role("region", name="Utskick och svar").get_by_role(
        "link", name="Välj mottagare"
    ).click()
    chosen = 0
    for county, count, municipality in COUNTIES:
        filters = page.get_by_role("search", name="Välj organisationer")
        filters.get_by_label("Län").select_option(label=county)
        filters.get_by_label("Typ").select_option(label="Kommun")
        filters.get_by_role("button", name="Välj").click()
        expect(page.locator("#matched")).to_have_text(
            re.compile(rf"{count} organisation(er)? matchar urvalet\.\s+{count} kan nås\.")
        )
        expect(page.get_by_role("rowheader", name=municipality)).to_be_visible()
        page.get_by_role("button", name=f"Lägg till {count} mottagare").click()
        chosen += count
        expect(page.get_by_role("heading", name=f"Valda mottagare: {chosen}")).to_be_visible()
    per_county = page.get_by_role("region", name="Mottagare per län")
    for county, count, _municipality in COUNTIES:
        expect(per_county.get_by_role("row").filter(has_text=county)).to_contain_text(str(count))
    screenshot(page, "journey-2-recipients")
    page.get_by_role("link", name="Fortsätt till meddelandet").click()
    expect(page.get_by_role("heading", name="Skicka enkäten", level=1)).to_be_visible()
    expect(page.get_by_text(f"Till {RECIPIENTS} organisationer.")).to_be_visible()
    screenshot(page, "journey-2-send")
    page.get_by_role("button", name=f"Skicka till {RECIPIENTS} organisationer").click()
    expect(page.get_by_text(f"Skickad: {RECIPIENTS}", exact=True)).to_be_visible()
    screenshot(page, "journey-2-mailing")
    first_links = links_in(handler.received)
    assert len(first_links) == RECIPIENTS and GOTLAND in first_links

    # 3a. Gotland answers at 1280 px, straight away.
    gotland = open_page(1280)
    gotland.goto(first_links[GOTLAND])
    expect(gotland.get_by_role("heading", level=1)).to_have_text(TITLE)
    question(gotland, CONTACT_Q).get_by_label("Ja").check()
    question(gotland, WHO_Q).get_by_role("textbox").fill("Anna Berg, socialsekreterare")
    question(gotland, OFFICES_Q).get_by_label("Socialtjänsten").check()
    question(gotland, NUMBER_Q).get_by_role("textbox").fill("12")
    question(gotland, SCALE_Q).get_by_label("4", exact=True).check()
    for theme in THEMES:
        question(gotland, THEMES_Q).get_by_label(theme).check()
    question(gotland, CHALLENGES_Q).get_by_role("textbox").fill("Tolkar saknas ofta.")
    question(gotland, MIGRATION_Q).get_by_label("Ja").check()
    gotland.get_by_label("Ditt namn").fill("Anna Berg")
    gotland.get_by_role("button", name="Skicka in").click()
    expect(gotland.get_by_role("heading", level=1)).to_contain_text("Kvitto")
    receipt = gotland.locator("dl.receipt")
    for shown in ("Anna Berg, socialsekreterare", "Socialtjänsten", "12", *THEMES):
        expect(receipt).to_contain_text(shown)
    expect(gotland.get_by_text("Tack för era svar!")).to_be_visible()

    # 3b. Karlskrona on a phone: a draft first, the link opened again, then submitted.
    phone = open_page(320)
    phone.goto(first_links[KARLSKRONA])
    assert no_sideways_scroll(phone)
    question(phone, CONTACT_Q).get_by_label("Nej").check()
    expect(question(phone, WHO_Q)).to_be_hidden()
    question(phone, THEMES_Q).get_by_label(THEMES[0]).check()
    phone.get_by_role("button", name="Spara utkast").click()
    expect(phone.get_by_role("status")).to_contain_text("sparade som utkast")
    screenshot(phone, "journey-3-draft-320")
    phone.goto(first_links[KARLSKRONA])
    expect(question(phone, CONTACT_Q).get_by_label("Nej")).to_be_checked()
    expect(question(phone, THEMES_Q).get_by_label(THEMES[0])).to_be_checked()
    question(phone, SCALE_Q).get_by_label("2", exact=True).check()
    question(phone, MIGRATION_Q).get_by_label("Vet inte").check()
    assert no_sideways_scroll(phone)
    phone.get_by_role("button", name="Skicka in").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Kvitto")
    expect(phone.locator("dl.receipt")).to_contain_text(THEMES[0])
    screenshot(phone, "journey-3-receipt-320")
    assert no_sideways_scroll(phone)

    # 4. A reminder for today, made and sent by `flask questionnaires remind`.
    page.goto(detail)
    page.get_by_role("region", name="Utskick och svar").get_by_role(
        "link", name="Påminnelser"
    ).click()
    expect(page.get_by_text(f"{RECIPIENTS - 2} organisationer har inte svarat än.")).to_be_visible()
    today = local_today().isoformat()  # Stockholm's: past 23:00 UTC it is already tomorrow
    page.get_by_label("Dag").fill(today)
    page.get_by_role("button", name="Planera påminnelsen").click()
    expect(
        page.get_by_role("status").filter(has_text=f"Påminnelsen är planerad till {today}.")
    ).to_be_visible()
    before = len(handler.received)
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "DATABASE_URL": served.database,
        "SECRET_KEY": "journey-remind",
        "SAMVERKAN_INSTANCE_PATH": str(served.log.parent / "instance"),
        "SAMVERKAN_PUBLIC_URL": served.base,
        **mail,
    }
    remind = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "questionnaires", "remind"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert remind.returncode == 0, remind.stderr
    assert f"{RECIPIENTS - 2} sent, 0 failed" in remind.stdout, remind.stdout
    reminded = links_in(handler.received[before:])
    assert len(reminded) == RECIPIENTS - 2
    assert GOTLAND not in reminded and KARLSKRONA not in reminded
    assert all(reminded[address] != first_links[address] for address in reminded)
    page.reload()
    table = page.get_by_role("region", name="Påminnelser")
    expect(table.get_by_role("row").filter(has_text=today)).to_contain_text("Skickad")
    screenshot(page, "journey-4-reminders")
    table.get_by_role("link", name="utskicket").click()
    expect(page.get_by_text(f"Skickad: {RECIPIENTS - 2}", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Region Gotland")).to_have_count(0)
    ostersund = "registrator@2380.example.se"
    for link in (first_links[ostersund], reminded[ostersund]):  # the old link still works
        phone.goto(link)
        expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(phone.get_by_role("button", name="Skicka in")).to_be_enabled()
    gotland.goto(first_links[GOTLAND])  # answered: the link leads to the receipt
    expect(gotland.get_by_role("heading", level=1)).to_contain_text("Kvitto")

    # 5. The results: 2 of 14, per county, a question on the map.
    page.goto(detail)
    expect(page.locator("[data-figure=response-rate]")).to_have_text(f"2 av {RECIPIENTS} (14 %)")
    screenshot(page, "journey-5-questionnaire")
    page.get_by_role("link", name="Visa resultatet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Resultat")
    expect(page.locator("[data-figure=answered]")).to_have_text(f"2 av {RECIPIENTS} (14 %)")
    counties = page.get_by_role("region", name="Svarsfrekvens per län")
    for county, recipients, answered, share in (
        ("Gotlands län", "1", "1", "100 %"),
        ("Blekinge län", "5", "1", "20 %"),
        ("Jämtlands län", "8", "0", "0 %"),
    ):
        cells = counties.get_by_role("row", name=re.compile(f"^{county}")).get_by_role("cell")
        for number, shown in enumerate((recipients, answered, share)):
            expect(cells.nth(number)).to_have_text(shown)
    page.get_by_label("Fråga att visa på kartan").select_option(label=MIGRATION_Q)
    page.get_by_role("button", name="Visa på kartan").click()
    legend = page.locator(".result-legend li")
    expect(legend.filter(has_text="Ja").locator(".legend__count")).to_have_text("1")
    expect(legend.filter(has_text="Vet inte").locator(".legend__count")).to_have_text("1")
    expect(legend.filter(has_text="Inget svar").locator(".legend__count")).to_have_text(
        str(RECIPIENTS - 2)
    )
    screenshot(page, "journey-5-results")
    title = page.locator('svg.map path[data-code="0980"]').locator("xpath=..").locator("title")
    expect(title).to_have_text(re.compile(r"Gotland.*: Ja$"))

    # The municipalities' pages: their answers, and "svarade på enkäten" in the history.
    page.locator('svg.map path[data-code="0980"]').locator("xpath=..").click()
    answers = page.locator(".answer-list")
    expect(answers).to_contain_text("Anna Berg, socialsekreterare")
    expect(answers).to_contain_text("Tolkar saknas ofta.")
    expect(page.get_by_text("Anna Berg · svarade på enkäten")).to_be_visible()
    expect(page.get_by_text(f"«{TITLE}»")).to_be_visible()
    screenshot(page, "journey-5-gotland")
    page.go_back()
    page.locator('svg.map path[data-code="1080"]').locator("xpath=..").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Karlskrona")
    expect(page.locator(".answer-list")).to_contain_text("Vet inte")
    # Only the answered questions are listed, by their text (a running number would call
    # the scale question "2." here, the fifth on the questionnaire and the results page).
    expect(page.locator(".answer-list dt")).to_have_text(
        [CONTACT_Q, SCALE_Q, THEMES_Q, MIGRATION_Q]
    )
    expect(page.get_by_text("svarade på enkäten")).to_be_visible()

    # The lägesbild's Teman: the tolk theme named by both, the other by Gotland alone.
    page.goto("/rapporter/lagesbild")
    part = page.locator("section[data-section='themes']")
    figures = {}
    for theme in THEMES:
        row = part.locator("tr", has=page.get_by_role("link", name=theme))
        figures[theme] = row.locator("[data-figure='theme-municipalities']")
    expect(figures[THEMES[0]]).to_have_text("2")
    expect(figures[THEMES[1]]).to_have_text("1")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    part.screenshot(path=str(ARTIFACTS / "journey-5-lagesbild-teman.png"))
    row = part.locator("tr", has=page.get_by_role("link", name=THEMES[0], exact=True))
    row.get_by_role("link", name=re.compile("^Visa")).click()
    counties = page.locator("table[data-breakdown='county']")
    for county in ("Gotlands län", "Blekinge län"):
        expect(counties.get_by_role("row", name=re.compile(county))).to_contain_text("1")
