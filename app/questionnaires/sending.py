"""Sending a questionnaire: choosing its recipients, checking it is ready, locking it, and
the mailing (step 12's machinery) that carries a new personal link in every message.

**Recipients.** Organisations are picked with the organisation list's own filters (the same
`filters_from_args` + `organisation_query` a mailing's audience uses: the municipalities of
a county, say), and each filter's organisations are *added* to those chosen before (three
counties: three filters); while a draft, one or all can be removed again. Each organisation
is one recipient, whoever gets the message: it answers once. The message goes to one address
per organisation, chosen per organisation among its functional mailbox and its current
contacts with an e-mail (not opted out of mailings). The default rule: **the functional
mailbox; when it has none, its first current contact with an e-mail, in name order**. An
organisation with neither is listed as not reachable. Two organisations cannot share one
address in a mailing (each message carries its own organisation's link): the second then
gets its next address, or is not reachable.

**The link.** A mailing with `questionnaire_id` fills {länk} and {sista_dag}; the link is
made (links.give_link, stored only hashed, with the mailing's id) when that recipient's
message is built — by a worker over SMTP, or when the .eml files are downloaded — through
the provider registered here with app/mailings/extras.py.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from app.audit.services import Action, diff, record
from app.auth.models import User
from app.common.exceptions import DomainError
from app.common.text import sort_key
from app.common.time import local_today, utcnow
from app.contacts.models import Affiliation, Contact
from app.contacts.queries import current_condition
from app.extensions import db
from app.mailings import extras
from app.mailings import services as mailing_services
from app.mailings.models import Audience, Mailing, MailingRecipient
from app.mailings.recipients import MAX_RECIPIENTS, Chosen, opted_out_ids
from app.organisations.forms import filters_from_args as organisation_filters
from app.organisations.models import Organisation
from app.organisations.services import organisation_query

from . import links
from .models import Questionnaire, QuestionnaireRecipient, QuestionnaireStatus
from .services import ensure_draft, snapshot, touch

#: The placeholders a questionnaire's messages have besides {namn} and {organisation}.
PLACEHOLDERS = ("länk", "sista_dag")
#: The organisation list's filters a questionnaire's recipients are chosen with.
CRITERIA = ("q", "typ", "lan", "steg")
MAILBOX = 0  # the pick meaning "the functional mailbox" (contact ids start at 1)


class NotReady(DomainError):
    """The questionnaire cannot be sent yet; the message lists what is missing."""


@dataclass(frozen=True)
class AddressOption:
    """One address an organisation's message can go to: its mailbox (contact_id None) or a
    contact's first e-mail."""

    contact_id: int | None
    name: str
    address: str

    @property
    def key(self) -> int:
        return self.contact_id if self.contact_id is not None else MAILBOX


@dataclass
class Reachable:
    organisation: Organisation
    options: list[AddressOption]
    chosen: AddressOption


@dataclass
class RecipientChoice:
    """The organisations the filters keep: those reachable with the address chosen for
    each, those not reachable (with why), and whether the list was cut at MAX_RECIPIENTS."""

    reachable: list[Reachable] = field(default_factory=list)
    unreachable: list[tuple[Organisation, str]] = field(default_factory=list)
    cut: bool = False
    #: Organisations the filters keep that are recipients already (kept as they are).
    kept: list[Organisation] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return len(self.reachable) + len(self.unreachable) + len(self.kept)


@dataclass(frozen=True)
class CountyGroup:
    """The chosen recipients in one county (name "" for organisations without one)."""

    name: str
    recipients: list[QuestionnaireRecipient]


def criteria_of(args: Mapping[str, str]) -> dict[str, str]:
    """The organisation list's filters in a query string."""
    return {name: args.get(name, "") for name in CRITERIA if args.get(name)}


