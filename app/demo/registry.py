"""Demo team, organisations (social-services units, civil society) and the lägesbild history."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import bindparam, select, update

from app.auth.models import Role, User
from app.common.text import fold, sort_key
from app.extensions import db
from app.organisations.models import EngagementChange, Organisation, OrganisationKind
from app.organisations.stages import Stage

from . import vocabulary as words
from .core import (
    FIRST_DAY,
    Context,
    Org,
    Team,
    fixed_utc,
    insert_returning_ids,
    insert_rows,
    part_rng,
    random_day,
    slug,
)

TEAM_DOMAIN = "samordnare.example.se"

#: The demo team: (name, role). The first coordinator acts as head of secretariat.
TEAM = (
    ("Karin Lindqvist", Role.COORDINATOR),
    ("Ahmed Rahimi", Role.COORDINATOR),
    ("Sofia Bergström", Role.COORDINATOR),
    ("Johan Öhman", Role.COORDINATOR),
    ("Elin Åkesson", Role.COORDINATOR),
    ("Mattias Nord", Role.COORDINATOR),
    ("Birgitta Hall", Role.READER),
    ("Per Ekdahl", Role.READER),
)

UNIT_NAME = "Socialtjänsten"
#: Share of municipalities given a social-services unit, and share never reached.
UNIT_SHARE = 0.75
UNREACHED_SHARE = 0.15

KIND_CATEGORY = {
    OrganisationKind.KOMMUN: "kommun",
    OrganisationKind.LANSSTYRELSE: "lansstyrelse",
    OrganisationKind.REGION: "region",
    OrganisationKind.MYNDIGHET: "myndighet",
    OrganisationKind.SKR: "skr",
    OrganisationKind.CIVILSAMHALLE: "civilsamhalle",
    OrganisationKind.ANNAN: "civilsamhalle",
    OrganisationKind.ENHET: "civilsamhalle",  # a municipality's unit becomes "socialtjanst"
}


def team_email(name: str) -> str:
    first, last = name.split(" ", 1)
    return f"{slug(first)}.{slug(last)}@{TEAM_DOMAIN}"


def ensure_team(ctx: Context, password_hash: str) -> int:
    """Create the demo team where missing (found again by e-mail); return how many were new."""
    existing = {u.email: u for u in db.session.scalars(select(User))}
    created = 0
    users = []
    for name, role in TEAM:
        user = existing.get(team_email(name))
        if user is None:
            user = User(
                email=team_email(name),
                name=name,
                role=role,
                password_hash=password_hash,
                created_at=fixed_utc(date(2025, 6, 9)),
                updated_at=fixed_utc(date(2025, 6, 9)),
            )
            db.session.add(user)
            created += 1
        users.append(user)
    db.session.flush()
    ctx.team = Team(
        coordinators=[u.id for u in users if u.role is Role.COORDINATOR],
        readers=[u.id for u in users if u.role is Role.READER],
        names={u.id: u.name for u in users},
    )
    return created


def _domain(organisation: Organisation) -> str:
    if organisation.kind is OrganisationKind.LANSSTYRELSE:
        return "lansstyrelsen.example.se"
    return f"{slug(organisation.short_name or organisation.name)[:30]}.example.se"


def load_organisations(ctx: Context) -> int:
    """Read the registry, add social-services units and civil-society organisations, and
    give each organisation an activity weight; return how many organisations were added."""
    rng = part_rng(ctx.seed, "organisations")
    rows = db.session.scalars(
        select(Organisation)
        .where(Organisation.archived_at.is_(None))
        .order_by(Organisation.kind, Organisation.reference_key, Organisation.name)
    ).all()
    orgs = [
        Org(
            id=o.id,
            name=o.name,
            short_name=o.short_name or "",
            category=KIND_CATEGORY[o.kind],
            county_code=o.county_code,
            domain=_domain(o),
            parent_id=o.parent_id,
        )
        for o in rows
    ]
    by_id = {org.id: org for org in orgs}
    municipalities = [
        by_id[o.id] for o in rows if o.kind is OrganisationKind.KOMMUN and o.parent_id is None
    ]
    for municipality in municipalities:
        municipality.municipality_id = municipality.id
        municipality.reached = rng.random() >= UNREACHED_SHARE
        # A few large, busy municipalities and many small ones.
        municipality.activity = rng.lognormvariate(0, 0.8)
    for org in orgs:
        if org.parent_id in by_id and by_id[org.parent_id].municipality_id:
            parent = by_id[org.parent_id]
            org.category, org.domain = "socialtjanst", parent.domain
            org.municipality_id, org.reached = parent.id, parent.reached
            org.parent_name = parent.name
        if org.name == "Migrationsverket":
            org.activity = 4.0

    has_unit = {o.parent_id for o in rows if o.parent_id and o.name == UNIT_NAME}
    new_units = [m for m in municipalities if m.id not in has_unit and rng.random() < UNIT_SHARE]
    unit_rows = [
        {
            "name": UNIT_NAME,
            "kind": OrganisationKind.ENHET,
            "county_code": m.county_code,
            "parent_id": m.id,
            "search_text": fold(f"{UNIT_NAME} {m.name} {m.short_name}")[:600],
            "sort_name": sort_key(UNIT_NAME),
            "created_at": fixed_utc(FIRST_DAY),
            "updated_at": fixed_utc(FIRST_DAY),
        }
        for m in new_units
    ]
    for m, new_id in zip(
        new_units, insert_returning_ids(Organisation.__table__, unit_rows), strict=True
    ):
        orgs.append(
            Org(new_id, UNIT_NAME, m.short_name, "socialtjanst", m.county_code, m.domain,
                parent_id=m.id, parent_name=m.name, municipality_id=m.id, reached=m.reached,
                activity=m.activity * 1.5)
        )  # fmt: skip

    taken = {fold(o.name) for o in rows}
    society: list[tuple[str, str | None, str | None]] = [
        (name, short, None) for name, short in words.CIVIL_SOCIETY
    ]
    for _ in range(min(600, round(20 * ctx.scale))):
        town = rng.choice(municipalities)
        pattern = rng.choice(words.LOCAL_ASSOCIATION_PATTERNS)
        society.append((pattern.format(town=town.short_name or town.name), None, town.county_code))
    society = [s for s in dict.fromkeys(society) if fold(s[0]) not in taken]
    society = list({fold(s[0]): s for s in society}.values())
    society_rows = [
        {
            "name": name,
            "short_name": short,
            "kind": OrganisationKind.CIVILSAMHALLE,
            "county_code": county,
            "search_text": fold(" ".join(p for p in (name, short) if p))[:600],
            "sort_name": sort_key(name)[:200],
            "created_at": fixed_utc(FIRST_DAY),
            "updated_at": fixed_utc(FIRST_DAY),
        }
        for name, short, county in society
    ]
    for (name, short, county), new_id in zip(
        society, insert_returning_ids(Organisation.__table__, society_rows), strict=True
    ):
        orgs.append(
            Org(new_id, name, short or "", "civilsamhalle", county,
                f"{slug(short or name)[:30]}.example.se", activity=rng.uniform(0.3, 1.5))
        )  # fmt: skip
    ctx.orgs = orgs
    return len(unit_rows) + len(society_rows)


#: The path to each final stage.
PATHS = {
    Stage.CONTACTED: [Stage.CONTACTED],
    Stage.INFORMED: [Stage.CONTACTED, Stage.INFORMED],
    Stage.IN_DIALOGUE: [Stage.CONTACTED, Stage.INFORMED, Stage.IN_DIALOGUE],
    Stage.ACTIVE: [Stage.CONTACTED, Stage.INFORMED, Stage.IN_DIALOGUE, Stage.ACTIVE],
    Stage.DECLINED: [Stage.CONTACTED, Stage.INFORMED, Stage.DECLINED],
}
FINAL_STAGES = list(PATHS)
FINAL_WEIGHTS = [20, 30, 25, 15, 10]


def record_engagement(ctx: Context) -> int:
    """Give reached municipalities still at the first stage a history of stage changes
    (dated between the start and today) and their present stage; return the changes made."""
    rng = part_rng(ctx.seed, "engagement")
    with_history = set(db.session.scalars(select(EngagementChange.organisation_id).distinct()))
    municipalities = [
        o for o in ctx.orgs if o.municipality_id == o.id and o.reached and o.id not in with_history
    ]
    changes, updates = [], []
    start = FIRST_DAY + timedelta(days=14)
    end = max(ctx.today - timedelta(days=1), start)
    for org in municipalities:
        final = rng.choices(FINAL_STAGES, weights=FINAL_WEIGHTS)[0]
        path = PATHS[final]
        days = sorted(random_day(rng, start, end) for _ in path)
        opportunities = rng.choice(words.OPPORTUNITIES)
        challenges = rng.choice(words.CHALLENGES)
        for step, (stage, day) in enumerate(zip(path, days, strict=True)):
            by = rng.choice(ctx.team.coordinators)
            changes.append(
                {
                    "organisation_id": org.id,
                    "stage": stage,
                    "comment": rng.choice(words.STAGE_COMMENTS),
                    "opportunities": opportunities if step else "",
                    "challenges": challenges if step else "",
                    "changed_at": fixed_utc(day) + timedelta(hours=8 + step, minutes=step * 7),
                    "changed_by_id": by,
                    "changed_by_name": ctx.team.names[by],
                }
            )
        updates.append(
            {
                "oid": org.id,
                "stage": final,
                "opportunities": opportunities if len(path) > 1 else "",
                "challenges": challenges if len(path) > 1 else "",
            }
        )
    insert_rows(EngagementChange.__table__, changes)
    if updates:
        table = Organisation.__table__
        statement = (
            update(table)
            .where(table.c.id == bindparam("oid"))
            .values(
                engagement_stage=bindparam("stage"),
                opportunities=bindparam("opportunities"),
                challenges=bindparam("challenges"),
            )
        )
        db.session.connection().execute(statement, updates)
    return len(changes)
