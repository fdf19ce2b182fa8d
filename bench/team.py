"""The headline workload: a team of five working at once, each in their own browser.

Each member of the demo team (the first five coordinators) logs in through the login form
and then, until the time is up, goes round the pages a coordinator uses all day: the start
page, the contact list, a detail page (an organisation or a contact), the lägesbild and the
monthly summary, pausing 0.5–1.5 s (uniform) between actions. One action in ten is a real
write through the app's forms instead, as the browser does it (bench/forms.py):

- tick a follow-up done: GET the start page, take one "Klar" form's action and CSRF token,
  POST it, follow the redirect back to the start page;
- log a held meeting: GET the new-meeting form, fill in a title, an organisation and notes
  on top of the form's own defaults (held, today, the user responsible), POST, follow the
  redirect to the new meeting's page.

A read is one GET; a write is the POST and the redirect it leads to (what the user waits
for after clicking). The GET of the form before a write counts as a read of that page.
Every member has a seeded random generator, so a run makes the same choices in the same
order (the timing, and so how far each member gets, varies).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .client import Client, Response, expect, local_path
from .forms import form_posting_to, forms
from .measure import percentile

#: Seconds of think time between two actions of one member (uniform).
THINK = (0.5, 1.5)
#: Share of actions that are writes.
WRITE_SHARE = 0.1
SEED = "samverkan-bench-team"


class Browser(Protocol):
    """What the writes need of a client: GET, and POST of a form's fields (served over HTTP
    here, in-process with the test client in bench/sqlcount.py)."""

    def get(self, path: str) -> Response: ...

    def post_form(self, path: str, fields: list[tuple[str, str]]) -> Response: ...


@dataclass
class Write:
    kind: str  # "follow-up done" or "meeting logged"
    seconds: float  # POST + the redirect it leads to
    reads: list[tuple[str, Response]] = field(default_factory=list)  # GETs before the POST


def tick_follow_up(browser: Browser, rng: random.Random) -> Write | None:
    """Tick one of the user's open follow-ups done from the start page; None if the start
    page offers none (then the caller logs a meeting instead)."""
    page = expect(browser.get("/"), 200, "start page")
    klar = [
        f for f in forms(page.text, base="/") if f.method == "post" and f.action.endswith("/klar")
    ]
    if not klar:
        return None
    form = rng.choice(klar)
    posted = expect(browser.post_form(local_path(form.action), form.filled({})), 302, "Klar")
    back = expect(browser.get(local_path(posted.headers["Location"])), 200, "after Klar")
    return Write("follow-up done", posted.seconds + back.seconds, [("start page", page)])


def log_meeting(browser: Browser, rng: random.Random, *, label: str = "") -> Write:
    """Log a held meeting with one organisation through the new-meeting form."""
    page = expect(browser.get("/moten/ny"), 200, "new-meeting form")
    form = form_posting_to(page.text, base="/moten/ny", path_contains="/moten/ny")
    if form is None:
        raise RuntimeError("new-meeting form: no form posting to /moten/ny")
    organisations = [v for v, _label in form.options.get("organisations", []) if v]
    if not organisations:
        raise RuntimeError("new-meeting form: no organisations to choose from")
    number = rng.randrange(1_000_000)
    changes: dict[str, str | list[str]] = {
        "title": f"Avstämning {label}{number}".strip(),
        "organisations": [rng.choice(organisations)],
        "notes": "Gick igenom läget och nästa steg. Loggat av benchens team.",
    }
    posted = browser.post_form(local_path(form.action), form.filled(changes))
    expect(posted, 302, "new meeting")
    shown = expect(browser.get(local_path(posted.headers["Location"])), 200, "new meeting page")
    return Write("meeting logged", posted.seconds + shown.seconds, [("new-meeting form", page)])


def write(browser: Browser, rng: random.Random) -> Write:
    """One of the two writes, chosen at random (a meeting when no follow-up is open)."""
    if rng.random() < 0.5:
        done = tick_follow_up(browser, rng)
        if done is not None:
            return done
    return log_meeting(browser, rng)


@dataclass
class Member:
    """One member's run: what they did and how long each took."""

    email: str
    reads: list[tuple[str, float]] = field(default_factory=list)  # (page, seconds)
    writes: list[tuple[str, float]] = field(default_factory=list)  # (kind, seconds)
    errors: list[str] = field(default_factory=list)


class HttpBrowser:
    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str) -> Response:
        return self.client.get(path)

    def post_form(self, path: str, fields: list[tuple[str, str]]) -> Response:
        return self.client.post_form(path, fields)


def run_team(
    port: int,
    *,
    emails: list[str],
    password: str,
    pages: list[tuple[str, Callable[[random.Random], str]]],
    seconds: float,
    seed: str = SEED,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """The team works for `seconds`; returns the reads', writes' and per-page figures."""
    members = [Member(email) for email in emails]
    clients = []
    for member in members:
        client = Client(port)
        client.login(member.email, password)
        clients.append(client)
    start = threading.Barrier(len(members) + 1)
    deadline = 0.0

    def work(index: int) -> None:
        member, client = members[index], clients[index]
        browser = HttpBrowser(client)
        rng = random.Random(f"{seed}-{index}")
        step = index  # members start at different pages
        start.wait()
        time.sleep(rng.uniform(0, THINK[1]))  # not all at the same instant
        while time.perf_counter() < deadline:
            name, path_for = pages[step % len(pages)]
            step += 1
            try:
                if rng.random() < WRITE_SHARE:
                    done = write(browser, rng)
                    member.writes.append((done.kind, done.seconds))
                    member.reads += [(page, r.seconds) for page, r in done.reads]
                else:
                    response = browser.get(path_for(rng))
                    expect(response, 200, name)
                    member.reads.append((name, response.seconds))
            except Exception as error:  # recorded: a failed action misses its target
                member.errors.append(f"{member.email}: {error}")
            time.sleep(rng.uniform(*THINK))

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(len(members))]
    for thread in threads:
        thread.start()
    deadline = time.perf_counter() + seconds
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    reads = [s for m in members for _n, s in m.reads]
    writes = [s for m in members for _k, s in m.writes]
    errors = [e for m in members for e in m.errors]
    by_page: dict[str, list[float]] = {}
    for member in members:
        for name, s in member.reads:
            by_page.setdefault(name, []).append(s)
    by_kind: dict[str, list[float]] = {}
    for member in members:
        for kind, s in member.writes:
            by_kind.setdefault(kind, []).append(s)
    result = {
        "members": len(members),
        "seconds": round(elapsed, 1),
        "reads": summary(reads),
        "writes": summary(writes),
        "pages": {name: summary(values) for name, values in sorted(by_page.items())},
        "write_kinds": {kind: summary(values) for kind, values in sorted(by_kind.items())},
        "errors": errors[:20],
        "error_count": len(errors),
    }
    progress(
        f"  team of {len(members)} for {elapsed:.0f} s: {len(reads)} reads "
        f"(p95 {result['reads'].get('p95', 0):.0f} ms), {len(writes)} writes "
        f"(p95 {result['writes'].get('p95', 0):.0f} ms), {len(errors)} errors"
    )
    return result


def summary(seconds: list[float]) -> dict[str, float | int]:
    """Count and p50/p95/p99/max in milliseconds."""
    if not seconds:
        return {"count": 0}
    ms = [1000 * s for s in seconds]
    return {
        "count": len(ms),
        "p50": round(percentile(ms, 0.50), 1),
        "p95": round(percentile(ms, 0.95), 1),
        "p99": round(percentile(ms, 0.99), 1),
        "max": round(max(ms), 1),
    }
