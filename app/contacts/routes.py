"""Contact pages: list, detail, create, edit, affiliations and changing organisation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.display import shown_history
from app.common.arguments import page_number, query_id
from app.common.downloads import (
    VCARD,
    attachment,
    export_begun,
    streamed_attachment,
    table_download,
)
from app.common.exceptions import EditConflict
from app.common.formatting import format_date
from app.common.forms import conflicting_fields, redisplays_on_csrf_failure, submitted_version
from app.common.heavy_work import bounded
from app.common.pagination import paginate
from app.common.sections import Section, provides, sections_for
from app.common.spreadsheets import export_filename
from app.common.time import local_today
from app.extensions import db
from app.organisations.forms import organisation_choices
from app.organisations.models import Organisation
from app.organisations.services import organisation_choices as active_organisations

from . import queries, services
from .exports import contact_card, contact_header, contact_rows, streamed_contacts, vcard_chunks
from .forms import (
    AffiliationForm,
    ChangeOrganisationForm,
    ContactFilterForm,
    ContactForm,
    EndAffiliationForm,
    NewContactForm,
    filters_from_args,
)
from .models import Contact
from .rows import list_rows
from .vcard import vcard

bp = Blueprint("contacts", __name__, url_prefix="/kontakter")

PER_PAGE = 50


def load_contact(contact_id: int) -> Contact:
    """The contact with everything its page shows, in a fixed number of statements."""
    return db.session.scalar(queries.contact_with_details(contact_id)) or abort(404)


def organisation_picker(form_field, blank: str) -> None:
    form_field.choices = organisation_choices(active_organisations(), blank=blank)


def chosen_organisation(organisation_id: int | None) -> Organisation | None:
    if not organisation_id:
        return None
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(400)
    return organisation


def show_at_field(form, error: services.InvalidContact) -> None:
    """The service's message next to the field it is about (with aria-describedby and
    aria-invalid, see _macros/forms.html) and in the summary; above the form otherwise."""
    target = form._fields.get(error.field) if error.field else None
    (target.errors if target is not None else form.form_errors).append(str(error))


def list_filters() -> tuple[ContactFilterForm, queries.ContactFilter]:
    """The list's filter form from the query string, and the filters it means."""
    return filters_from_args(request.args)


@bp.get("")
def index():
    form, filters = list_filters()
    page = paginate(
        queries.contact_query(filters),
        page=page_number(),
        per_page=PER_PAGE,
        load=list_rows,
    )
    return render_template(
        "contacts/index.html", form=form, page=page, filters=filters, tags=services.all_tags()
    )


@bp.get("/export.<any(csv, xlsx):fmt>")
@bounded("export")
def export(fmt: str):
    """The filtered list, every row, as CSV or XLSX: read from a server-side cursor a chunk
    at a time; the CSV streamed from the first row, the XLSX written in constant memory."""
    _form, filters = list_filters()
    query = queries.contact_query(filters)
    return table_download(
        fmt,
        stem=_("kontakter"),
        title=_("Kontakter"),
        header=contact_header(),
        rows=lambda: contact_rows(streamed_contacts(query)),
    )


@bp.get("/export.vcf")
@bounded("export")
def vcard_list():
    """The filtered list, every contact, as one vCard file: the whole list goes into an
    address book in one import, streamed a card at a time."""
    _form, filters = list_filters()
    query = queries.contact_query(filters)
    site = request.host
    count = export_begun(_("kontakter"), title=_("Kontakter"), fmt="vcf")
    contacts = count.rows(streamed_contacts(query))
    chunks = (card.encode("utf-8") for card in vcard_chunks(contacts, site=site))
    filename = export_filename(_("kontakter"), local_today(), "vcf")
    return streamed_attachment(count.streamed(chunks), filename=filename, mimetype=VCARD)


@bp.get("/<int:contact_id>.vcf")
def vcard_download(contact_id: int):
    """The contact as a vCard, to save in Outlook, Apple or Google contacts."""
    contact = load_contact(contact_id)
    count = export_begun(_("kontakter"), title=_("Kontakt"), fmt="vcf")
    text = vcard(contact_card(contact, site=request.host))
    count.finish(rows=1)
    filename = f"{contact.full_name or contact.id}.vcf"
    return attachment(text.encode("utf-8"), filename=filename, mimetype=VCARD)


@bp.get("/<int:contact_id>")
def detail(contact_id: int):
    contact = load_contact(contact_id)
    add_form = AffiliationForm()
    organisation_picker(add_form.organisation_id, blank=_("Välj organisation"))
    return render_template(
        "contacts/detail.html",
        contact=contact,
        current_affiliations=contact.current_affiliations(),
        former_affiliations=sorted(
            contact.former_affiliations(),
            key=lambda a: a.ended_on.isoformat() if a.ended_on else "",
            reverse=True,
        ),
        add_form=add_form,
        end_form=EndAffiliationForm(),
        events=shown_history(contact),
        sections=sections_for("contact", contact),
    )


