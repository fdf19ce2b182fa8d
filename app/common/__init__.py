"""Domain-free helpers needed by two or more domains: time, database types and set-up."""
