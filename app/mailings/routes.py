"""Mailing pages: the list, a new mailing (recipients chosen with the organisation or contact
list's filters), its preview and progress, the .eml files, resending, deciding on an
uncertain recipient, and a contact's opt-out (a section on the contact's page)."""

from __future__ import annotations

import tempfile

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.common.arguments import page_number
from app.common.forms import redisplays_on_csrf_failure
from app.common.pagination import paginate
from app.common.sections import Section, provides
from app.contacts.forms import filters_from_args as contact_filters
from app.contacts.models import Contact
from app.contacts.queries import contact_query
from app.extensions import db
from app.library.services import version_choices
from app.organisations.forms import filters_from_args as organisation_filters
from app.organisations.services import organisation_query
from app.tasks.jobs import queue_mailing

from . import history as _history  # noqa: F401  (registers how the history shows the opt-out)
from . import outgoing, queries, services
from .forms import DEFAULT_BODY, DecisionForm, MailingForm, OptOutForm, criteria_of
from .models import Audience, MailingRecipient, MailingStatus, RecipientStatus

bp = Blueprint("mailings", __name__, url_prefix="/utskick")

PER_PAGE = 50
#: The list filters a mailing keeps, per audience (the lists' own query-string names).
CRITERIA = {
    Audience.ORGANISATIONS: ("q", "typ", "lan", "steg"),
    Audience.CONTACTS: ("q", "organisation", "typ", "lan", "tagg", "status"),
}


def chosen_audience() -> Audience:
    asked = request.args.get("mottagare", "")
    return Audience.CONTACTS if asked == Audience.CONTACTS.value else Audience.ORGANISATIONS


@bp.get("")
def index():
    page = paginate(queries.mailings_page_query(), page=page_number(), per_page=PER_PAGE)
    counts = queries.status_counts([m.id for m in page.items])
    return render_template(
        "mailings/index.html", page=page, counts=counts, statuses=list(RecipientStatus)
    )


@bp.route("/nytt", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def create():
    audience = chosen_audience()
    criteria = criteria_of(request.args, CRITERIA[audience])
    if audience is Audience.CONTACTS:
        filter_form, filters = contact_filters(request.args)
        matched_query = contact_query(filters, for_list=False)
    else:
        filter_form, filters = organisation_filters(request.args)
        matched_query = organisation_query(filters)
        # A filter another domain adds to the organisation list (app/common/list_filters.py:
        # the prioritisation list's municipalities, those lacking a material) is kept too.
        criteria.update(item for applied in filters.extra for item in applied.arguments.items())
    matched = db.session.scalar(
        select(func.count()).select_from(matched_query.order_by(None).subquery())
    )
    form = MailingForm()
    form.version_id.choices = [("", _("Inget material")), *version_choices()]
    if request.method == "GET":
        form.body.data = DEFAULT_BODY + current_user.name
    if form.validate_on_submit():
        values = services.MailingValues(
            subject=form.subject.data or "",
            body=form.body.data or "",
            audience=audience,
            criteria=criteria,
            role=form.role.data or "",
            tag=form.tag.data or "",
            version_id=form.version_id.data,
            lacking_only=bool(form.lacking_only.data),
        )
        try:
            mailing, _choice = services.create_mailing(values=values, by=current_user)
        except services.InvalidMailing as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for(".detail", mailing_id=mailing.id))
    return render_template(
        "mailings/form.html",
        form=form,
        filter_form=filter_form,
        audience=audience,
        matched=matched,
        criteria=criteria,
        extra=filters.extra if audience is Audience.ORGANISATIONS else [],
    )


def load(mailing_id: int):
    return queries.load_mailing(mailing_id) or abort(404)


@bp.get("/<int:mailing_id>")
def detail(mailing_id: int):
    mailing = load(mailing_id)
    recipients = queries.recipients_of(mailing)
    counts = queries.status_counts([mailing.id])[mailing.id]
    choice = None
    if mailing.status is MailingStatus.DRAFT:
        # The preview: who has no address now (recomputed, so a fixed address shows at once).
        choice = services.chosen_now(mailing)
    subject, text = outgoing.preview_text(mailing, recipients[0] if recipients else None)
    attachment_name = mailing.version.filename if mailing.version else ""
    return render_template(
        "mailings/detail.html",
        mailing=mailing,
        recipients=recipients,
        counts=counts,
        total=sum(counts.values()),
        choice=choice,
        preview_subject=subject,
        preview_text=text,
        attachment_name=attachment_name,
        footer=outgoing.FOOTER,
        smtp=services.smtp_settings() is not None,
        statuses=RecipientStatus,
        decision_form=DecisionForm(formdata=None),
    )


