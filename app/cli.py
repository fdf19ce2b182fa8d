"""Command-line tasks: `flask --app wsgi seed`, `flask --app wsgi users …`.

Each command calls services and commits. Messages are in English: they are read by whoever
runs the server, in logs and terminals, not by the team in the browser.
"""

from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from app.auth import services as auth_services
from app.auth.models import Role, User
from app.auth.passwords import password_problem
from app.extensions import db
from app.organisations.reference import seed_reference_data

DEFAULT_ADMIN_EMAIL = "admin@example.se"
DEFAULT_ADMIN_NAME = "Administratör"


def register_commands(app: Flask) -> None:
    """Attach the commands to `app.cli`."""
    app.cli.add_command(seed)
    app.cli.add_command(users)

    from app.aggregates.cli import aggregates
    from app.backup import backup, restore
    from app.caldav.cli import caldav
    from app.demo import demo
    from app.library.cli import library
    from app.mailings.cli import mailings
    from app.reports.cli import report
    from app.security.cli import security
    from app.tasks.cli import tasks

    app.cli.add_command(security)

    app.cli.add_command(aggregates)
    app.cli.add_command(report)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(demo)
    app.cli.add_command(caldav)
    app.cli.add_command(library)
    app.cli.add_command(tasks)
    app.cli.add_command(mailings)
    from app.questionnaires.cli import questionnaires

    app.cli.add_command(questionnaires)

    from app.themes.cli import themes

    app.cli.add_command(themes)

    from app.digest.cli import digest

    app.cli.add_command(digest)


@click.command()
@click.option("--verbose", "-v", is_flag=True, help="Also list each created and updated row.")
@with_appcontext
def seed(verbose: bool) -> None:
    """Load or refresh the reference registry (idempotent; never overwrites user edits).

    Prints a summary of counts; what changed is listed only with --verbose (a fresh
    database would otherwise print one line for each of the 358 rows)."""
    report = seed_reference_data()
    db.session.commit()
    if verbose:
        for name in report.created:
            click.echo(f"created: {name}")
        for name in report.updated:
            click.echo(f"updated: {name}")
    click.echo(report.summary())


@click.group(cls=AppGroup)
def users() -> None:
    """Manage user accounts."""


def read_password(*, name: str | None = None, email: str | None = None) -> str:
    """SAMVERKAN_PASSWORD if set, else asked twice without echo; checked against the policy
    (auth/passwords.py) with the account's name and e-mail."""
    password = os.environ.get("SAMVERKAN_PASSWORD")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(
        password, min_length=current_app.config["PASSWORD_MIN_LENGTH"], name=name, email=email
    )
    if problem:
        raise click.ClickException(f"Password rejected: {problem}")
    return password


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.COORDINATOR.value,
    show_default=True,
)
def create_user(email: str, name: str, role: str) -> None:
    """Create a user; the password comes from SAMVERKAN_PASSWORD or is prompted for."""
    if auth_services.email_problem(email):
        raise click.ClickException(f"Not a valid e-mail address: {email}")
    password = read_password(name=name, email=email)
    try:
        user = auth_services.create_user(
            email=email, name=name, role=Role(role), password=password, by=None
        )
    except auth_services.DuplicateEmail:
        raise click.ClickException(f"A user with e-mail {email} already exists.") from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@users.command("list")
def list_users() -> None:
    """List every user with role, status and last login."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "never"
        status = "active" if user.active else "inactive"
        click.echo(f"{user.email}\t{user.name}\t{user.role.value}\t{status}\tlast login: {last}")


@users.command("set-password")
@click.argument("email")
def set_password(email: str) -> None:
    """Set a user's password (SAMVERKAN_PASSWORD or prompt); ends their sessions."""
    user = auth_services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with e-mail {email}.")
    auth_services.set_password(user, read_password(name=user.name, email=user.email))
    db.session.commit()
    click.echo(f"Password set for {user.email}; their sessions have ended.")


@users.command("ensure-admin")
@click.option(
    "--email", envvar="SAMVERKAN_ADMIN_EMAIL", default=DEFAULT_ADMIN_EMAIL, show_default=True
)
@click.option(
    "--name", envvar="SAMVERKAN_ADMIN_NAME", default=DEFAULT_ADMIN_NAME, show_default=True
)
def ensure_admin(email: str, name: str) -> None:
    """Create an admin with a generated password if no active admin exists (used by make run)."""
    created = auth_services.ensure_admin(email=email, name=name)
    if created is None:
        click.echo("An active admin exists; no account created.")
        return
    db.session.commit()
    user, password = created
    click.echo("")
    click.echo("  Samverkan: an administrator account has been created.")
    click.echo(f"  E-mail:   {user.email}")
    click.echo(f"  Password: {password}")
    click.echo("  The password is shown only this once; a new one must be chosen at first login.")
    click.echo("")
