"""gunicorn's settings for Samverkan: read by a plain `gunicorn wsgi:app` run from this folder.

Worker model: `gthread` workers that take a connection only when they have a thread free
for it. One thread per worker and, by default, one worker per core plus one per heavy-work
slot (SAMVERKAN_HEAVY_WORK_LIMIT, default 2): 4 workers on the 2-core production machine, on
every Python. More threads are unsafe on Python 3.11 (see THREADS_ARE_SAFE) and, on 3.12,
measured worse: an export's thread shares its worker's GIL with the page threads there (see
`threads` below).

Why a worker takes no connection it cannot serve now (`worker_connections = threads`):
gunicorn's gthread worker otherwise goes on accepting connections while all its threads are
busy, and queues them behind the work in hand. Under twenty parallel exports, a one-thread
worker streaming a large export had accepted page views that then waited for the whole
export (a team read timed out). Now a busy worker leaves the listening socket alone and the
kernel hands the next connection to a worker with a free thread. Exports and imports hold
at most HEAVY_WORK_LIMIT workers (the limit is kept in the database, app/common/heavy_work.py;
the next export gets 429 with Retry-After at once), so with `cores + limit` workers there is
always a worker per core left for pages, however many exports are asked for.

The price: no keep-alive (`keepalive = 0`; an idle kept-alive connection would hold a
worker's only slot). Behind the proxy that costs nothing: nginx opens a new upstream
connection per request unless told otherwise, and the browser's keep-alive ends at nginx.

Rendering a page is Python work that holds the GIL, so threads add no CPU; they let one
slow request (a whole-period report, a slow client) take a thread instead of a process.
The app's own state is thread-safe under either model: one SQLAlchemy session per request
(Flask-SQLAlchemy's scoped session), and the process-wide caches (map outlines, rendered
calendar events) replace whole values or take a lock.

Timeouts: `timeout` is gthread's heartbeat (the main thread's, not a request's length), so
a long export in its thread never trips it; a worker stuck with the GIL held is replaced.
A slow export is bounded by its heavy-work lease instead. `graceful_timeout` gives requests
under way 30 s on a restart.

Settings from the environment (the command line still overrides all of them):
  GUNICORN_BIND      address to listen on (default 127.0.0.1:8000; with only PORT set,
                     0.0.0.0:$PORT, as gunicorn itself does)
  WEB_CONCURRENCY    worker processes (default: cores + SAMVERKAN_HEAVY_WORK_LIMIT)
  GUNICORN_THREADS   threads per worker (default 1; more only on Python 3.12 or later)
  GUNICORN_TIMEOUT   seconds a worker may go silent before it is killed and replaced (60)
  GUNICORN_ACCESS_LOG  "-" logs each request to stdout (for the service manager's journal);
                     unset: no access log (the proxy in front keeps one)

The application is preloaded (`preload_app = True`): the master imports wsgi.py once and
forks the workers from it. A wrong DATABASE_URL or configuration then stops gunicorn at once
with wsgi.py's one-line message; without preloading each worker fails on its own and the
master starts new ones for ever. The workers also start faster and share the imported code.
The price: the database connection wsgi.py opened to check the database would be inherited
by every worker, so `post_fork` below drops the workers' copies of the connection pool (each
worker then opens its own), and `kill -HUP` restarts the workers without loading new code:
after an upgrade, restart gunicorn (README, Production).
"""

import os
import sys


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


if os.environ.get("GUNICORN_BIND"):
    bind = [os.environ["GUNICORN_BIND"]]
elif os.environ.get("PORT"):
    bind = [f"0.0.0.0:{os.environ['PORT']}"]
else:
    bind = ["127.0.0.1:8000"]

#: Python 3.11 may run the cyclic garbage collector in any thread at any allocation, and
#: with several request threads per worker that crashes workers (SIGSEGV, a few a minute
#: under load, on SQLite and PostgreSQL alike; not seen on 3.12, which collects only between
#: bytecodes, nor with one thread per worker). So GUNICORN_THREADS above 1 only on 3.12+.
THREADS_ARE_SAFE = sys.version_info >= (3, 12)


def cores() -> int:
    """The CPUs this process may run on (a container's share, not the host's count)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


#: Exports and imports at once across the workers (the app's HEAVY_WORK_LIMIT, app/config.py;
#: set it in the environment, not only in instance/config.py, for this count to follow it).
HEAVY_WORK_LIMIT = _int("SAMVERKAN_HEAVY_WORK_LIMIT", 2)

worker_class = "gthread"
#: One thread per worker on every Python. Threads add no CPU (the GIL), and a thread streaming
#: an export takes the GIL from the page threads of its worker: on Python 3.12 with 2 workers
#: of 4 threads, the team's read p95 while twenty clients exported was 2.12× its value without
#: (target 2×); with 4 one-thread workers 1.28× (`python -m bench.exports`, 2026-12-07).
threads = _int("GUNICORN_THREADS", 1)
if threads > 1 and not THREADS_ARE_SAFE:
    print(
        "gunicorn.conf.py: GUNICORN_THREADS > 1 on Python 3.11 can crash workers; use 1.",
        file=sys.stderr,
    )
# One-thread workers: one per core for pages, plus one per heavy-work slot.
workers = _int("WEB_CONCURRENCY", cores() + HEAVY_WORK_LIMIT)
# A worker takes only the connections it has a thread for (see the module docstring) …
worker_connections = threads
# … so no kept-alive connections: an idle one would hold a thread's slot.
keepalive = 0
# gthread's timeout is the worker's heartbeat, not a request's length: a long export in one
# thread does not trip it, a worker stuck with the GIL held (or deadlocked) does.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On restart or shutdown, requests under way get this long to finish.
graceful_timeout = 30
preload_app = True
# The web workers run no migration (`flask db upgrade` does, before a start): without Alembic
# and Mako loaded each worker is 11 MB smaller (app/__init__.py, register_migrations).
# gunicorn puts raw_env in the environment before it loads the app; the operator's own
# SAMVERKAN_MIGRATIONS, if set, wins.
raw_env = [] if "SAMVERKAN_MIGRATIONS" in os.environ else ["SAMVERKAN_MIGRATIONS=0"]

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# Calendar feed tokens are masked in every access-log line (app/security/access_log.py).
logger_class = "app.security.access_log.MaskingLogger"
errorlog = "-"
loglevel = "info"


def post_fork(_server, _worker) -> None:
    """In a new worker: forget the connections inherited from the master (without closing
    them, which would close the master's), so no two processes share a database socket."""
    flask_app = sys.modules.get("wsgi") and getattr(sys.modules["wsgi"], "app", None)
    if flask_app is None or "sqlalchemy" not in getattr(flask_app, "extensions", {}):
        return  # not preloaded, or not Samverkan (the bench's hello-world app)
    from app.extensions import db

    with flask_app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)

#: No control socket: gunicorn 27 puts every instance's at ~/.gunicorn/gunicorn.ctl, so two
#: gunicorns on one account (a second site, the browser tests, the bench) would take over each
#: other's. Nothing here uses it.
control_socket_disable = True