def choose_recipients(
    criteria: Mapping[str, str],
    picks: Mapping[int, int] | None = None,
    *,
    existing: Mapping[int, str] | None = None,
) -> RecipientChoice:
    """One recipient per organisation the list filters in `criteria` keep; `picks` maps an
    organisation's id to the contact id chosen for it (MAILBOX for its mailbox), else the
    default rule (the module's docstring). `existing` maps the organisations chosen before
    to their addresses: they are `kept`, and their addresses are taken. Three statements,
    whatever the number."""
    picks = picks or {}
    existing = existing or {}
    _form, filters = organisation_filters(MultiDict(criteria))
    organisations = list(db.session.scalars(organisation_query(filters).limit(MAX_RECIPIENTS + 1)))
    choice = RecipientChoice(cut=len(organisations) > MAX_RECIPIENTS)
    organisations = organisations[:MAX_RECIPIENTS]
    contacts: dict[int, list[AddressOption]] = {}
    if organisations:
        roles = db.session.scalars(
            select(Affiliation)
            .join(Affiliation.contact)
            .options(selectinload(Affiliation.contact).selectinload(Contact.emails))
            .where(
                Affiliation.organisation_id.in_([o.id for o in organisations]),
                current_condition(local_today()),
            )
            .order_by(Contact.sort_name, Contact.id)
        ).all()
        refused = opted_out_ids([a.contact_id for a in roles])
        for role in roles:
            if role.contact_id in refused or not role.contact.emails:
                continue
            options = contacts.setdefault(role.organisation_id, [])
            if all(o.contact_id != role.contact_id for o in options):
                options.append(
                    AddressOption(
                        role.contact_id, role.contact.full_name, role.contact.emails[0].address
                    )
                )
    used: set[str] = {address.lower() for address in existing.values()}
    for organisation in organisations:
        if organisation.id in existing:
            choice.kept.append(organisation)
            continue
        options = list(contacts.get(organisation.id, []))
        if organisation.mailbox:
            options.insert(
                0, AddressOption(None, organisation.display_name, organisation.mailbox.strip())
            )
        if not options:
            choice.unreachable.append((organisation, _("Ingen e-postadress")))
            continue
        wanted = [o for o in options if o.key == picks.get(organisation.id)] + options
        free = [o for o in wanted if o.address.lower() not in used]
        if not free:
            choice.unreachable.append(
                (organisation, _("Adressen används redan för en annan organisation"))
            )
            continue
        used.add(free[0].address.lower())
        choice.reachable.append(Reachable(organisation, options, free[0]))
    return choice


def chosen_addresses(questionnaire: Questionnaire) -> dict[int, str]:
    """The draft's recipients so far: organisation id → the address chosen for it."""
    rows = db.session.execute(
        select(QuestionnaireRecipient.organisation_id, QuestionnaireRecipient.address).where(
            QuestionnaireRecipient.questionnaire_id == questionnaire.id
        )
    )
    return {row[0]: row[1] for row in rows}


def save_recipients(
    questionnaire: Questionnaire,
    *,
    criteria: Mapping[str, str],
    picks: Mapping[int, int] | None = None,
    by: User,
) -> RecipientChoice:
    """Add the organisations the filters keep (reachable ones) to the draft's recipients;
    an organisation chosen before is kept as it is, with its address (`choice.kept`)."""
    ensure_draft(questionnaire)
    choice = choose_recipients(criteria, picks, existing=chosen_addresses(questionnaire))
    db.session.add_all(
        QuestionnaireRecipient(
            questionnaire_id=questionnaire.id,
            organisation_id=item.organisation.id,
            contact_id=item.chosen.contact_id,
            name=item.chosen.name[:200],
            address=item.chosen.address[:254],
        )
        for item in choice.reachable
    )
    db.session.flush()
    return choice


def remove_recipients(
    questionnaire: Questionnaire, *, organisation_ids: Collection[int] | None = None, by: User
) -> int:
    """Take these organisations (None: all) off the draft's recipients; how many went."""
    ensure_draft(questionnaire)
    statement = delete(QuestionnaireRecipient).where(
        QuestionnaireRecipient.questionnaire_id == questionnaire.id
    )
    if organisation_ids is not None:
        statement = statement.where(
            QuestionnaireRecipient.organisation_id.in_(list(organisation_ids))
        )
    removed = db.session.execute(statement).rowcount or 0
    return removed


def recipients_of(questionnaire: Questionnaire) -> list[QuestionnaireRecipient]:
    """The questionnaire's recipients with their organisations, in name order."""
    organisation = selectinload(QuestionnaireRecipient.organisation)
    return list(
        db.session.scalars(
            select(QuestionnaireRecipient)
            .join(QuestionnaireRecipient.organisation)
            .options(
                organisation.selectinload(Organisation.parent),
                organisation.selectinload(Organisation.county),
            )
            .where(QuestionnaireRecipient.questionnaire_id == questionnaire.id)
            .order_by(Organisation.sort_name, Organisation.id)
        )
    )


def by_county(recipients: list[QuestionnaireRecipient]) -> list[CountyGroup]:
    """Recipients (as `recipients_of` gives them) grouped by their organisation's county, in
    the counties' name order; those without a county last."""
    groups: dict[str, list[QuestionnaireRecipient]] = {}
    for recipient in recipients:
        county = recipient.organisation.county
        groups.setdefault(county.name if county else "", []).append(recipient)
    names = sorted(groups, key=lambda name: (not name, sort_key(name)))
    return [CountyGroup(name, groups[name]) for name in names]


