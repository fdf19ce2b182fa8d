"""Cross-site scripting: hostile text in every field a user fills is shown escaped on every
page that shows it (lists, details, edit forms, search, start page, reports, history), query
parameters are echoed escaped, and the address fields take only http(s) links."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from ..conftest import login
from . import payload_world

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    "<svg onload=alert(1)>",
    "' onmouseover='alert(1)",
]
#: Attributes whose value a browser follows or loads.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
#: Tags no page of ours contains; injected, they would load or run something.
FOREIGN_TAGS = {"iframe", "object", "embed", "base", "frame"}


class MarkupScanner(HTMLParser):
    """Finds what injected markup would add to a page: event handlers, inline scripts,
    script-bearing URLs and foreign embedding tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, content in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and content:
                cleaned = re.sub(r"[\s\x00-\x1f]", "", content).lower()
                if cleaned.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"<{tag} {name}={content!r}>")
        if tag == "script" and not attributes.get("src"):
            self.problems.append("inline <script>")
        if tag in FOREIGN_TAGS:
            self.problems.append(f"<{tag}>")


def markup_problems(page: str) -> list[str]:
    scanner = MarkupScanner()
    scanner.feed(page)
    scanner.close()
    return scanner.problems


def raw_payload_problems(page: str, payloads: list[str]) -> list[str]:
    """Payloads that reached the page unescaped (those that change when escaped), and
    template expressions that were evaluated."""
    problems = []
    for payload in payloads:
        if str(escape(payload)) != payload and payload in page:
            problems.append(f"raw {payload!r}")
    for fragment in ("<img src=x", "<svg onload", "<script>alert", "' onmouseover='"):
        if fragment in page:
            problems.append(f"raw fragment {fragment!r}")
    if re.search(r"(?<![{\w])49 X\d", page):
        problems.append("{{7*7}} was evaluated")
    return problems


def test_the_checks_themselves_find_injected_markup():
    for injected in (
        "<p><img src=x onerror=alert(1)></p>",
        "<a href=' JaVa\tScRiPt:alert(1)'>x</a>",
        "<script>alert(1)</script>",
        "<svg onload=alert(1)>",
        "<input value='' onmouseover='alert(1)'>",
        '<iframe src="https://evil.example"></iframe>',
    ):
        assert markup_problems(injected), injected
    assert raw_payload_problems("<p>49 X3meetingtitle</p>", PAYLOADS)
    escaped = "".join(f"<p>{escape(p)} X1x</p>" for p in PAYLOADS)
    assert markup_problems(escaped) == raw_payload_problems(escaped, PAYLOADS) == []


@pytest.fixture
def world(seeded, users):
    return payload_world.build(seeded, PAYLOADS)


@pytest.fixture
def admin(client, users):
    login(client, users["admin"])
    return client


def fetch(client, path: str) -> tuple[int, str]:
    response = client.get(path)
    assert response.status_code < 500, f"{path}: {response.status_code}"
    return response.status_code, response.text if response.mimetype == "text/html" else ""


def test_stored_payloads_are_escaped_everywhere(admin, world):
    paths = payload_world.shared_pages(world)
    for item in world.planted:
        paths += payload_world.pages_showing(item, world)
    # A query of 1–2 letter words finds names beginning with them (app/common/search_plan.py);
    # the contact whose first name holds "X0first" is found by a word of the text index.
    paths.append(f"/sok?q=X{world.planted[0].number}first")
    pages = {}
    problems = {}
    for path in paths:
        status, page = fetch(admin, path)
        assert status == 200, path
        pages[path] = page
        found = markup_problems(page) + raw_payload_problems(page, PAYLOADS)
        if found:
            problems[path] = found
    assert problems == {}

    # Every field of every payload is shown, escaped, on some page; so the walk proved
    # something about each of them.
    everything = "\n".join(pages.values())
    never_shown = [
        text
        for item in world.planted
        for name, text in item.texts.items()
        if str(escape(text)) not in everything
    ]
    assert never_shown == []

    # And where one would look for them.
    first = world.planted[0]
    expected = {
        f"/organisationer/{first.organisation_id}": ["orgname", "shortname", "orgnotes"],
        f"/organisationer/{first.municipality_id}": [
            "kommun",
            "opportunities",
            "challenges",
            "stagecomment",
        ],
        f"/kontakter/{first.contact_id}": ["first", "last", "contactnotes", "tag", "roletitle"],
        f"/moten/{first.meeting_id}": [
            "meetingtitle",
            "place",
            "agenda",
            "meetingnotes",
            "outcome",
            "topic",
            "targetgroup",
            "perspective",
            "username",
        ],
        f"/uppfoljningar/{first.follow_up_id}": ["followuptitle", "followupdesc"],
        f"/uppfoljningar/{first.done_follow_up_id}": ["completionnote"],
        "/": ["meetingtitle", "followuptitle"],
        "/rapporter/lagesbild": ["kommun", "opportunities", "challenges"],
        f"/rapporter/sammanstallning?manad={world.month}": ["meetingtitle", "outcome", "topic"],
        f"/sok?q=X{first.number}": ["orgname", "meetingtitle"],
        f"/sok?q=X{first.number}first": ["first"],
        "/kontakter/dubbletter": ["first"],
    }
    missing = {
        path: [name for name in names if str(escape(first.texts[name])) not in pages[path]]
        for path, names in expected.items()
    }
    assert {path: names for path, names in missing.items() if names} == {}


