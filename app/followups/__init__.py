"""Follow-ups: what was promised, by whom, by when, and whether it was done."""