def readiness_problems(questionnaire: Questionnaire) -> list[str]:
    """What keeps the questionnaire from being sent (nothing: it is ready)."""
    problems = []
    questions = [q for section in questionnaire.sections for q in section.questions]
    if not questions:
        problems.append(_("Enkäten har inga frågor."))
    if questionnaire.closes_on is None:
        problems.append(_("Ange sista svarsdag."))
    elif questionnaire.closes_on < local_today():
        problems.append(_("Sista svarsdagen har redan passerat."))
    for question in questions:
        if question.kind.has_options and not question.options:
            problems.append(_("Frågan ”%(text)s” saknar svarsalternativ.", text=question.text))
    return problems


def check_message(subject: str, body: str) -> None:
    """A questionnaire's message must carry the link."""
    if "{länk}" not in body:
        raise NotReady(_("Meddelandet måste innehålla {länk}: mottagarens personliga länk."))


def mailing_to(
    questionnaire: Questionnaire,
    recipients: list[QuestionnaireRecipient],
    *,
    subject: str,
    body: str,
    by: User,
) -> Mailing:
    """A mailing (started: to the workers, or .eml files) to these recipients, each message
    with a new link to the questionnaire."""
    check_message(subject, body)
    mailing, _choice = mailing_services.create_mailing(
        values=mailing_services.MailingValues(
            subject=subject,
            body=body,
            audience=Audience.ORGANISATIONS,
            criteria={},
            questionnaire_id=questionnaire.id,
        ),
        by=by,
        chosen=[
            Chosen(
                address=r.address,
                name=r.name,
                organisation_id=r.organisation_id,
                organisation_name=r.organisation.display_name,
                contact_id=r.contact_id,
            )
            for r in recipients
        ],
    )
    mailing_services.start_mailing(mailing, by=by)
    return mailing


def send_questionnaire(
    questionnaire: Questionnaire, *, subject: str, body: str, by: User
) -> Mailing:
    """Send a ready draft to its recipients: it is locked (status SENT, sent_at; the
    builder's services refuse edits from now on) and a mailing carries the links."""
    ensure_draft(questionnaire)
    problems = readiness_problems(questionnaire)
    recipients = recipients_of(questionnaire)
    if not recipients:
        problems.append(_("Välj mottagare först."))
    if problems:
        raise NotReady(" ".join(problems))
    before = snapshot(questionnaire)
    mailing = mailing_to(questionnaire, recipients, subject=subject, body=body, by=by)
    questionnaire.status = QuestionnaireStatus.SENT
    questionnaire.sent_at = utcnow()
    touch(questionnaire)
    db.session.flush()
    record(
        entity=questionnaire,
        action=Action.UPDATE,
        by=by,
        changes=diff(before, snapshot(questionnaire)),
        note=_("Skickad till %(num)d organisationer", num=len(recipients)),
    )
    return mailing


def message_values(mailing: Mailing, recipient: MailingRecipient, preview: bool) -> dict[str, str]:
    """{länk} and {sista_dag} in one recipient's message: a new link for its organisation
    (none is made for the preview)."""
    questionnaire = db.session.get(Questionnaire, mailing.questionnaire_id)
    if questionnaire is None:
        return {}
    values = {
        "sista_dag": questionnaire.closes_on.isoformat() if questionnaire.closes_on else "",
        "länk": _("[mottagarens personliga länk]"),
    }
    if preview:
        return values
    target = db.session.scalar(
        select(QuestionnaireRecipient).where(
            QuestionnaireRecipient.questionnaire_id == questionnaire.id,
            QuestionnaireRecipient.organisation_id == recipient.organisation_id,
        )
    )
    if target is None:  # the organisation is no longer a recipient: no link to give
        values["länk"] = ""
        return values
    values["länk"] = links.public_url(links.give_link(target, mailing_id=mailing.id))
    return values


def default_texts(questionnaire: Questionnaire, by: Any) -> tuple[str, str]:
    """The subject and message a sending starts with (Swedish: to Swedish authorities)."""
    title = questionnaire.title.replace("{", "(").replace("}", ")")
    return (
        _("Enkät: %(title)s", title=title),
        _(
            "Hej {namn},\n\n"
            "Den nationella samordnaren för frivillig återvandring vill veta hur "
            "{organisation} arbetar med frågan. Svara gärna på enkäten ”%(title)s” senast "
            "{sista_dag} via länken nedan:\n\n{länk}\n\n"
            "Länken gäller för er organisation och kan skickas vidare till en kollega; "
            "organisationen svarar en gång.\n\nMed vänliga hälsningar\n%(name)s",
            title=title,
            name=getattr(by, "name", ""),
        ),
    )


extras.register("questionnaire", placeholders=PLACEHOLDERS, provider=message_values)
