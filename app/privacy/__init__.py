"""Personal data (GDPR) about contacts: the register extract for access requests, erasure by
anonymisation, and the retention list. Owns no tables; it sits above meetings and follow-ups
because "everything about one person" reaches into them."""
