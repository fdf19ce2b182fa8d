"""Huey's SQL storage on PostgreSQL (the production setting): a mailing queued by this
process is sent by a real worker process, with the queue in the app's own database (TASKS_URL
unset) and in the database a plain postgresql:// TASKS_URL names."""

from __future__ import annotations

import os

import pytest

from .shared_queue import send_mailing_through_worker

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="PostgreSQL only: runs when TEST_DATABASE_URL is set"
)


def test_with_tasks_url_unset_the_queue_is_the_apps_postgresql_database():
    send_mailing_through_worker(None, "PostgresStorage")


def test_a_plain_postgresql_tasks_url_is_used_through_psycopg_3():
    send_mailing_through_worker(
        lambda url: "postgresql://" + url.split("://", 1)[1], "PostgresStorage"
    )
