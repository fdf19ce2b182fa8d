"""Demo data: a realistic, reproducible CRM for demonstrations, training and benchmarks.

`generate(scale=…, seed=…)` fills the database on top of the reference registry; the
`flask demo` command wraps it and refuses to touch a database that holds user data.
"""

from __future__ import annotations

from .cli import demo
from .generate import DatabaseInUse, DemoSummary, generate, user_data_present

__all__ = ["DatabaseInUse", "DemoSummary", "demo", "generate", "user_data_present"]
