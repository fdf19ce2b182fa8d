"""The trash filter (app/common/soft_delete.py) on statements that are run again: a statement
built once per process gets the same filtered statement back on every run, still hides what
went to the trash since, and the ones built for a single request are not kept."""

from __future__ import annotations

import gc

from sqlalchemy import bindparam, select

from app.common import soft_delete
from app.common.soft_delete import hiding_deleted, including_deleted
from app.contacts.models import Contact
from app.extensions import db
from app.trash.services import move_to_trash


def test_a_statement_run_again_hides_what_went_to_the_trash_since(app):
    with app.app_context():
        contact = Contact(first_name="Anna", last_name="Svensson")
        db.session.add(contact)
        db.session.commit()
        statement = select(Contact.id).where(Contact.id == bindparam("id"))
        assert db.session.scalars(statement, {"id": contact.id}).all() == [contact.id]
        assert hiding_deleted(statement) is hiding_deleted(statement)

        move_to_trash(contact, by=None)
        db.session.commit()
        assert db.session.scalars(statement, {"id": contact.id}).all() == []
        # The trash still sees it, asked either way.
        assert db.session.scalars(including_deleted(statement), {"id": contact.id}).all() == [
            contact.id
        ]
        shown = db.session.scalars(
            statement, {"id": contact.id}, execution_options={"include_deleted": True}
        ).all()
        assert shown == [contact.id]
        assert db.session.scalars(statement, {"id": contact.id}).all() == []


def test_statements_built_for_one_request_are_not_kept(app):
    with app.app_context():
        gc.collect()
        before = len(soft_delete._HIDING)
        for number in range(100):
            db.session.execute(select(Contact.id).where(Contact.id == number)).all()
        gc.collect()
        assert len(soft_delete._HIDING) <= before + 1
