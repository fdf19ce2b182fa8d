"""Optional two-way sync of the team calendar with a CalDAV server (Nextcloud, SOGo, Radicale,
iCloud): Samverkan publishes the team feed's meetings there, and changes made on the server
(time, place, cancellation, deletion) come back as proposals a coordinator confirms or rejects.
Off unless CALDAV_URL is set; run by `flask --app wsgi caldav sync`."""
