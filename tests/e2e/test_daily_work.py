"""A coordinator's day in the browser: log a meeting with Malmö's social services from the
start page with two contacts and two follow-ups, see them on the start page and Malmö's
page, complete one, and see the coverage figure move."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

from app.common.time import local_today

from .conftest import screenshot


def municipalities_reached(page) -> int:
    page.goto("/")
    stat = page.locator(".stat", has_text="kommuner med möte hållet").locator(".stat__value")
    return int(re.match(r"\s*(\d+)", stat.inner_text()).group(1))


def test_log_a_meeting_with_malmo_from_the_start_page(new_page):
    page = new_page("coordinator")
    before = municipalities_reached(page)
    screenshot(page, "start-before")
    started = time.monotonic()

    page.get_by_role("main").get_by_role("link", name="Logga möte").click()
    page.get_by_label("Rubrik").fill("Dialog med socialtjänsten i Malmö")
    # Today from midnight, so the meeting is this week's and has begun whatever the hour the
    # test runs ("Efter mötet" asks before marking a meeting held that has not begun).
    page.get_by_label("Datum", exact=True).fill(local_today().isoformat())
    page.get_by_label("Börjar").fill("00:00")
    page.get_by_label("Slutar").fill("01:00")
    # Search-as-you-type for the organisation, then its contacts.
    organisations = page.get_by_role("combobox", name="Organisationer")
    organisations.fill("socialtj malmo")
    page.locator(".picker__options:visible").get_by_role(
        "option", name=re.compile("Socialtjänsten, Malmö kommun")
    ).click()
    expect(page.locator(".picker__chip", has_text="Socialtjänsten, Malmö kommun")).to_be_visible()
    contacts = page.get_by_role("combobox", name="Deltagande kontakter")
    contacts.click()
    offered = page.locator(".picker__options:visible").get_by_role("option")
    # The social services' people are offered before typing (another browser test on the
    # same server may have added one more there, so their number is not fixed).
    expect(offered.filter(has_text="Sara Lindqvist")).to_have_count(1)
    offered.filter(has_text="Sara Lindqvist").click()
    contacts.fill("johan")
    contacts.press("Enter")  # the first match is highlighted
    expect(page.locator(".picker__chip")).to_have_count(3)  # 1 organisation, 2 contacts
    screenshot(page, "meeting-form")
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", name="Dialog med socialtjänsten i Malmö")).to_be_visible()
    expect(page.get_by_role("link", name="Sara Lindqvist")).to_be_visible()
    expect(page.get_by_role("link", name="Johan Berg")).to_be_visible()

    page.get_by_role("link", name="Efter mötet: resultat och uppföljningar").click()
    page.get_by_label("Resultat").fill("Socialtjänsten tar fram en rutin för återvandring.")
    soon = local_today() + timedelta(days=3)
    for index, title in enumerate(["Skicka underlag om bidraget", "Boka uppföljande möte"]):
        page.locator(f"#follow_ups-{index}-title").fill(title)
        page.locator(f"#follow_ups-{index}-due_on").fill(soon.isoformat())
    page.get_by_role("button", name="Spara").click()
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"logging took {elapsed:.0f} s"
    screenshot(page, "meeting")

    # The start page shows the meeting this week and both follow-ups as due soon.
    page.goto("/")
    weeks = page.locator(".dashboard__weeks")
    expect(weeks.get_by_role("link", name="Dialog med socialtjänsten i Malmö")).to_be_visible()
    mine = page.locator(".dashboard__followups")
    expect(mine.get_by_role("link", name="Skicka underlag om bidraget")).to_be_visible()
    expect(mine.get_by_role("link", name="Boka uppföljande möte")).to_be_visible()
    assert municipalities_reached(page) == before + 1
    screenshot(page, "start-after")

    # Malmö's page shows the meeting and the follow-ups of its social services.
    page.goto("/organisationer?q=malmö")
    page.get_by_role("link", name="Malmö kommun", exact=True).click()
    meetings = page.locator("section", has=page.locator("#meetings-section-heading"))
    expect(meetings.get_by_role("link", name="Dialog med socialtjänsten i Malmö")).to_be_visible()
    expect(page.get_by_role("link", name="Boka uppföljande möte")).to_be_visible()
    expect(
        page.get_by_text(f"Senaste genomförda möte: {local_today().isoformat()}")
    ).to_be_visible()
    screenshot(page, "organisation")

    # The lägesbild shows Malmö as reached today, with its open follow-ups.
    page.goto("/rapporter/lagesbild?lan=12")
    malmo_row = page.locator("tr", has=page.get_by_role("link", name="Malmö kommun", exact=True))
    expect(malmo_row).to_contain_text(local_today().isoformat())
    screenshot(page, "situation-after")

    # Complete one follow-up in one click from the start page.
    page.goto("/")
    row = page.locator(".dashboard__followups tr", has_text="Skicka underlag om bidraget")
    row.get_by_role("textbox").fill("Skickat per e-post")
    row.get_by_role("button", name="Klar").click()
    mine = page.locator(".dashboard__followups")
    expect(mine.get_by_role("link", name="Boka uppföljande möte")).to_be_visible()
    expect(mine.get_by_role("link", name="Skicka underlag om bidraget")).to_have_count(0)


def test_invitation_and_subscription_from_the_browser(new_page):
    """Download a meeting's invitation, cancel the meeting and download the cancellation,
    and subscribe to one's feed: every file parses, the UID stays and SEQUENCE rises."""
    from icalendar import Calendar

    page = new_page("coordinator")
    page.goto("/moten/ny")
    page.get_by_label("Rubrik").fill("Planerat möte med Malmö")
    page.get_by_label("Status").select_option(label="Planerat")
    page.get_by_label("Datum", exact=True).fill((local_today() + timedelta(days=7)).isoformat())
    page.get_by_role("combobox", name="Organisationer").fill("malmö kommun")
    page.locator(".picker__options:visible").get_by_role("option").first.click()
    page.get_by_role("button", name="Spara mötet").click()
    page.get_by_role("link", name="Ny uppföljning").click()
    page.get_by_label("Vad ska göras").fill("Förbered underlag")
    page.get_by_label("Sista dag").fill((local_today() + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Spara").click()
    page.get_by_role("link", name="Planerat möte med Malmö").first.click()

    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner inbjudan").click()
    assert download.value.suggested_filename.endswith("Planerat möte med Malmö.ics")
    invitation = Calendar.from_ical(Path(download.value.path()).read_bytes())
    (event,) = invitation.walk("VEVENT")
    assert invitation["METHOD"] == "REQUEST" and str(event["SUMMARY"]) == "Planerat möte med Malmö"

    page.get_by_role("button", name="Ställ in mötet").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner avbokning").click()
    cancellation = Calendar.from_ical(Path(download.value.path()).read_bytes())
    (cancelled,) = cancellation.walk("VEVENT")
    assert cancellation["METHOD"] == "CANCEL" and cancelled["UID"] == event["UID"]
    assert int(cancelled["SEQUENCE"]) > int(event["SEQUENCE"])
    screenshot(page, "meeting-cancelled")

    page.goto("/konto")
    page.get_by_role("link", name="Kalenderprenumeration").click()
    page.get_by_role("button", name="Skapa länk").click()
    link = page.get_by_label("https-länk (för att klistra in)").first.input_value()
    screenshot(page, "subscription")
    feed = page.request.get(link)  # as a calendar program would: the link is the key
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(feed.body()).walk("VEVENT")}
    assert events["Planerat möte med Malmö"]["STATUS"] == "CANCELLED"
    deadline = events["Sista dag: Förbered underlag"]  # the follow-up's due date, all day
    assert deadline.decoded("DTSTART") == local_today() + timedelta(days=5)


def test_a_reader_sees_everything_and_can_change_nothing(new_page):
    page = new_page("reader")
    for path in ["/", "/organisationer", "/kontakter", "/moten", "/uppfoljningar", "/rapporter"]:
        response = page.goto(path)
        assert response.status == 200, path
        main = page.get_by_role("main")
        for control in ["Logga möte", "Ny kontakt", "Ny uppföljning", "Redigera", "Importera"]:
            expect(main.get_by_role("link", name=control, exact=True)).to_have_count(0)
        expect(main.get_by_role("button", name="Klar")).to_have_count(0)
    expect(page.get_by_role("banner").get_by_role("link", name="Logga möte")).to_have_count(0)
    screenshot(page, "reader-start")
    # A forged write (with a valid CSRF token from the reader's own page) is refused.
    page.goto("/konto")
    token = page.locator("input[name=csrf_token]").first.input_value()
    forged = page.request.post(
        "/moten/ny", form={"csrf_token": token, "title": "Förfalskat", "version": "1"}
    )
    assert forged.status == 403
    without_token = page.request.post("/kontakter/ny", form={"first_name": "X"})
    assert without_token.status in (400, 403)
