"""`unindexed`: a planner hint for SQLite that changes neither results nor soft deletes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from app.common.time import utcnow
from app.extensions import db
from app.followups.models import FollowUp, FollowUpStatus
from app.reports.sql import unindexed

from .conftest import build_world


def test_rendered_as_a_unary_plus_on_sqlite_only():
    statement = select(FollowUp.id).where(unindexed(FollowUp.status) == FollowUpStatus.OPEN)
    assert "+follow_ups.status = " in str(statement.compile(dialect=sqlite.dialect()))
    assert "+" not in str(statement.compile(dialect=postgresql.dialect()))


def test_same_rows_and_deleted_ones_stay_hidden(seeded):
    with seeded.app_context():
        build_world()
        deleted = db.session.scalars(select(FollowUp).filter_by(status=FollowUpStatus.OPEN)).first()
        deleted.deleted_at = utcnow()
        db.session.flush()

        def open_per_owner(column):
            return sorted(
                db.session.execute(
                    select(column, func.count())
                    .where(unindexed(FollowUp.status) == FollowUpStatus.OPEN)
                    .group_by(column)
                ).all()
            )

        plain = open_per_owner(FollowUp.owner_id)
        hinted = open_per_owner(unindexed(FollowUp.owner_id))
        assert plain == hinted and sum(n for _owner, n in plain) == 1  # 2 open, 1 deleted
        db.session.rollback()