def form_values(contact: Contact) -> dict[str, str]:
    """A contact as its edit form shows it: addresses and numbers one per line."""
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "emails": "\n".join(e.address for e in contact.emails),
        "phones": "\n".join(p.display for p in contact.phones),
        "tags": ", ".join(t.name for t in contact.tags),
        "notes": contact.notes,
    }


@bp.route("/ny", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def create():
    form = NewContactForm()
    organisation_picker(form.organisation_id, blank=_("Ingen organisation"))
    if request.method == "GET" and query_id("organisation"):
        form.organisation_id.data = query_id("organisation")
    if form.validate_on_submit():
        try:
            contact = services.create_contact(
                values=form.contact_values(),
                organisation=chosen_organisation(form.organisation_id.data),
                title=form.title.data or "",
                started_on=form.started_on.data,
                by=current_user,
            )
        except services.InvalidContact as error:
            show_at_field(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s är skapad.", name=contact.full_name), "success")
            return redirect(url_for(".detail", contact_id=contact.id))
    return render_template("contacts/form.html", form=form, contact=None, tags=services.all_tags())


@bp.route("/<int:contact_id>/redigera", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def edit(contact_id: int):
    contact = load_contact(contact_id)
    form = ContactForm(
        data=form_values(contact) | {"version": contact.version}
        if request.method == "GET"
        else None
    )
    conflict_rows = None
    if request.method == "GET" and contact.anonymised_at is not None:
        # Whatever is typed here would be new personal data about an erased person.
        flash(
            _(
                "Uppgifterna är anonymiserade %(date)s. Lägg inte tillbaka personuppgifter "
                "om personen.",
                date=format_date(contact.anonymised_at),
            ),
            "info",
        )
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.update_contact(
                contact,
                values=form.contact_values(),
                expected_version=submitted_version(form.version),
                by=current_user,
            )
        except EditConflict as conflict:
            conflict_rows = conflicting_fields(form, form_values(conflict.current))
            form.version.data = conflict.current.version
        except services.InvalidContact as error:
            show_at_field(form, error)
        else:
            db.session.commit()
            flash(_("Ändringarna är sparade."), "success")
            return redirect(url_for(".detail", contact_id=contact.id))
    status = 409 if conflict_rows is not None else 200
    return render_template(
        "contacts/form.html",
        form=form,
        contact=contact,
        conflict_rows=conflict_rows,
        tags=services.all_tags(),
    ), status


@bp.post("/<int:contact_id>/roller")
def add_affiliation(contact_id: int):
    contact = load_contact(contact_id)
    form = AffiliationForm()
    organisation_picker(form.organisation_id, blank=_("Välj organisation"))
    if form.validate_on_submit():
        try:
            services.add_affiliation(
                contact,
                organisation=chosen_organisation(form.organisation_id.data),
                title=form.title.data or "",
                started_on=form.started_on.data,
                ended_on=form.ended_on.data,
                by=current_user,
            )
        except services.InvalidContact as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Rollen är tillagd."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
    return redirect(url_for(".detail", contact_id=contact.id))


@bp.post("/<int:contact_id>/roller/<int:affiliation_id>/avsluta")
def end_affiliation(contact_id: int, affiliation_id: int):
    contact = load_contact(contact_id)
    affiliation = next((a for a in contact.affiliations if a.id == affiliation_id), None)
    if affiliation is None:
        abort(404)
    form = EndAffiliationForm()
    if form.validate_on_submit():
        try:
            services.end_affiliation(affiliation, ended_on=form.ended_on.data, by=current_user)
        except services.InvalidContact as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Rollen är avslutad."), "success")
    else:
        flash(_("Ange sista dag som ÅÅÅÅ-MM-DD."), "error")
    return redirect(url_for(".detail", contact_id=contact.id))


@bp.route("/<int:contact_id>/byter-organisation", methods=["GET", "POST"])
@redisplays_on_csrf_failure
def change_organisation(contact_id: int):
    contact = load_contact(contact_id)
    form = ChangeOrganisationForm()
    organisation_picker(form.organisation_id, blank=_("Välj organisation"))
    if form.validate_on_submit():
        try:
            services.change_organisation(
                contact,
                organisation=chosen_organisation(form.organisation_id.data),
                title=form.title.data or "",
                starts_on=form.starts_on.data,
                by=current_user,
            )
        except services.InvalidContact as error:
            show_at_field(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s har bytt organisation.", name=contact.full_name), "success")
            return redirect(url_for(".detail", contact_id=contact.id))
    return render_template("contacts/change_organisation.html", form=form, contact=contact)


@provides("organisation", order=5)
def organisation_contacts_section(organisation: Organisation) -> Section:
    """The people with a role at the organisation, a page of each kind with links to all."""
    return Section(
        "contacts/_organisation_section.html",
        {"contacts": queries.organisation_contacts(organisation.id), "organisation": organisation},
    )
