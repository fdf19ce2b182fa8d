"""Imports every domain's models, so Alembic and `flask shell` see the whole schema."""

from app.auth.models import LoginFailure, User  # noqa: F401
from app.contacts.models import Affiliation, Contact, ContactEmail, ContactPhone  # noqa: F401
from app.organisations.models import County, Organisation  # noqa: F401
