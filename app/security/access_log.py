"""gunicorn's access log without secrets: `logger_class` in gunicorn.conf.py.

A calendar feed's URL holds its secret token (/kalender/<token>.ics), and so does a
questionnaire link (/svar/<token>). gunicorn writes the
request line, path, query, referer and every header to the access log; this logger masks
the token in each of them before the line is formatted. Flask-free, so gunicorn can load it
before the app.
"""

from __future__ import annotations

import os
import re

from gunicorn.glogging import Logger

#: /kalender/<token>.ics and /kalender/<token>/team.ics (the feeds' only secret).
FEED_TOKEN = re.compile(r"(/kalender/)(?!ny-lank|ta-bort-lank)[^/?\s\"]+?(?=\.ics|/team\.ics)")
MASK = "***"
#: A questionnaire link's token under the public prefix (SAMVERKAN_PUBLIC_PREFIX, default
#: /svar): /svar/<token> and /svar/<token>/kvitto; the privacy and accessibility pages stay.
PUBLIC_TOKEN = re.compile(
    "(" + re.escape("/" + os.environ.get("SAMVERKAN_PUBLIC_PREFIX", "/svar").strip("/")) + "/)"
    r"(?!(?:integritet|tillganglighet)(?:[?\s\"]|$))[^/?\s\"]+"
)


def mask(value: object) -> object:
    """A string with every feed token and questionnaire token masked; anything else as it is."""
    if not isinstance(value, str):
        return value
    return PUBLIC_TOKEN.sub(r"\g<1>" + MASK, FEED_TOKEN.sub(r"\g<1>" + MASK, value))


class MaskingLogger(Logger):
    """gunicorn's logger, with feed tokens masked in every access-log atom."""

    def atoms(self, resp, req, environ, request_time):
        return {
            key: mask(value)
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }
