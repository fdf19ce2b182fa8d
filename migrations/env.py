"""Alembic environment for Flask-Migrate (render_as_batch for SQLite, set in create_app).

On SQLite, batch operations rebuild a table by copying it and dropping the original; with
foreign keys on, dropping a referenced table would act on the rows that refer to it. So
foreign keys are switched off for the migration, checked with `PRAGMA foreign_key_check`
before the transaction commits, and switched back on.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]
target_db = migrate_ext.db
config.set_main_option(
    "sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def run_migrations_offline():
    """Emit SQL to stdout instead of running it (`flask db upgrade --sql`)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def skip_empty_autogenerate(context_, revision, directives):
    """Do not write a revision file when autogenerate finds no change."""
    autogenerate = getattr(config.cmd_opts, "autogenerate", False)
    if autogenerate and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def not_the_task_queue(name, type_, parent_names) -> bool:
    """Autogenerate leaves the task queue's tables (huey_*, app/tasks/queue.py) alone."""
    return not (type_ == "table" and name and name.startswith("huey_"))


def set_sqlite_foreign_keys(connection, enabled: bool) -> None:
    """Switch SQLite's foreign key enforcement outside any transaction."""
    connection.connection.dbapi_connection.execute(
        f"PRAGMA foreign_keys = {'ON' if enabled else 'OFF'}"
    )


def run_migrations_online():
    """Run the migrations against the app's engine."""
    conf_args = dict(migrate_ext.configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    conf_args.setdefault("include_name", not_the_task_queue)

    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            set_sqlite_foreign_keys(connection, False)
        try:
            context.configure(
                connection=connection, target_metadata=target_db.metadata, **conf_args
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise RuntimeError(f"Foreign key violations after migration: {problems}")
        finally:
            if sqlite:
                set_sqlite_foreign_keys(connection, True)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
