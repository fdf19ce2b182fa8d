"""The application object for gunicorn (`gunicorn wsgi:app`) and the CLI (`flask --app wsgi`).

If the database cannot be reached at start, this says so in one line naming DATABASE_URL
and exits, instead of a worker dying with a traceback on the first request.
"""

import sys

from app import create_app
from app.common.database import DatabaseUnavailable, check_database

app = create_app()

try:
    check_database(app)
except DatabaseUnavailable as error:
    print(f"Samverkan: {error}", file=sys.stderr)
    raise SystemExit(1) from None
