"""Tried as a new user would, in a real browser: an Outlook invitation with an unknown
attendee and a Windows time-zone name becomes a meeting with the new contact (chosen by
clicking, at an organisation picked in the form); the organizer moves it and the new
invitation updates the same meeting; a decline shows beside the attendee; a cancellation
cancels it; a garbage file gets a Swedish message."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.sync_api import expect

from app.common.time import local_today

from .conftest import screenshot

VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\n"
    "DTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
)


def outlook_file(*, uid, day, start, end, sequence, method="REQUEST", answer="NEEDS-ACTION"):
    """What Outlook/Exchange sends (and what an attendee's Outlook sends back for a REPLY)."""
    stamp = day.strftime("%Y%m%d")
    return (
        "BEGIN:VCALENDAR\r\nMETHOD:" + method + "\r\nPRODID:Microsoft Exchange Server 2010\r\n"
        "VERSION:2.0\r\n" + VTIMEZONE + "BEGIN:VEVENT\r\n"
        "ORGANIZER;CN=Lena Länsstyrelse:mailto:lena@lansstyrelsen-e2e.se\r\n"
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=" + answer + ";RSVP=TRUE;"
        'CN="Nyström, Nora":mailto:nora.nystrom@lund-e2e.se\r\n'
        "DESCRIPTION;LANGUAGE=sv-SE:Vi går igenom läget.\\n\r\n"
        "SUMMARY;LANGUAGE=sv-SE:Länsträff om återvandring " + uid[:6] + "\r\n"
        f"DTSTART;TZID=W. Europe Standard Time:{stamp}T{start}00\r\n"
        f"DTEND;TZID=W. Europe Standard Time:{stamp}T{end}00\r\n"
        f"UID:{uid}\r\nSEQUENCE:{sequence}\r\nDTSTAMP:20261201T120000Z\r\n"
        "LOCATION;LANGUAGE=sv-SE:Residenset\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def upload(page, data: bytes) -> None:
    page.goto("/moten/importera-inbjudan")
    page.get_by_label("Kalenderfil (.ics)").set_input_files(
        files=[{"name": "inbjudan.ics", "mimeType": "text/calendar", "buffer": data}]
    )
    page.get_by_role("button", name="Läs in").click()


def test_outlook_invitation_round_trip_with_a_new_contact(new_page):
    page = new_page("coordinator")
    uid = f"040000008200E00074C5B7101A82E008{uuid.uuid4().hex.upper()}"
    day = local_today() + timedelta(days=10)
    title = f"Länsträff om återvandring {uid[:6]}"

    upload(page, outlook_file(uid=uid, day=day, start="0930", end="1030", sequence=0))
    expect(page.get_by_label("Rubrik")).to_have_value(title)
    expect(page.get_by_label("Börjar")).to_have_value("09:30")  # W. Europe Standard Time
    person = page.locator('.intake-person[data-email="nora.nystrom@lund-e2e.se"]')
    expect(person).to_contain_text("Nyström, Nora")
    person.get_by_label("Lägg till som kontakt").check()
    person.get_by_label("Organisation").select_option(label="Socialtjänsten, Malmö kommun")
    organizer = page.locator('.intake-person[data-email="lena@lansstyrelsen-e2e.se"]')
    organizer.get_by_label("Hoppa över").check()
    screenshot(page, "intake-new")
    page.get_by_role("button", name="Spara mötet").click()

    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_role("link", name="Nora Nyström")).to_be_visible()
    expect(page.get_by_text("Organisatören skickar inbjudningar")).to_be_visible()
    meeting_url = page.url
    page.get_by_role("link", name="Nora Nyström").click()
    expect(page.get_by_role("main")).to_contain_text("Socialtjänsten")
    expect(page.get_by_role("main")).to_contain_text("nora.nystrom@lund-e2e.se")

    # The organizer moves it in Outlook: the new invitation updates the same meeting.
    upload(page, outlook_file(uid=uid, day=day, start="1300", end="1400", sequence=1))
    expect(page.get_by_role("heading", name="Uppdatering från inbjudan")).to_be_visible()
    expect(page.locator("#intake-changes")).to_contain_text("13:00–14:00")
    page.get_by_role("button", name="Uppdatera mötet").click()
    expect(page).to_have_url(meeting_url)
    expect(page.locator(".page-heading").first).to_contain_text("13:00 – 14:00")

    # Nora declines.
    upload(
        page,
        outlook_file(
            uid=uid,
            day=day,
            start="1300",
            end="1400",
            sequence=1,
            method="REPLY",
            answer="DECLINED",
        ),
    )
    expect(page).to_have_url(meeting_url)
    expect(
        page.locator('section[aria-labelledby="who-heading"] dd', has_text="Nora Nyström")
    ).to_contain_text("Har tackat nej")

    # The organizer cancels.
    upload(
        page, outlook_file(uid=uid, day=day, start="1300", end="1400", sequence=2, method="CANCEL")
    )
    page.get_by_role("button", name="Markera som inställt").click()
    expect(page.locator(".page-heading .eyebrow").first).to_contain_text("Inställt")
    screenshot(page, "intake-cancelled")

    # Only one meeting was ever made from it.
    page.goto("/moten?q=" + uid[:6])
    expect(page.get_by_role("link", name=re.compile(title))).to_have_count(1)

    # A garbage file: a Swedish message, not an error page.
    upload(
        page,
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261345T250000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    expect(page.locator("#file-error")).to_contain_text("Tiden i DTSTART går inte att läsa")


def test_an_exported_calendar_two_events_picked_by_clicking(new_page):
    """A calendar exported with several events: the list shows each (title, local start,
    organizer, participants); two are picked by clicking and become meetings."""
    page = new_page("coordinator")
    tag = uuid.uuid4().hex[:5].upper()  # the title carries the UID's first six
    day = local_today() + timedelta(days=12)
    files = [
        outlook_file(
            uid=f"{n}{tag}-export", day=day + timedelta(days=n), start=s, end=e, sequence=0
        )
        for n, (s, e) in enumerate((("0900", "1000"), ("1100", "1200"), ("1300", "1400")))
    ]
    events = [f[f.index(b"BEGIN:VEVENT") : f.index(b"END:VCALENDAR")] for f in files]
    head = files[0][: files[0].index(b"BEGIN:VEVENT")].replace(b"METHOD:REQUEST", b"METHOD:PUBLISH")
    upload(page, head + b"".join(events) + b"END:VCALENDAR\r\n")

    expect(page.get_by_role("heading", name="Möten i kalenderfilen")).to_be_visible()
    cards = page.locator(".intake-event")
    expect(cards).to_have_count(3)
    expect(cards.nth(1)).to_contain_text(f"{(day + timedelta(days=1)).isoformat()} 11:00")
    expect(cards.nth(1)).to_contain_text("Lena Länsstyrelse")
    expect(cards.nth(1)).to_contain_text("1 deltagare")
    titles = [f"Länsträff om återvandring {n}{tag}" for n in range(3)]
    page.get_by_label(titles[0]).check()
    page.get_by_label(titles[2]).check()
    page.get_by_label("Organisation för de nya mötena").select_option(
        label="Socialtjänsten, Malmö kommun"
    )
    screenshot(page, "intake-several")
    page.get_by_role("button", name="Läs in valda möten").click()

    expect(page.get_by_text("2 möten är sparade.")).to_be_visible()
    page.goto("/moten?q=" + tag)
    expect(page.get_by_role("link", name=re.compile(tag))).to_have_count(2)
    page.get_by_role("link", name=titles[2]).click()
    expect(page.locator(".page-heading").first).to_contain_text("13:00 – 14:00")
    expect(page.get_by_role("main")).to_contain_text("Socialtjänsten")
