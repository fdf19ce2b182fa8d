"""Calendars: invitation and cancellation files (.ics), sending them by e-mail, and
subscription feeds. Owns no tables beyond the feed token on users and the UID and SEQUENCE
on meetings; ics.py is the pure builder behind thin views."""
