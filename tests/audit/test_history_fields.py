"""Every field a service records by name in the audit log (`changes={"field": …}`) has a
label and format for the history, so no page says "Annat fält" or shows the database's own
words (ids, codes, True/False) for it. Read from the source, checked against the registrations
the app makes when it starts."""

from __future__ import annotations

import re
from pathlib import Path

from app.audit.display import registered_fields
from app.extensions import db

RECORDED = re.compile(r'changes=\{\s*"([a-z_]+)"')
APP = Path(__file__).resolve().parents[2] / "app"


def test_every_recorded_field_has_a_label(app):
    with app.app_context():
        known = {name for table in db.metadata.tables for name in registered_fields(table)}
    recorded = {
        (path.relative_to(APP).as_posix(), field)
        for path in APP.rglob("*.py")
        for field in RECORDED.findall(path.read_text(encoding="utf-8"))
    }
    assert recorded, "the pattern finds the recorded fields"
    missing = sorted((where, field) for where, field in recorded if field not in known)
    assert not missing, missing
