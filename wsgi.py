"""The application object for gunicorn (`gunicorn wsgi:app`) and the CLI (`flask --app wsgi`).

If the configuration is unusable or the database cannot be reached at start, this says so
in one line naming DATABASE_URL and exits, instead of a worker dying with a traceback.
"""

import sys

from app import create_app
from app.common.database import DatabaseUnavailable, check_database
from app.config import ConfigurationError

try:
    app = create_app()
    check_database(app)
except (ConfigurationError, DatabaseUnavailable) as error:
    print(f"Samverkan: {error}", file=sys.stderr)
    raise SystemExit(1) from None
