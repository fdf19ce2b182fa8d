"""The daily digest: each user who asks for it gets one e-mail a day with their overdue
follow-ups, those due in the next working days (Swedish public holidays counted) and their
meetings tomorrow. Sent by the task queue at DIGEST_HOUR (Europe/Stockholm) or by
`flask digest send`; one row per user and day (DigestDelivery) makes it at most one a day.
"""
