"""People the team knows: contacts, their e-mail addresses and phone numbers, and their
affiliations (role or title at an organisation, over time)."""
