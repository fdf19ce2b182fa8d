"""Feed tokens never reach gunicorn's access log: the masking logger alone, and a real
gunicorn started with the project's gunicorn.conf.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from app.security.access_log import MaskingLogger, mask

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Q2hlY2tUaGlzU2VjcmV0VG9rZW5Jc01hc2tlZA-abc_123xyz"


def test_mask_covers_both_feeds_and_leaves_other_paths():
    assert mask(f"GET /kalender/{TOKEN}.ics HTTP/1.1") == "GET /kalender/***.ics HTTP/1.1"
    assert mask(f"/kalender/{TOKEN}/team.ics") == "/kalender/***/team.ics"
    assert mask("/kalender/ny-lank") == "/kalender/ny-lank"
    assert mask("/kontakter/12") == "/kontakter/12"


def test_masking_logger_masks_every_atom():
    logger = MaskingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/kalender/{TOKEN}.ics",
        "PATH_INFO": f"/kalender/{TOKEN}.ics",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://x/kalender/{TOKEN}/team.ics",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", f"https://x/kalender/{TOKEN}.ics")])
    atoms = logger.atoms(response, request, environ, timedelta(seconds=1))
    assert TOKEN not in repr(atoms)
    assert atoms["r"] == "GET /kalender/***.ics HTTP/1.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_real_gunicorn_access_log_has_no_token():
    directory = Path(tempfile.mkdtemp(prefix="samverkan-accesslog-"))
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(directory),
        "LANG": "C.UTF-8",
        "DATABASE_URL": f"sqlite:///{directory / 'log.db'}",
        "SECRET_KEY": "access-log-test",
        "SAMVERKAN_INSTANCE_PATH": str(directory / "instance"),
        "PYTHONPATH": str(ROOT),
        "GUNICORN_ACCESS_LOG": "-",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    script = (
        "from app import create_app\n"
        "from app.auth.models import Role\n"
        "from app.auth.services import create_user\n"
        "from app.calendar.services import issue_feed_token\n"
        "from app.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    user = create_user(email='f@example.se', name='F', role=Role.COORDINATOR,\n"
        "                       password='kanel vägg åska fyrtorn', by=None)\n"
        "    print(issue_feed_token(user)); db.session.commit()\n"
    )
    token = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    log_path = directory / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2):
                        break
                except OSError:
                    assert process.poll() is None and time.monotonic() < deadline, (
                        log_path.read_text()
                    )
                    time.sleep(0.2)
            with urllib.request.urlopen(f"{base}/kalender/{token}.ics", timeout=10) as response:
                assert response.status == 200
            with urllib.request.urlopen(f"{base}/kalender/{token}/team.ics", timeout=10):
                pass
            try:
                urllib.request.urlopen(f"{base}/kalender/fel-{token[:20]}.ics", timeout=10)
            except urllib.error.HTTPError as error:
                assert error.code == 404
        finally:
            process.terminate()
            process.wait(timeout=20)
    text = log_path.read_text()
    assert "/kalender/***.ics" in text and "/kalender/***/team.ics" in text
    assert token not in text and token[:20] not in text
