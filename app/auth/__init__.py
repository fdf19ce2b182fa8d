"""Accounts: users and their roles, login and logout, throttling, and user administration."""
