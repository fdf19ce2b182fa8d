"""Mailing fixtures: a library folder per test, a guidance with a PDF version, and a real
SMTP sink (tests/smtp_sink.py, as the calendar's invitation tests use)."""

from __future__ import annotations

import io

import pytest

from ..library.conftest import PDF_BYTES
from ..smtp_sink import smtp_sink


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "LIBRARY_DIR": str(tmp_path / "library")}


@pytest.fixture
def smtp(app):
    with smtp_sink() as (handler, port):
        app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="samverkan@example.se"
        )
        yield handler


def make_guide_version():
    """A published guidance with version 1, a PDF."""
    from app.library import files, services
    from app.library.models import MaterialKind, MaterialStatus

    guide = services.create_material(
        values=services.MaterialValues(
            kind=MaterialKind.GUIDANCE,
            title="Vägledning för kommuner om återvandringsstöd",
            status=MaterialStatus.PUBLISHED,
        ),
        by=None,
    )
    stored = files.store_upload(io.BytesIO(PDF_BYTES), "vagledning.pdf")
    return services.add_version(guide, stored=stored, by=None)