REFLECTED = [
    "/sok?q={p}",
    "/organisationer?q={p}&typ={p}&lan={p}&steg={p}&sort={p}&ordning={p}&sida={p}",
    "/kontakter?q={p}&tagg={p}&status={p}&organisation={p}&typ={p}&lan={p}&sort={p}",
    "/moten?q={p}&amne={p}&fran={p}&till={p}&typ={p}&status={p}&lan={p}&person={p}"
    "&perspektiv={p}&orgtyp={p}",
    "/uppfoljningar?visa={p}&sida={p}",
    "/?moten={p}",
    "/rapporter/sammanstallning?manad={p}",
    "/rapporter/sammanstallning?fran={p}&till={p}",
    "/rapporter/sammanstallning/utskrift?manad={p}",
    "/rapporter/lagesbild?lan={p}&steg={p}",
    "/rapporter/tystnad?manader={p}&typ={p}",
    "/rapporter/slutredovisning?till={p}",
    "/rapporter/slutredovisning/utskrift?till={p}",
    "/moten/ny?organisation={p}&kontakt={p}",
    "/uppfoljningar/ny?mote={p}&organisation={p}&kontakt={p}",
    "/kontakter/ny?organisation={p}",
    "/kontakter/import/1?visa={p}",
    "/finns-inte/{p}",
]
#: Pages that show the query back (in the search box or the field with the bad value).
ECHOED = {"/sok", "/organisationer", "/kontakter", "/moten", "/rapporter/sammanstallning"}


def test_query_parameters_are_echoed_escaped(admin, example_rows):
    from urllib.parse import quote

    problems = {}
    for payload in PAYLOADS:
        for template in REFLECTED:
            path = template.format(p=quote(payload, safe=""))
            _status, page = fetch(admin, path)
            found = markup_problems(page) + raw_payload_problems(page, PAYLOADS)
            if found:
                problems[path] = found
            if path.split("?")[0] in ECHOED and str(escape(payload)) not in page:
                problems.setdefault(path, []).append("the value is not shown back")
    assert problems == {}


def test_login_page_escapes_next(client):
    from urllib.parse import quote

    for payload in PAYLOADS:
        status, page = fetch(client, "/logga-in?next=" + quote("/" + payload, safe=""))
        assert status == 200
        assert markup_problems(page) + raw_payload_problems(page, PAYLOADS) == []


def test_flash_messages_escape_what_was_typed(seeded, as_role):
    """Names come back in "… är skapad." messages; typed through the forms."""
    client = as_role("coordinator")
    for number, payload in enumerate(PAYLOADS):
        response = client.post(
            "/kontakter/ny",
            data={"first_name": payload, "last_name": f"Flash{number}"},
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert markup_problems(response.text) + raw_payload_problems(response.text, PAYLOADS) == []
        assert str(escape(payload)) in response.text
        response = client.post(
            "/organisationer/ny",
            data={"name": f"{payload} {number}", "kind": "civilsamhalle"},
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert markup_problems(response.text) + raw_payload_problems(response.text, PAYLOADS) == []


def test_import_pages_escape_the_file_and_its_name(seeded, as_role):
    header = ["Förnamn", "Efternamn", *PAYLOADS]
    rows = [[payload, f"Import{n}", *PAYLOADS] for n, payload in enumerate(PAYLOADS)]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, *rows])
    data = buffer.getvalue()
    client = as_role("coordinator")
    response = client.post(
        "/kontakter/import",
        data={"file": (io.BytesIO(data.encode()), '<script>alert(1)</script>".csv')},
    )
    assert response.status_code == 302, response.text[:500]
    mapping = response.headers["Location"]
    preview = mapping.removesuffix("/kolumner")
    for path in (mapping, preview, preview + "?visa=create", "/kontakter/import"):
        status, page = fetch(client, path)
        assert status == 200
        assert markup_problems(page) + raw_payload_problems(page, PAYLOADS) == [], path
    assert str(escape(PAYLOADS[1])) in fetch(client, preview)[1]


