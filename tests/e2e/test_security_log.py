"""The security log's filter form in Chromium: an admin chooses an event kind and a user,
types a date, clicks Filtrera, and sees only the rows that match."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .conftest import screenshot
from .world import PASSWORD, USERS


def rows(page) -> list[list[str]]:
    """The table's rows as their cells' text."""
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("table.table tbody tr").all()
    ]


def test_an_admin_filters_the_security_log_by_kind_user_and_date(new_page):
    # Two things to find: the reader refused the log (403), and a failed login as Ali.
    reader = new_page("reader")
    assert reader.goto("/admin/sakerhetslogg").status == 403
    stranger = new_page()
    stranger.goto("/logga-in")
    stranger.get_by_label("E-postadress").fill(USERS["colleague"][0])
    stranger.get_by_label("Lösenord").fill(PASSWORD + "-fel")
    stranger.get_by_role("button", name="Logga in").click()
    stranger.get_by_text("Fel e-postadress eller lösenord.").wait_for()

    page = new_page("admin")
    page.goto("/admin/sakerhetslogg")
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
    page.get_by_label("Händelse").select_option(label="Nekad åtkomst (403)")
    page.get_by_label("Användare").select_option(label=USERS["reader"][1])
    page.get_by_label("Från och med").fill(today.isoformat())
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url("**/admin/sakerhetslogg?*typ=forbidden*")
    shown = rows(page)
    assert shown, "the reader's refusal is listed"
    assert all(r[1] == "Nekad åtkomst (403)" and r[3] == USERS["reader"][1] for r in shown)
    assert any(r[5] == "GET /admin/sakerhetslogg" for r in shown)
    screenshot(page, "security-log-filtered")

    page.get_by_label("Händelse").select_option(label="Misslyckad inloggning")
    page.get_by_label("Användare").select_option(label="Alla")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url("**typ=login_failed*")
    shown = rows(page)
    assert shown and all(r[1] == "Misslyckad inloggning" for r in shown)
    assert USERS["colleague"][0] in [r[3] for r in shown]

    page.get_by_label("Från och med").fill((today + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Filtrera").click()
    page.get_by_text("Inga händelser matchar filtret.").wait_for()
    assert rows(page) == []
