"""The hostile walk (issue 18, item 1 and 2): every route of the URL map, for every role and
anonymously, with hostile values in each URL argument (huge ids, 0, odd strings, bad bytes),
hostile query strings (huge page numbers and ids, dates in year 1 and 9999, bad bytes, very
long text) and writes with a missing, a stale and a valid CSRF token carrying hostile form
values, against one gunicorn server per run. No answer may be a 5xx, and the server's log
may hold no traceback. The walk prints its time."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from app import create_app
from app.common.database import SAFE_METHODS

from .conftest import Client

URL_MAP = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map
RULES = sorted(URL_MAP.iter_rules(), key=lambda r: (r.rule, r.endpoint))
ROLES = [None, "reader", "coordinator", "admin"]
#: Ending the session would leave the rest of that role's walk anonymous.
SKIPPED = {"auth.logout"}

EXAMPLE_VALUES = {"filename": "css/samverkan.css", "fmt": "csv", "second_id": 2}
HOSTILE_IDS = ["99999999999999999999", "0", "2147483648", "9223372036854775808", "-1", "1.5"]
HOSTILE_TEXT = ["%ff", "%00", "%c3%28", "..%2f..%2fetc", "x" * 3000, "%3Cscript%3E", "1e9"]
HUGE = "99999999999999999999"
HOSTILE_QUERIES = [
    f"sida={HUGE}",
    "sida=-5&moten=-1",
    f"moten={HUGE}",
    "fran=0001-01-01&till=9999-12-31",
    "fran=9999-12-31",
    "till=0001-01-01&manad=0001-01",
    "fran=2026-13-45&till=2026-02-30&manad=9999-99",
    f"organisation={HUGE}&kontakt={HUGE}&mote={HUGE}&parent={HUGE}&person={HUGE}",
    "organisation=-1&kontakt=0&mote=%ff&parent=1e9",
    f"manader={HUGE}&typ=%ff&status=%ff&orgtyp=%ff&lan=%ff&steg=%ff&perspektiv=%ff",
    "visa=%ff&sort=%ff&ordning=fallande&next=%ff",
    f"saknar_material={HUGE}&version=%ff",
    "saknar_material=1&version=1&fran_ar=%ff&till_ar=1e9&amne=%00",
    "next=//evil.example&q=%00%ff",
    "%ff=%ff&q=" + "a" * 5000,
]
#: Form fields of the app's forms, filled with what no form should accept.
HOSTILE_FORM = {
    "organisations": HUGE,
    "contacts": HUGE,
    "team": "0",
    "responsible": HUGE,
    "owner": HUGE,
    "organisation": HUGE,
    "organisation_id": HUGE,
    "parent_id": HUGE,
    "contact": HUGE,
    "survivor": HUGE,
    "version": HUGE,
    "day": "0001-01-01",
    "end_day": "9999-12-31",
    "due_on": "0001-01-01",
    "starts_on": "9999-12-31",
    "ended_on": "0001-01-01",
    "start_time": "99:99",
    "first_name": "\x00\udcff" * 3,
    "title": "x" * 5000,
    "role": "%ff",
    "kind": "%ff",
    "stage": "%ff",
}


def paths(rule) -> list[str]:
    """The rule's URL with example arguments, then with each argument made hostile."""
    example = {a: EXAMPLE_VALUES.get(a, 1) for a in rule.arguments}
    found = [URL_MAP.bind("localhost").build(rule.endpoint, example)]
    for name, converter in rule._converters.items():
        values = HOSTILE_IDS if converter.regex.startswith(r"\d") else HOSTILE_TEXT
        for value in values:
            path = rule.rule
            for argument in rule.arguments:
                shown = value if argument == name else str(example[argument])
                path = re.sub(rf"<(?:[^:>]+:)?{argument}>", shown, path)
            found.append(path)
    return found


def form_body(token: str | None) -> bytes:
    fields = {**HOSTILE_FORM}
    if token is not None:
        fields["csrf_token"] = token
    return urlencode(fields, encoding="utf-8", errors="surrogatepass").encode()


def walk(port: int, role: str | None, stale_token: str) -> tuple[int, list[str]]:
    """Every request of one role's walk; returns (requests made, the 5xx answers)."""
    client = Client(port)
    if role:
        client.log_in(role)
    valid_token = client.csrf_token("/logga-in" if role is None else "/konto/losenord")
    made, failures = 0, []
    for rule in RULES:
        if rule.endpoint in SKIPPED:
            continue
        writes = sorted(rule.methods - SAFE_METHODS)
        for number, path in enumerate(paths(rule)):
            queries = ["", *HOSTILE_QUERIES] if number == 0 else [""]
            requests = [("GET", path + ("?" + q if q else ""), None) for q in queries]
            for method in writes:
                for token in (None, stale_token, valid_token):
                    requests.append((method, path, form_body(token)))
                requests.append((method, path + "?" + HOSTILE_QUERIES[7], form_body(None)))
            for method, url, body in requests:
                if method == "GET" and "GET" not in rule.methods:
                    continue
                status, _text = client.request(method, url, body)
                made += 1
                if status >= 500:
                    failures.append(f"{status} {role or 'anonymous'} {method} {url[:160]}")
    client.close()
    return made, failures


def test_no_hostile_input_gives_a_server_error(hostile_server, capsys):
    port, log = hostile_server
    with Client(port) as other:
        stale = other.csrf_token()  # a real token, of another session
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(ROLES)) as pool:
        results = list(pool.map(lambda role: walk(port, role, stale), ROLES))
    seconds = time.monotonic() - started
    made = sum(count for count, _ in results)
    failures = [failure for _, found in results for failure in found]
    with capsys.disabled():
        print(f"\nhostile walk: {made} requests, {len(RULES)} routes, {seconds:.1f} s")
    assert not failures, "\n".join(failures[:50])
    tracebacks = log.read_text(errors="replace").count("Traceback")
    assert tracebacks == 0, log.read_text(errors="replace")[-5000:]
