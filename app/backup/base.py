"""What a backup holds, and the one error every backup problem becomes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class BackupError(RuntimeError):
    """A backup or restore cannot be done; the one-line message is meant for an operator."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup file holds: size, tables, rows (None where not counted), schema revision."""

    path: Path
    size: int
    tables: int
    rows: int | None
    revision: str | None

    def describe(self) -> str:
        rows = f", {self.rows} rows" if self.rows is not None else ""
        revision = f", schema revision {self.revision}" if self.revision else ""
        return f"{human_size(self.size)}, {self.tables} tables{rows}{revision}"


def human_size(size: int) -> str:
    """1536 → '1.5 kB'."""
    if size < 1024:
        return f"{size} bytes"
    value, unit = size / 1024, "kB"
    for larger in ("MB", "GB"):
        if value >= 1024:
            value, unit = value / 1024, larger
    return f"{value:.1f} {unit}"


# --- entry points ------------------------------------------------------------------------------
