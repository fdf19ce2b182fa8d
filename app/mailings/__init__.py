"""Mailings (utskick): a message with a material version to chosen organisations or
contacts, sent in batches in the background through SMTP (or written as .eml files), with a
status per recipient and a delivery in the library's distribution log for each message sent."""
