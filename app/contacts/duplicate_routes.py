"""Likely duplicate contacts, dismissing a pair, and merging two contacts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, RadioField, SelectChoice, TextAreaField

from app.common.arguments import coerce_id, page_number
from app.common.exceptions import EditConflict
from app.common.forms import Form, max_length, redisplays_on_csrf_failure, submitted_version
from app.extensions import db

from . import duplicates
from .merge import MergeNotPossible, merge_contacts
from .routes import bp, load_contact


class MergeForm(Form):
    survivor = RadioField(_l("Behåll som"), coerce=coerce_id)
    first_name = RadioField(_l("Förnamn"))
    last_name = RadioField(_l("Efternamn"))
    notes = TextAreaField(_l("Anteckningar"), validators=[max_length(20000)])
    first_version = HiddenField()
    second_version = HiddenField()


class PairForm(Form):
    first = HiddenField()
    second = HiddenField()


def _choices(*values: str) -> list[SelectChoice]:
    unique = list(dict.fromkeys(values))
    return [SelectChoice(v, v or _("(tomt)")) for v in unique]


@bp.get("/dubbletter")
def duplicates_index():
    page = duplicates.find_duplicates(page=page_number())
    return render_template("contacts/duplicates.html", page=page, form=PairForm())


@bp.post("/dubbletter/inte-dubbletter")
def duplicates_dismiss():
    form = PairForm()
    if not form.validate_on_submit():
        abort(400)
    first = load_contact(int(form.first.data or 0))
    second = load_contact(int(form.second.data or 0))
    duplicates.dismiss_pair(first, second, by=current_user)
    db.session.commit()
    flash(
        _(
            "%(a)s och %(b)s visas inte längre som dubbletter.",
            a=first.full_name,
            b=second.full_name,
        ),
        "info",
    )
    # Back to the page the pair was on (the next pairs move up into its place).
    return redirect(url_for(".duplicates_index", sida=page_number()))


@bp.route("/sla-ihop/<int:first_id>/<int:second_id>", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def merge(first_id: int, second_id: int):
    first, second = load_contact(first_id), load_contact(second_id)
    if first.id == second.id:
        abort(404)
    form = MergeForm(
        data={
            "survivor": first.id,
            "first_name": first.first_name or second.first_name,
            "last_name": first.last_name or second.last_name,
            "notes": "\n\n".join(n for n in (first.notes, second.notes) if n),
            "first_version": first.version,
            "second_version": second.version,
        }
        if request.method == "GET"
        else None
    )
    form.survivor.choices = [
        SelectChoice(c.id, _("%(name)s (nr %(id)d)", name=c.full_name, id=c.id))
        for c in (first, second)
    ]
    form.first_name.choices = _choices(first.first_name, second.first_name)
    form.last_name.choices = _choices(first.last_name, second.last_name)
    conflict = False
    if form.validate_on_submit():
        survivor, victim = (first, second) if form.survivor.data == first.id else (second, first)
        versions = {
            first.id: submitted_version(form.first_version),
            second.id: submitted_version(form.second_version),
        }
        try:
            merged = merge_contacts(
                survivor,
                victim,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                notes=form.notes.data or "",
                expected_versions=(versions[survivor.id], versions[victim.id]),
                by=current_user,
            )
        except EditConflict:
            conflict = True
            form.first_version.data, form.second_version.data = first.version, second.version
        except MergeNotPossible as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Kontakterna är sammanslagna."), "success")
            return redirect(url_for(".detail", contact_id=merged.id))
    return render_template(
        "contacts/merge.html", form=form, first=first, second=second, conflict=conflict
    ), (409 if conflict else 200)
