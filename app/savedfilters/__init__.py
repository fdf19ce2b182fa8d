"""Saved filters: a user keeps a list's filter (its query string) under a name and opens it
again with one click. Each user sees only their own; they sit beside the filters of the
organisation, contact, meeting and follow-up lists."""
