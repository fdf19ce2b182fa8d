"""`flask backup PATH` and `flask restore PATH`."""

from __future__ import annotations

import tarfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.common.database import safe_url
from app.extensions import db

from .base import BackupError
from .database import backup_database, inspect_backup, restore_database


def app_database() -> tuple[str, str | None]:
    """The app's database URL and the libpq options its engine passes, if any."""
    connect_args = current_app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {})
    return current_app.config["SQLALCHEMY_DATABASE_URI"], connect_args.get("options")


def migration_scripts():
    """Alembic's view of migrations/."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@with_appcontext
def backup(path: Path, force: bool) -> None:
    """Write a consistent copy of the database to PATH; safe while the app runs."""
    url, options = app_database()
    # The library's files (app/library/files.py) go in an archive beside the database copy.
    from app.library.files import archive_files, archive_path

    files = archive_path(path)
    if files.exists() and not force:
        raise click.ClickException(f"{files} exists; use --force to overwrite it.")
    try:
        summary = backup_database(url, path, connect_options=options, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    count = archive_files(files)
    click.echo(
        f"Backed up {safe_url(url)} to {summary.path}: {summary.describe()}; "
        f"library files: {count} in {files}."
    )


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore(path: Path, yes: bool) -> None:
    """Replace the database with the backup at PATH, then upgrade its schema."""
    from flask_migrate import upgrade

    url, options = app_database()
    scripts = migration_scripts()
    # A backup at any of these revisions can be upgraded to head.
    revisions = {script.revision for script in scripts.walk_revisions()}
    try:
        summary = inspect_backup(url, path, connect_options=options, revisions=revisions)
        if not yes:
            click.confirm(
                f"Replace all data in {safe_url(url)} with {path} ({summary.describe()})? "
                "Changes made since the backup will be lost",
                abort=True,
            )
        db.session.remove()
        db.engine.dispose()
        restore_database(url, path, connect_options=options, revisions=revisions)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    db.engine.dispose()
    upgrade()
    # The library's files come back from the archive beside the backup, when there is one.
    from app.library.files import archive_path, restore_files

    files = archive_path(path)
    library = f"no library archive {files}, library files left as they are"
    if files.exists():
        try:
            library = f"library files: {restore_files(files)} copied back from {files}"
        except (OSError, ValueError, tarfile.TarError) as error:
            raise click.ClickException(f"Restoring the library files failed: {error}") from None
    # A backup from before the maintained figures existed has none: computed now. (A newer
    # backup holds them, consistent with its data.)
    from app.aggregates.cli import missing
    from app.aggregates.rebuild import rebuild

    if missing():
        rebuild()
        db.session.commit()
    # The facts behind "Informerad med X" are derived from the deliveries: recomputed from the
    # restored rows (one INSERT … SELECT), whatever the backup held.
    from app.library.facts import rebuild_facts

    rebuild_facts()
    db.session.commit()
    # So is the lägesbild's theme tally, from the mentions.
    from app.themes.tally import rebuild_tally

    rebuild_tally()
    db.session.commit()
    # The text index is derived from the restored rows: refilled from them, whatever the
    # backup held (SQLite; PostgreSQL's GIN indexes are rebuilt by pg_restore itself).
    from app.common.search_index import rebuild_search_index

    rebuild_search_index()
    db.session.commit()
    analysed = analyze_tables()
    head = scripts.get_current_head()
    schema = "schema is current" if summary.revision == head else f"schema upgraded to {head}"
    click.echo(f"Restored {path} into {safe_url(url)}: {summary.describe()}; {schema}; {library}.")
    if analysed:
        click.echo(f"Statistics gathered (ANALYZE) for {analysed} tables.")


def analyze_tables() -> int:
    """On PostgreSQL, gather the planner's statistics for the app's tables and return how
    many. pg_restore leaves none, and without them the planner guesses: two report pages
    took over 30 s after a restore until autovacuum came round. SQLite: nothing (0)."""
    if db.engine.dialect.name != "postgresql":
        return 0
    names = [table.name for table in db.metadata.sorted_tables]
    with db.engine.begin() as connection:
        for name in names:  # the models' own table names, quoted: no user input
            connection.exec_driver_sql(f'ANALYZE "{name}"')
    return len(names)
