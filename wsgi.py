"""The application object for gunicorn (`gunicorn wsgi:app`) and the CLI (`flask --app wsgi`).

If the configuration is unusable or the database cannot be reached at start, this says so
in one line naming DATABASE_URL and exits, instead of a worker dying with a traceback.

Once the app is built, its objects (modules, models, templates, compiled SQL) are moved out
of the garbage collector's sight with `gc.freeze()`: they live as long as the process, and
otherwise every full collection walks all of them again, which took a few milliseconds per
request on average (a full collection of an app this size takes 100-300 ms). gunicorn
preloads this module in its master, so the workers it forks inherit the frozen objects,
and their pages are not copied by the collector touching them.
"""

import gc
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

gc.collect()  # what start-up left as garbage is freed, not frozen for good
gc.freeze()
