"""Text search index: an FTS5 trigram table per searched table (organisations, contacts,
meetings) kept by triggers on SQLite, and GIN trigram indexes (pg_trgm) on PostgreSQL, on the
folded `search_text` columns. Filled from the rows already there.

The statements live in app/common/search_index.py (the same ones `db.create_all()` runs);
they are frozen here as this revision's schema.

Revision ID: e4a7c1f9b3d2
Revises: cd3248753ce3
Create Date: 2026-12-05 22:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e4a7c1f9b3d2"
down_revision = "cd3248753ce3"
branch_labels = None
depends_on = None

TABLES = ("organisations", "contacts", "meetings")


def sqlite_statements(name):
    fts = f"{name}_search"
    delete_old = (
        f"INSERT INTO {fts} ({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    )
    insert_new = f"INSERT INTO {fts} (rowid, search_text) VALUES (new.id, new.search_text);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{name}', "
        "content_rowid='id', tokenize='trigram', detail='none')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {name} BEGIN {insert_new} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {name} BEGIN {delete_old} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_text ON {name} "
        f"WHEN old.search_text IS NOT new.search_text BEGIN {delete_old} {insert_new} END",
        f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')",
    ]


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in TABLES:
            for statement in sqlite_statements(name):
                op.execute(statement)
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_opclass o JOIN pg_namespace n ON n.oid = o.opcnamespace "
        "WHERE o.opcname = 'gin_trgm_ops' LIMIT 1"
    ).scalar_one()
    for name in TABLES:
        op.execute(
            f"CREATE INDEX ix_{name}_search_text_trgm ON {name} "
            f'USING gin (search_text "{schema}".gin_trgm_ops)'
        )


def downgrade():
    bind = op.get_bind()
    for name in TABLES:
        if bind.dialect.name == "sqlite":
            for suffix in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_search_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {name}_search")
        else:
            op.execute(f"DROP INDEX IF EXISTS ix_{name}_search_text_trgm")
