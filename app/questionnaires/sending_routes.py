"""Sending a questionnaire to organisations and planning reminders: the recipients (picked
with the organisation list's filters, an address chosen per organisation), the message and
the send (then the mailing's own page of step 12), the reminders, and the questionnaire
page's section about all this."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.common.exceptions import DomainError
from app.common.sections import Section, provides
from app.common.time import local_today, utcnow
from app.extensions import db
from app.mailings.models import Mailing, MailingStatus, RecipientStatus
from app.mailings.queries import status_counts
from app.mailings.services import smtp_settings
from app.organisations.forms import filters_from_args
from app.tasks.jobs import queue_mailing

from . import figures, reminders, sending
from .link_notice import link_notice
from .models import Questionnaire, QuestionnaireReminder, ReminderStatus
from .routes import bp, load_or_404
from .sending_forms import (
    CancelForm,
    MessageForm,
    RecipientsForm,
    ReminderForm,
    RemoveRecipientsForm,
)

#: Organisations shown on the recipients page at once (the count covers all).
SHOWN = 400


def picks_from_form() -> dict[int, int]:
    """The `kontakt-<organisation id>` selects: the contact id chosen (0: the mailbox)."""
    picks = {}
    for name, value in request.form.items():
        number, _dash, rest = name.partition("-")
        if number == "kontakt" and rest.isdigit() and value.isdigit() and len(value) < 12:
            picks[int(rest)] = int(value)
    return picks


@bp.route("/<int:questionnaire_id>/mottagare", methods=["GET", "POST"])
def recipients(questionnaire_id: int):
    questionnaire = load_or_404(questionnaire_id)
    if questionnaire.locked:
        flash(_("Enkäten är redan skickad; mottagarna kan inte ändras."), "error")
        return redirect(url_for(".detail", questionnaire_id=questionnaire.id))
    criteria = sending.criteria_of(request.args)
    # A filter submitted (even "all"): show whom it chooses.
    chosen = any(name in request.args for name in sending.CRITERIA)
    filter_form, _filters = filters_from_args(request.args)
    form = RecipientsForm()
    if form.validate_on_submit():
        choice = sending.save_recipients(
            questionnaire, criteria=criteria, picks=picks_from_form(), by=current_user
        )
        db.session.commit()
        flash(
            " ".join(
                [
                    ngettext(
                        "%(num)d mottagare är tillagd.",
                        "%(num)d mottagare är tillagda.",
                        len(choice.reachable),
                    ),
                    ngettext(
                        "%(num)d var redan vald och behåller sin adress.",
                        "%(num)d var redan valda och behåller sin adress.",
                        len(choice.kept),
                    )
                    if choice.kept
                    else "",
                ]
            ).strip(),
            "success",
        )
        return redirect(url_for(".recipients", questionnaire_id=questionnaire.id) + "#valda")
    saved = sending.recipients_of(questionnaire)
    existing = {r.organisation_id: r.address for r in saved}
    choice = sending.choose_recipients(criteria, existing=existing) if chosen else None
    return render_template(
        "questionnaires/recipients.html",
        questionnaire=questionnaire,
        filter_form=filter_form,
        form=form,
        remove_form=RemoveRecipientsForm(formdata=None),
        criteria=criteria,
        choice=choice,
        saved=saved,
        groups=sending.by_county(saved),
        shown=SHOWN,
        mailbox=sending.MAILBOX,
    )


@bp.post("/<int:questionnaire_id>/mottagare/<int:organisation_id>/ta-bort")
def remove_recipient(questionnaire_id: int, organisation_id: int):
    return _remove(questionnaire_id, [organisation_id])


@bp.post("/<int:questionnaire_id>/mottagare/ta-bort-alla")
def remove_all_recipients(questionnaire_id: int):
    return _remove(questionnaire_id, None)


def _remove(questionnaire_id: int, organisation_ids: list[int] | None):
    """Take one organisation (or all) off a draft's recipients, back to the list."""
    questionnaire = load_or_404(questionnaire_id)
    if not RemoveRecipientsForm().validate_on_submit():
        abort(400)
    try:
        removed = sending.remove_recipients(
            questionnaire, organisation_ids=organisation_ids, by=current_user
        )
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for(".detail", questionnaire_id=questionnaire.id))
    db.session.commit()
    if organisation_ids is None:
        flash(_("Alla mottagare är borttagna."), "success")
    elif removed:
        flash(_("Mottagaren är borttagen."), "success")
    return redirect(url_for(".recipients", questionnaire_id=questionnaire.id) + "#valda")


