"""The start page: what the team needs to see first. Owns no tables."""