@bp.post("/<int:mailing_id>/mottagare")
def choose_again(mailing_id: int):
    mailing = load(mailing_id)
    try:
        choice = services.choose_again(mailing)
    except services.InvalidMailing as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Mottagarna är valda på nytt: %(num)d.", num=len(choice.recipients)), "success")
    return redirect(url_for(".detail", mailing_id=mailing.id))


@bp.post("/<int:mailing_id>/skicka")
def start(mailing_id: int):
    mailing = load(mailing_id)
    try:
        services.start_mailing(mailing, by=current_user)
    except services.InvalidMailing as error:
        flash(str(error), "error")
        return redirect(url_for(".detail", mailing_id=mailing.id))
    db.session.commit()
    if mailing.status is MailingStatus.SENDING:
        queue_mailing(mailing.id)
        flash(_("Utskicket skickas i bakgrunden."), "success")
    else:
        flash(
            _("Ingen e-postserver är inställd: ladda ner e-postfilerna och skicka dem själv."),
            "info",
        )
    return redirect(url_for(".detail", mailing_id=mailing.id))


@bp.get("/<int:mailing_id>/e-postfiler.zip")
def eml_files(mailing_id: int):
    mailing = load(mailing_id)
    if mailing.status is not MailingStatus.FILES:
        abort(404)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    outgoing.write_eml_zip(mailing, spool)
    # A questionnaire's messages carry personal links made as they are built: kept.
    db.session.commit()
    spool.seek(0)
    response = send_file(
        spool,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"utskick-{mailing.id}.zip",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:mailing_id>/bekrafta")
def confirm(mailing_id: int):
    mailing = load(mailing_id)
    try:
        count = services.confirm_files_sent(mailing, by=current_user)
    except services.InvalidMailing as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("%(num)d meddelanden är registrerade som skickade.", num=count), "success")
    return redirect(url_for(".detail", mailing_id=mailing.id))


@bp.post("/<int:mailing_id>/skicka-igen")
def resend_failed(mailing_id: int):
    mailing = load(mailing_id)
    try:
        count = services.requeue(mailing, statuses=(RecipientStatus.FAILED,))
    except services.InvalidMailing as error:
        flash(str(error), "error")
        return redirect(url_for(".detail", mailing_id=mailing.id))
    db.session.commit()
    if count and mailing.status is MailingStatus.SENDING:
        queue_mailing(mailing.id)
    flash(_("%(num)d misslyckade skickas igen.", num=count), "success")
    return redirect(url_for(".detail", mailing_id=mailing.id))


@bp.post("/<int:mailing_id>/forsok-igen")
def retry(mailing_id: int):
    """Send what is still queued (after the server could not be reached, say)."""
    mailing = load(mailing_id)
    if mailing.status is MailingStatus.SENDING:
        queue_mailing(mailing.id)
        flash(_("Utskicket skickas i bakgrunden."), "success")
    return redirect(url_for(".detail", mailing_id=mailing.id))


@bp.post("/<int:mailing_id>/osaker/<int:recipient_id>")
def decide(mailing_id: int, recipient_id: int):
    mailing = load(mailing_id)
    recipient = db.session.get(MailingRecipient, recipient_id)
    form = DecisionForm()
    if recipient is None or recipient.mailing_id != mailing.id:
        abort(404)
    if not form.validate_on_submit() or form.decision.data not in ("skickad", "igen"):
        abort(400)
    try:
        services.settle_uncertain(recipient, sent=form.decision.data == "skickad", by=current_user)
    except services.InvalidMailing as error:
        flash(str(error), "error")
        return redirect(url_for(".detail", mailing_id=mailing.id))
    db.session.commit()
    if form.decision.data == "igen" and mailing.status is MailingStatus.SENDING:
        queue_mailing(mailing.id)
    flash(_("Beslutet är sparat för %(address)s.", address=recipient.address), "success")
    return redirect(url_for(".detail", mailing_id=mailing.id))


@bp.post("/kontakt/<int:contact_id>/avregistrering")
def opt_out(contact_id: int):
    contact = db.get_or_404(Contact, contact_id)
    form = OptOutForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = form.opted_out.data == "ja"
    services.set_opt_out(contact, opted_out=wanted, by=current_user)
    db.session.commit()
    flash(
        _("%(name)s får inga utskick.", name=contact.full_name)
        if wanted
        else _("%(name)s får utskick igen.", name=contact.full_name),
        "success",
    )
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@provides("contact", order=35)
def contact_mailings(contact: Contact) -> Section:
    return Section(
        "mailings/_contact_section.html",
        {
            "opt_out": services.opted_out(contact.id),
            "form": OptOutForm(formdata=None),
            "contact": contact,
        },
    )
