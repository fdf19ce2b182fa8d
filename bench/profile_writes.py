"""`python -m bench.profile_writes`: the CPU and SQL statements of the team's two writes,
in-process, as `bench.profile` measures pages: tick a follow-up done from the start page,
and log a held meeting through the new-meeting form, each through the form a browser
submits (bench/forms.py), signed in as the demo's head of secretariat, CSRF on. Only the
POST is measured (the page it leads to is a page: `bench.profile`). On a copy of a demo
database, which it writes to:

    cp instance/bench/scale-1.sqlite /tmp/s1.sqlite
    DATABASE_URL=sqlite:////tmp/s1.sqlite SECRET_KEY=x TRUSTED_HOSTS=localhost \\
        SAMVERKAN_MIGRATIONS=0 .venv/bin/python -m bench.profile_writes [--writes 20] \\
        [--statements] [--profile N]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import time
from urllib.parse import urlsplit

from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from app.demo.registry import team_email
from app.extensions import db

from .databases import PASSWORD
from .forms import form_posting_to, forms
from .profile import CSRF
from .scenario import LOGIN_NAME


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_writes")
    parser.add_argument("--writes", type=int, default=20, help="of each kind (2 warm up)")
    parser.add_argument("--statements", action="store_true", help="print the last ones'")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    from wsgi import app

    statements: list[str] = []
    with app.app_context():
        event.listen(
            db.engine, "before_cursor_execute", lambda _c, _k, text, *_a: statements.append(text)
        )
    client = app.test_client()
    token = CSRF.search(client.get("/logga-in").data)
    login = {"email": team_email(LOGIN_NAME), "password": PASSWORD}
    login["csrf_token"] = token.group(1).decode() if token else ""
    if client.post("/logga-in", data=login).status_code != 302:
        print("login failed")
        return 1
    rng = random.Random(1)
    profiler = cProfile.Profile() if args.profile else None
    measured: dict[str, list[tuple[float, int]]] = {"follow-up done": [], "meeting logged": []}

    def post(kind: str, path: str, fields: list[tuple[str, str]]) -> None:
        statements.clear()
        started = time.process_time()
        if profiler:
            profiler.enable()
        response = client.post(path, data=MultiDict(fields))
        if profiler:
            profiler.disable()
        measured[kind].append(((time.process_time() - started) * 1000, len(statements)))
        if response.status_code != 302:
            raise RuntimeError(f"{kind}: HTTP {response.status_code}")

    for number in range(args.writes):
        page = client.get("/").get_data(as_text=True)
        done = [f for f in forms(page, base="/") if f.method == "post" and "/klar" in f.action]
        if not done:
            print("no open follow-up on the start page")
            return 1
        form = rng.choice(done)
        post("follow-up done", urlsplit(form.action).path, form.filled({}))
        last_done = list(statements)
        page = client.get("/moten/ny").get_data(as_text=True)
        meeting = form_posting_to(page, base="/moten/ny", path_contains="/moten/ny")
        if meeting is None:
            print("no new-meeting form")
            return 1
        organisations = [v for v, _label in meeting.options.get("organisations", []) if v]
        changes: dict[str, str | list[str]] = {
            "title": f"Avstämning {number}",
            "organisations": [rng.choice(organisations)],
            "notes": "Gick igenom läget.",
        }
        post("meeting logged", "/moten/ny", meeting.filled(changes))
    for kind, values in measured.items():
        cpu = [ms for ms, _n in values[2:]] or [ms for ms, _n in values]
        print(
            f"{kind:16s} CPU mean {statistics.mean(cpu):6.2f} ms  p50 "
            f"{statistics.median(cpu):6.2f} ms  {values[-1][1]} statements"
        )
    if args.statements:
        for kind, texts in (("follow-up done", last_done), ("meeting logged", statements)):
            print(kind)
            for text in texts:
                print("   ", " ".join(text.split())[:150])
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
