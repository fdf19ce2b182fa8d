"""The rebuild after bulk writes plans with statistics that know those writes."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text

from app.aggregates.rebuild import refresh_planner_statistics
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind


def test_postgresql_statistics_count_the_rows_written_in_the_same_transaction(app):
    with app.app_context():
        if db.session.connection().dialect.name != "postgresql":
            pytest.skip("PostgreSQL's planner statistics")
        db.session.execute(
            insert(Organisation),
            [
                {"name": f"Förening {n}", "kind": OrganisationKind.CIVILSAMHALLE}
                for n in range(2_000)
            ],
        )

        def estimated() -> float:
            return db.session.scalar(
                select(text("reltuples"))
                .select_from(text("pg_class"))
                .where(text("oid = 'organisations'::regclass"))
            )

        assert estimated() < 2_000  # a new table's statistics: not yet analysed
        refresh_planner_statistics(db.session)
        assert estimated() >= 2_000
        db.session.rollback()
