"""Functions that build test data. They need an app context; they flush but do not commit."""

from __future__ import annotations

import itertools

from app.auth import services as auth_services
from app.auth.models import Role, User
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind

DEFAULT_PASSWORD = "ett-bra-testlösenord"
_sequence = itertools.count(1)


def make_user(
    *,
    email: str | None = None,
    name: str | None = None,
    role: Role = Role.COORDINATOR,
    password: str = DEFAULT_PASSWORD,
    active: bool = True,
) -> User:
    number = next(_sequence)
    user = auth_services.create_user(
        email=email or f"user{number}@example.se",
        name=name or f"Användare {number}",
        role=role,
        password=password,
        by=None,
    )
    user.active = active
    db.session.flush()
    return user


def make_organisation(
    *, name: str | None = None, kind: OrganisationKind = OrganisationKind.CIVILSAMHALLE, **fields
) -> Organisation:
    organisation = Organisation(name=name or f"Förening {next(_sequence)}", kind=kind, **fields)
    db.session.add(organisation)
    db.session.flush()
    return organisation
