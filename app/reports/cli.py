"""`flask report ...`: reports from the command line for scheduled runs."""

from __future__ import annotations

from flask.cli import AppGroup

report = AppGroup("report", help="Produce reports from the command line.")
