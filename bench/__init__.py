"""`make bench`: build cached demo databases, serve the app with gunicorn and measure it.

Run with `python -m bench` (options in bench/__main__.py). Never part of the unit tests, and
nothing here is imported by the app: the harness drives the app from the outside (HTTP) and,
to count SQL statements, through an in-process test client.
"""
