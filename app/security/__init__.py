"""The security event log: logins, refusals, exports, account and feed-link changes, erasures.

Never holds a password or a token. Repeated refusals from one address are one row per minute.
"""
