"""The header search: one box finding organisations, contacts and meetings.
Owns no tables; each domain answers for its own records."""
