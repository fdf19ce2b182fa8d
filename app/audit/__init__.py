"""Who changed what, when: an append-only log of events on records, with field diffs."""
