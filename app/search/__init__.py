"""The header search: one box finding organisations and contacts (meetings once they exist).
Owns no tables; each domain answers for its own records."""
