"""Contact plans: which municipalities (or other organisations) the team means to reach by
when, and by whom, with progress against the plan (figures.py) on the plan's page, the
start page, the organisation page and the silence list."""