def test_an_invitation_with_a_script_link_is_not_linked(seeded, as_role):
    invite = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x@y\r\n"
        "DTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\n"
        'SUMMARY:<script>alert(1)</script>\r\nLOCATION:\\"><img src=x onerror=alert(1)>\r\n'
        "X-MICROSOFT-SKYPETEAMSMEETINGURL:javascript:alert(1)\r\n"
        'ORGANIZER;CN="<svg onload=alert(1)>":mailto:evil@example.se\r\n'
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    response = as_role("coordinator").post(
        "/moten/importera-inbjudan", data={"file": (io.BytesIO(invite.encode()), "i.ics")}
    )
    assert response.status_code == 200
    assert markup_problems(response.text) + raw_payload_problems(response.text, PAYLOADS) == []


def test_scripts_never_write_html():
    """The pickers and helpers put text into the page as text, never as markup."""
    sources = Path(__file__).resolve().parents[2] / "app" / "static" / "js"
    sinks = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(")
    found = {
        script.name: [s for s in sinks if s in script.read_text()]
        for script in sources.glob("*.js")
    }
    assert {name: hits for name, hits in found.items() if hits} == {}


# --- Address fields ---------------------------------------------------------------------------

BAD_LINKS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://www.example.se/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    'https://www.example.se/" onmouseover="alert(1)',
]
WEBSITE_MESSAGE = "Ange en webbadress som börjar med http:// eller https://."
LINK_MESSAGE = "Ange en länk som börjar med http:// eller https://."


def count(model) -> int:
    from app.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


def meeting_form(**extra) -> dict[str, str]:
    return {
        "title": "Möte med länk",
        "kind": "digitalt",
        "status": "planerat",
        "day": "2026-12-01",
        "start": "10:00",
        "end": "11:00",
        "organisations": "1",
        "responsible": "1",
        **extra,
    }


def test_organisation_website_must_be_http(seeded, as_role, app):
    from app.organisations.models import Organisation

    client = as_role("coordinator")
    with app.app_context():
        before = count(Organisation)
    for link in BAD_LINKS:
        for path in ("/organisationer/ny", "/organisationer/1/redigera"):
            response = client.post(
                path,
                data={
                    "name": "Förening med länk",
                    "kind": "civilsamhalle",
                    "website": link,
                    "version": "1",
                },
            )
            assert response.status_code == 200, (path, link)
            assert WEBSITE_MESSAGE in response.text, (path, link)
            assert markup_problems(response.text) == [], (path, link)
    with app.app_context():
        assert count(Organisation) == before
        assert db_value(Organisation, 1, "website") in (None, "")
    ok = client.post(
        "/organisationer/ny",
        data={"name": "Förening", "kind": "civilsamhalle", "website": "www.example.se"},
    )
    assert ok.status_code == 302


def db_value(model, row_id: int, column: str):
    from app.extensions import db

    return getattr(db.session.get(model, row_id), column)


def test_meeting_link_must_be_http(example_rows, as_role, app):
    from app.meetings.models import Meeting

    client = as_role("coordinator")
    for link in BAD_LINKS:
        response = client.post("/moten/ny", data=meeting_form(online_link=link))
        assert response.status_code == 200, link
        assert LINK_MESSAGE in response.text, link
        edit = client.post("/moten/1/redigera", data=meeting_form(online_link=link, version="1"))
        assert edit.status_code == 200, link
        assert LINK_MESSAGE in edit.text, link
    with app.app_context():
        assert count(Meeting) == 1
        assert db_value(Meeting, 1, "online_link") == ""
    ok = client.post("/moten/ny", data=meeting_form(online_link="https://meet.example.se/abc"))
    assert ok.status_code == 302
