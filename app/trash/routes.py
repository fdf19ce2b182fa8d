"""The trash page, and the delete and restore buttons of organisations, contacts, meetings and
follow-ups. Deleting goes to the trash; only the trash can bring a record back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.extensions import db
from app.organisations.models import KIND_LABELS

from . import services
from .services import KINDS, Kind

bp = Blueprint("trash", __name__)


@dataclass(frozen=True)
class Pages:
    """Where a kind's own pages are: its URL prefix, its blueprint, and the noun in
    endpoint names and URL arguments (`delete_contact`, `contact_id`)."""

    prefix: str
    blueprint: str
    noun: str


PAGES = {
    "organisationer": Pages("/organisationer", "organisations", "organisation"),
    "kontakter": Pages("/kontakter", "contacts", "contact"),
    "moten": Pages("/moten", "meetings", "meeting"),
    "uppfoljningar": Pages("/uppfoljningar", "followups", "follow_up"),
    "material": Pages("/material", "library", "material"),
}


@bp.get("/papperskorg")
def index():
    sections = services.trash_contents()
    return render_template(
        "trash/index.html",
        sections=sections,
        deleters=services.deleters(sections),
        name_of=services.name_of,
        kind_labels=KIND_LABELS,
        restore_endpoints={slug: f".restore_{pages.noun}" for slug, pages in PAGES.items()},
    )


def delete(kind: Kind, record_id: int) -> Any:
    item = db.get_or_404(kind.model, record_id)
    name = services.name_of(item)
    try:
        taken = services.move_to_trash(item, by=current_user)
    except services.CannotDelete as error:
        pages = PAGES[kind.slug]
        flash(str(error), "error")
        return redirect(url_for(f"{pages.blueprint}.detail", **{f"{pages.noun}_id": record_id}))
    db.session.commit()
    message = _("%(name)s ligger nu i papperskorgen, där den kan återställas.", name=name)
    if taken:
        message += " " + ngettext(
            "%(num)d uppföljning följde med mötet.",
            "%(num)d uppföljningar följde med mötet.",
            len(taken),
        )
    flash(message, "success")
    return redirect(url_for(f"{PAGES[kind.slug].blueprint}.index"))


def restore(kind: Kind, record_id: int) -> Any:
    item = services.find_deleted(kind, record_id) or abort(404)
    brought = services.restore_from_trash(item, by=current_user)
    db.session.commit()
    message = _("%(name)s är återställd.", name=services.name_of(item))
    if brought:
        message += " " + ngettext(
            "%(num)d uppföljning återställdes med mötet.",
            "%(num)d uppföljningar återställdes med mötet.",
            len(brought),
        )
    flash(message, "success")
    return redirect(url_for(".index"))


def _register(kind: Kind) -> None:
    pages = PAGES[kind.slug]
    bp.add_url_rule(
        f"{pages.prefix}/<int:record_id>/ta-bort",
        endpoint=f"delete_{pages.noun}",
        view_func=lambda record_id: delete(kind, record_id),
        methods=["POST"],
    )
    bp.add_url_rule(
        f"/papperskorg/{kind.slug}/<int:record_id>/aterstall",
        endpoint=f"restore_{pages.noun}",
        view_func=lambda record_id: restore(kind, record_id),
        methods=["POST"],
    )


for _kind in KINDS.values():
    _register(_kind)