@bp.route("/<int:questionnaire_id>/skicka", methods=["GET", "POST"])
def send(questionnaire_id: int):
    questionnaire = load_or_404(questionnaire_id)
    if questionnaire.locked:
        flash(_("Enkäten är redan skickad."), "error")
        return redirect(url_for(".detail", questionnaire_id=questionnaire.id))
    form = MessageForm()
    if request.method == "GET":
        form.subject.data, form.body.data = sending.default_texts(questionnaire, current_user)
    if form.validate_on_submit():
        try:
            mailing = sending.send_questionnaire(
                questionnaire,
                subject=form.subject.data or "",
                body=form.body.data or "",
                by=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            if mailing.status is MailingStatus.SENDING:
                queue_mailing(mailing.id)
                flash(_("Enkäten är skickad och låst. Utskicket skickas i bakgrunden."), "success")
            else:
                flash(
                    _(
                        "Enkäten är låst. Ingen e-postserver är inställd: ladda ner "
                        "e-postfilerna och skicka dem själv."
                    ),
                    "info",
                )
            return redirect(url_for("mailings.detail", mailing_id=mailing.id))
    recipients = sending.recipients_of(questionnaire)
    return render_template(
        "questionnaires/send.html",
        questionnaire=questionnaire,
        form=form,
        recipients=recipients,
        problems=sending.readiness_problems(questionnaire),
        smtp=smtp_settings() is not None,
        notice=link_notice(len(recipients)),
    )


@bp.route("/<int:questionnaire_id>/paminnelser", methods=["GET", "POST"])
def reminders_page(questionnaire_id: int):
    questionnaire = load_or_404(questionnaire_id)
    form = ReminderForm()
    if request.method == "GET":
        form.subject.data, form.body.data = reminders.default_texts(questionnaire)
    if form.validate_on_submit():
        try:
            reminders.plan_reminder(
                questionnaire,
                values=reminders.ReminderValues(
                    send_on=form.send_on.data,
                    subject=form.subject.data or "",
                    body=form.body.data or "",
                ),
                by=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            message = _("Påminnelsen är planerad till %(day)s.", day=form.send_on.data.isoformat())
            hour = reminders.reminder_hour()
            if reminders.is_due(form.send_on.data, utcnow(), hour=hour):  # today, hour passed
                message += " " + _(
                    "Klockan har passerat %(hour)02d.00, så den skickas vid nästa kontroll "
                    "(inom en minut om en bakgrundsarbetare körs).",
                    hour=hour,
                )
            flash(message, "success")
            return redirect(url_for(".reminders_page", questionnaire_id=questionnaire.id))
    return render_template(
        "questionnaires/reminders.html",
        questionnaire=questionnaire,
        form=form,
        reminders=reminders.reminders_of(questionnaire),
        not_answered=len(reminders.not_answered(questionnaire)),
        hour=reminders.reminder_hour(),
        today=local_today(),
        cancel_form=CancelForm(formdata=None),
        planned=ReminderStatus.PLANNED,
    )


@bp.post("/<int:questionnaire_id>/paminnelser/<int:reminder_id>/avbryt")
def cancel_reminder(questionnaire_id: int, reminder_id: int):
    questionnaire = load_or_404(questionnaire_id)
    reminder = db.session.get(QuestionnaireReminder, reminder_id)
    if reminder is None or reminder.questionnaire_id != questionnaire.id:
        abort(404)
    if not CancelForm().validate_on_submit():
        abort(400)
    try:
        reminders.cancel_reminder(reminder, by=current_user)
    except DomainError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        day = reminder.send_on.isoformat()
        flash(_("Påminnelsen den %(day)s är avbruten.", day=day), "success")
    return redirect(url_for(".reminders_page", questionnaire_id=questionnaire.id))


@provides("questionnaire", order=20)
def sending_section(questionnaire: Questionnaire) -> Section:
    """Recipients, the mailings' sent and failed counts, answered or not, the reminders."""
    mailings = list(
        db.session.scalars(
            select(Mailing).where(Mailing.questionnaire_id == questionnaire.id).order_by(Mailing.id)
        )
    )
    counts = status_counts([m.id for m in mailings])
    rate = figures.response_rate(questionnaire.id)
    return Section(
        "questionnaires/_sending_section.html",
        {
            "questionnaire": questionnaire,
            "mailings": mailings,
            "mailing_counts": counts,
            "sent_status": RecipientStatus.SENT,
            "failed_status": RecipientStatus.FAILED,
            "rate": rate,
            "rate_figure": figures.RESPONSE_RATE,
            "reminders": reminders.reminders_of(questionnaire),
            "problems": sending.readiness_problems(questionnaire)
            if not questionnaire.locked
            else [],
        },
    )
