"""What the library adds to other domains' pages: "Mottaget material" on organisations and
contacts, material handed over and references on a meeting, and the organisation list's
`?saknar_material=` filter."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from app.common.list_filters import AppliedFilter, filters
from app.common.sections import Section, provides
from app.contacts.models import Contact
from app.meetings.models import Meeting
from app.organisations.models import Organisation

from . import coverage, research, services
from .forms import MeetingDeliveryForm, ReferenceLinkForm
from .received import received


@provides("meeting", order=35)
def meeting_references(meeting: Meeting) -> Section:
    references = research.references_of(meeting.id)
    context = {"references": references, "meeting": meeting}
    if current_user.can_edit:
        form = ReferenceLinkForm(formdata=None)
        form.material_id.choices = [
            ("", _("Välj referens")),
            *research.reference_choices(exclude=[m.id for m in references]),
        ]
        context["form"] = form
    return Section("library/_meeting_references.html", context)


@filters("organisations")
def lacking_material(arguments) -> AppliedFilter | None:
    """`?saknar_material=<material id>[&version=<version id>]`: the active municipalities not
    Informerad med the material (coverage.py), as on its coverage page."""
    found = coverage.lacking_filter(
        arguments.get("saknar_material", ""), arguments.get("version", "")
    )
    if found is None:
        return None
    material, version, condition = found
    title = material.title
    if version is not None:
        title = _("%(title)s, version %(number)d", title=title, number=version.number)
    return AppliedFilter(
        condition=condition,
        description=_("Kommuner som inte har fått %(title)s.", title=title),
        arguments={
            "saknar_material": str(material.id),
            **({"version": str(version.id)} if version is not None else {}),
        },
    )


@provides("organisation", order=30)
def organisation_received(organisation: Organisation) -> Section:
    return Section(
        "library/_received.html",
        {"deliveries": received("organisation", organisation.id), "by_contact": False},
    )


@provides("contact", order=30)
def contact_received(contact: Contact) -> Section:
    return Section(
        "library/_received.html",
        {"deliveries": received("contact", contact.id), "by_contact": True},
    )


@provides("meeting", order=30)
def meeting_handed_over(meeting: Meeting) -> Section:
    context = {"deliveries": received("meeting", meeting.id), "meeting": meeting}
    if current_user.can_edit:
        form = MeetingDeliveryForm(
            formdata=None,
            organisations=[o.id for o in meeting.organisations],
        )
        form.version_id.choices = [("", _("Välj material")), *services.version_choices()]
        form.organisations.choices = [(o.id, o.display_name) for o in meeting.organisations]
        form.contacts.choices = [(c.id, c.full_name) for c in meeting.contacts]
        context["form"] = form
    return Section("library/_meeting_section.html", context)
