"""Saved filters: a user keeps a list's filter (its query string) under a name and opens it
again with one click. Each user sees only their own; they sit beside the filters of the
organisation, contact, meeting and follow-up lists.

The table is the user's own and lives with them (auth.models.SavedFilter, loaded with the
signed-in user, so a list shows them without a statement more); this domain saves, lists
and removes them."""
