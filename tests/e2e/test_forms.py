"""Forms driven the way people use them: readers meet no write form, owners are people who
may be given work, "Efter mötet" asks before marking a future meeting held, contact errors
show at their field, and a long import cannot be submitted twice."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from app.common.time import local_today

WRITE_PATHS = ("/kontakter/ny", "/moten/ny", "/uppfoljningar/ny", "/organisationer/ny")


def test_a_reader_sees_no_edit_links_and_cannot_open_a_write_form(new_page):
    page = new_page("reader")
    for path in ("/", "/kontakter", "/moten", "/uppfoljningar", "/organisationer"):
        page.goto(path)
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.pathname)")
        writes = [h for h in hrefs if h in WRITE_PATHS or h.endswith(("/redigera", "/import"))]
        assert writes == [], (path, writes)
        expect(page.locator("form[method=post] button", has_text="Spara")).to_have_count(0)
    page.goto("/kontakter")
    page.get_by_role("link", name=re.compile("Lindqvist")).first.click()
    expect(page.get_by_role("link", name="Redigera")).to_have_count(0)
    for path in WRITE_PATHS:
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.locator("main form[method=post]")).to_have_count(0)


def test_the_owner_select_offers_no_reader(new_page):
    page = new_page("coordinator")
    page.goto("/uppfoljningar/ny")
    owners = page.get_by_label("Ansvarig").locator("option").all_inner_texts()
    assert "Kim Samordnare" in owners and "Ali Kollega" in owners
    assert "Lisa Läsare" not in owners


def log_a_meeting(page, title: str, day) -> None:
    page.goto("/moten/ny")
    page.get_by_label("Rubrik").fill(title)
    page.get_by_label("Status").select_option(label="Planerat")
    page.get_by_label("Datum", exact=True).fill(day.isoformat())
    page.get_by_label("Börjar").fill("10:00")
    page.get_by_label("Slutar").fill("11:00")
    organisations = page.get_by_role("combobox", name="Organisationer")
    # An agency: marking the meeting held must not move the municipalities' figures that
    # the other browser tests read from the same server.
    organisations.fill("migrationsverket")
    page.locator(".picker__options:visible").get_by_role(
        "option", name=re.compile("Migrationsverket")
    ).first.click()
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_efter_motet_on_a_future_meeting_asks_before_marking_it_held(new_page):
    page = new_page("coordinator")
    log_a_meeting(page, "Framtida dialog", local_today() + timedelta(days=7))
    meeting_url = page.url
    page.get_by_role("link", name="Efter mötet: resultat och uppföljningar").click()
    expect(page.locator("#not-started")).to_contain_text("har alltså inte hållits än")
    page.get_by_label("Resultat").fill("Vi pratade i telefon i förväg.")
    page.get_by_role("button", name="Spara").click()
    error = page.locator("#held_early-error")
    expect(error).to_contain_text("Mötet har inte börjat än enligt kalendern")
    box = page.get_by_label("Ja, mötet är hållet")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Resultat")).to_have_value("Vi pratade i telefon i förväg.")
    page.goto(meeting_url)
    expect(page.locator(".eyebrow")).to_contain_text("Planerat")
    page.get_by_role("link", name="Efter mötet: resultat och uppföljningar").click()
    page.get_by_label("Resultat").fill("Vi pratade i telefon i förväg.")
    page.get_by_label("Ja, mötet är hållet").check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(meeting_url)
    expect(page.locator(".eyebrow")).to_contain_text("Genomfört")


def test_a_bad_email_is_shown_at_its_field(new_page):
    page = new_page("coordinator")
    page.goto("/kontakter/ny")
    page.get_by_label("Förnamn").fill("Bo")
    page.get_by_label("Efternamn").fill("Fel")
    page.get_by_label("E-postadresser").fill("inte-en-adress")
    page.get_by_role("button", name="Spara").click()
    field = page.get_by_label("E-postadresser")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(r"\bemails-error\b"))
    expect(page.locator("#emails-error")).to_contain_text("Ange en giltig e-postadress")
    expect(page.locator(".flash--error")).to_have_count(0)
    expect(page.get_by_label("Förnamn")).to_have_value("Bo")


def test_the_import_button_is_disabled_with_a_live_message_while_it_works(new_page, tmp_path):
    page = new_page("coordinator")
    page.goto("/kontakter/import")
    path = tmp_path / "kontakter.csv"
    path.write_text("Förnamn;Efternamn\r\nAnna;Ek\r\n", encoding="utf-8")
    page.get_by_label("Fil", exact=True).set_input_files(str(path))
    held, posts = [], []

    def hold(route):
        if route.request.method == "POST":
            posts.append(route.request)
            held.append(route)
        else:
            route.continue_()

    page.route("**/kontakter/import", hold)
    # The answer goes to a hidden frame, so this page stays to be looked at while the
    # server "works" (the request is held).
    page.evaluate(
        """() => {
          const sink = document.createElement("iframe");
          sink.name = "sink";
          sink.hidden = true;
          document.body.append(sink);
          document.querySelector("form[enctype]").target = "sink";
        }"""
    )
    button = page.get_by_role("button", name="Läs in filen")
    button.click()
    expect(button).to_be_disabled()
    status = page.locator(".busy-status[role=status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text("Filen läses in")
    # Sending the form again (Enter in a field) while the server works sends nothing.
    page.evaluate("document.querySelector('form[enctype]').requestSubmit()")
    page.wait_for_timeout(300)
    assert len(posts) == 1
    page.unroute("**/kontakter/import")
    # For real now: on to the columns, and back with the browser's back button.
    page.goto("/kontakter/import")
    page.get_by_label("Fil", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Läs in filen").click()
    page.wait_for_url(re.compile(r"/kolumner$"))
    page.go_back()
    page.wait_for_url(re.compile(r"/kontakter/import$"))
    expect(page.get_by_role("button", name="Läs in filen")).to_be_enabled()
    expect(page.locator(".busy-status")).to_have_text("")


def test_a_file_not_in_utf8_is_read_right_once_its_encoding_is_chosen(new_page, tmp_path):
    """The encoding question is answered by clicking a choice, as a person would; the columns
    step then shows the letters right."""
    page = new_page("coordinator")
    page.goto("/kontakter/import")
    path = tmp_path / "kontakter.csv"
    path.write_bytes("Förnamn;Efternamn;Ort\r\nÅsa;Öberg;Västerås\r\n".encode("cp1252"))
    page.get_by_label("Fil", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Läs in filen").click()
    expect(page.get_by_role("heading", name="Vilken teckenkodning har filen?")).to_be_visible()
    page.get_by_label(re.compile("Windows-1252")).check()
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.locator("main")).to_contain_text("Västerås")
    expect(page.locator("main")).not_to_contain_text("VÃ¤")
    assert "teckenkodning" not in page.url


def test_a_new_unit_is_made_from_its_municipality_and_is_an_enhet(new_page):
    """ "Ny enhet" on a municipality's page: no kind to choose, and the unit is named with its
    municipality everywhere after saving."""
    page = new_page("coordinator")
    page.goto("/organisationer?q=Kramfors")
    page.get_by_role("link", name="Kramfors kommun", exact=True).click()
    page.get_by_role("link", name="Ny enhet").click()
    expect(page.get_by_role("heading", name="Ny enhet under Kramfors kommun")).to_be_visible()
    expect(page.get_by_label("Typ", exact=True)).to_have_count(0)
    page.get_by_label("Namn", exact=True).fill("Individ- och familjeomsorgen")
    page.get_by_role("button", name="Spara").click()
    main = page.locator("main")
    expect(main).to_contain_text("Enhet")
    expect(main).to_contain_text("Kramfors kommun")
    page.goto("/organisationer?q=familjeomsorgen")
    expect(page.locator("main")).to_contain_text("Individ- och familjeomsorgen, Kramfors kommun")


def test_an_organisation_chosen_in_a_picker_is_saved_and_kept_in_the_filter(new_page):
    """The organisation pickers (LongSelect, rendered in one pass): a person picks an
    organisation for a new contact, then filters the contact list by it; the filter shows
    the chosen organisation again after the page reloads."""
    page = new_page("coordinator")
    page.goto("/kontakter/ny")
    page.get_by_label("Förnamn").fill("Vera")
    page.get_by_label("Efternamn").fill("Väljare")
    page.get_by_label("Telefonnummer").fill("0612-123 45")
    page.get_by_label("Organisation", exact=True).select_option(label="Kramfors kommun")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", name="Vera Väljare")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Kramfors kommun")

    page.goto("/kontakter")
    page.get_by_label("Organisation", exact=True).select_option(label="Kramfors kommun")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_role("link", name="Väljare, Vera")).to_be_visible()
    chosen = page.get_by_label("Organisation", exact=True)
    expect(chosen.locator("option:checked")).to_have_text("Kramfors kommun")
    expect(page.locator("main")).to_contain_text("0612-123 45")
