"""Meetings and conversations: when, with whom, about what, and what came of them."""
