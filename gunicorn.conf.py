"""gunicorn's settings for Samverkan: read by a plain `gunicorn wsgi:app` run from this folder.

Worker model: `gthread`, 2 worker processes × 4 threads by default (sized for the 2-core
machine production runs on); on Python 3.11, 4 processes × 1 thread (see THREADS_ARE_SAFE).
One process per core, because rendering a page is Python work that holds the GIL; threads
inside each process, so that one slow request (a whole-period report, a large export, a slow
client) occupies one thread instead of a whole worker, and the cheap requests behind it are
served by the other threads meanwhile. With sync workers, two
slow requests would hold up everything else. Threads share the process's memory, so eight
requests at once cost two workers' memory, not eight. The app's own state is thread-safe
under this model: one SQLAlchemy session per request (Flask-SQLAlchemy's scoped session),
and the process-wide caches (map outlines, rendered calendar events) replace
whole values or take a lock.

Settings from the environment (the command line still overrides all of them):
  GUNICORN_BIND      address to listen on (default 127.0.0.1:8000; with only PORT set,
                     0.0.0.0:$PORT, as gunicorn itself does)
  WEB_CONCURRENCY    worker processes (default 2: one per core; 4 on Python 3.11)
  GUNICORN_THREADS   threads per worker (default 4; 1 on Python 3.11)
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
#: bytecodes, nor with one thread per worker). Until the servers run Python 3.12 or later,
#: the defaults are therefore 4 processes of one thread each: a slow request then holds up
#: one process in four instead of one thread in eight.
THREADS_ARE_SAFE = sys.version_info >= (3, 12)

worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", 2 if THREADS_ARE_SAFE else 4)
threads = _int("GUNICORN_THREADS", 4 if THREADS_ARE_SAFE else 1)
# gthread's timeout is the worker's heartbeat, not a request's length: a long report in one
# thread does not trip it, a worker stuck with the GIL held (or deadlocked) does.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On restart or shutdown, requests under way get this long to finish.
graceful_timeout = 30
# Browsers keep the connection between a page and its next click; a free thread waits
# for the next request this long without holding a thread (gthread polls idle connections).
keepalive = 5
preload_app = True

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
