"""The audit log of indicators: creating one, each confirmed import (replace a year, add a
year) and a removal leave an event, and the history shows them in people's words (the
user's name, Stockholm time, labels and counts, never ids)."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.common.formatting import format_datetime
from app.extensions import db
from app.indicators import queries
from app.indicators.models import Indicator

from .files import kolada_csv
from .test_import_pages import fingerprint_of, upload

#: A second file for 2024 only: Malmö and Håbo again, Stockholm and Habo not in it.
REPLACE_2024 = "Kommun;År;Värde\r\n1280;2024;36,0\r\n0305;2024;14,2\r\n"
#: A third, adding 2025 for Malmö.
ADD_2025 = "Kommun;År;Värde\r\n1280;2025;37,5\r\n"


def import_file(client, data: bytes, filename: str, mode: str, indicator: str = "ny") -> None:
    """Upload, map (a new indicator "Utrikes födda", or the one given), preview, confirm."""
    mapping_url = upload(client, data, filename).headers["Location"]
    header = data.decode("utf-8-sig").split("\r\n", 1)[0].split(";")
    columns = {
        name: str(header.index(title))
        for name, title in (("municipality", header[0]), ("year", "År"), ("value", "Värde"))
    }
    fields = {"indicator": indicator, "mode": mode, **columns}
    if indicator == "ny":
        fields |= {"name": "Utrikes födda", "unit": "procent", "source": "Kolada N02926"}
    response = client.post(mapping_url, data=fields)
    preview_url = response.headers["Location"]
    preview = client.get(preview_url).text
    import_id = int(preview_url.rsplit("/", 1)[1])
    done = client.post(
        f"/indikatorer/import/{import_id}/bekrafta", data={"fingerprint": fingerprint_of(preview)}
    )
    assert done.status_code == 302, done.text


def history_items(page: str, section_id: str = "history-heading") -> list[str]:
    """Each event of a history section as a sighted reader sees it (the words only for
    screen readers left out), whitespace collapsed."""
    start = page.index(f'id="{section_id}"')
    section = page[start : page.index("</section>", start)]
    section = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", section)
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def test_creating_and_importing_are_recorded_and_read_well(seeded, users, as_role):
    client = as_role("coordinator")
    import_file(client, kolada_csv(), "kolada.csv", "replace")
    with seeded.app_context():
        indicator_id = db.session.scalar(select(Indicator.id))
    import_file(client, REPLACE_2024.encode(), "malmo-habo.csv", "replace", str(indicator_id))
    import_file(client, ADD_2025.encode(), "malmo-2025.csv", "add", str(indicator_id))

    with seeded.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "indicators", AuditEvent.entity_id == indicator_id)
            .order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == ["create", "import", "import", "import"]
        coordinator = db.session.scalar(select(User).filter_by(email=users["coordinator"]))
        assert {e.actor_id for e in events} == {coordinator.id}
        assert events[1].changes == {
            "file": [None, "kolada.csv"],
            "years": [None, [2023, 2024]],
            "mode": [None, "replace"],
            "figures": [0, 5],
            "new": [None, 5],
            "skipped": [None, 2],
        }
        # 2024 replaced: Malmö and Håbo again, Stockholm's and Habo's 2024 figures removed.
        assert events[2].changes["figures"] == [5, 3]
        assert events[2].changes["replaced"] == [None, 2]
        assert events[2].changes["removed"] == [None, 2]
        assert "new" not in events[2].changes
        assert events[3].changes["mode"] == [None, "add"]
        assert events[3].changes["figures"] == [3, 4]
        name = coordinator.name
        times = [format_datetime(e.occurred_at) for e in reversed(events)]

    page = client.get(f"/indikatorer/{indicator_id}").text
    items = history_items(page)
    assert len(items) == 4
    for item, time in zip(items, times, strict=True):
        assert item.startswith(f"{time} · {name} · ")
    newest, replaced, first, created = items
    assert "importerade" in newest
    assert "Fil – → malmo-2025.csv" in newest
    assert "Importsätt – → Lägg till året" in newest
    assert "År – → 2025" in newest and "Värden 3 → 4" in newest and "Nya värden – → 1" in newest
    assert "Importsätt – → Ersätt året" in replaced
    assert "Ersatta värden – → 2" in replaced
    assert "Borttagna värden – → 2" in replaced
    assert "Värden 5 → 3" in replaced
    assert "År – → 2023, 2024" in first and "Ej inlästa rader – → 2" in first
    assert "skapade" in created
    assert "Namn – → Utrikes födda" in created and "Källa – → Kolada N02926" in created
    assert "Värdena är – → Tal" in created
    # People's words: no ids, no field names, no ISO timestamps.
    for item in items:
        assert "actor" not in item and "figures" not in item and "replace" not in item
        assert not re.search(r"\d{4}-\d\d-\d\dT", item)


def test_a_removal_is_recorded_and_listed_with_the_indicators(seeded, users, as_role):
    client = as_role("coordinator")
    import_file(client, kolada_csv(), "kolada.csv", "replace")
    with seeded.app_context():
        indicator_id = db.session.scalar(select(Indicator.id))
    response = client.post(f"/indikatorer/{indicator_id}/ta-bort")
    assert response.status_code == 302
    with seeded.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "delete")).one()
        assert (event.entity_type, event.entity_id) == ("indicators", indicator_id)
        assert event.note == "Utrikes födda"
        assert event.changes == {"figures": [5, 0], "years": [[2023, 2024], []]}
        name = db.session.scalar(select(User.name).filter_by(email=users["coordinator"]))
        time = format_datetime(event.occurred_at)
    page = client.get("/indikatorer").text
    (item,) = history_items(page, "removed-heading")
    assert item == f"{time} · {name} · tog bort Utrikes födda Värden 5 År 2023, 2024"
    # The history follows the user's name today.
    with seeded.app_context():
        db.session.scalar(select(User).filter_by(email=users["coordinator"])).name = "Kim Ny"
        db.session.commit()
    (item,) = history_items(client.get("/indikatorer").text, "removed-heading")
    assert "· Kim Ny · tog bort Utrikes födda" in item


def test_a_new_indicator_with_a_removed_ones_id_starts_a_new_history(seeded, users, as_role):
    client = as_role("coordinator")
    import_file(client, kolada_csv(), "kolada.csv", "replace")
    with seeded.app_context():
        old_id = db.session.scalar(select(Indicator.id))
    client.post(f"/indikatorer/{old_id}/ta-bort")
    import_file(client, ADD_2025.encode(), "malmo-2025.csv", "add")
    with seeded.app_context():
        indicator = db.session.scalars(select(Indicator)).one()
        if db.engine.dialect.name == "sqlite":  # PostgreSQL's sequence never gives it again
            assert indicator.id == old_id
        shown = queries.indicator_history(indicator)
        assert [e.action for e in shown] == ["importerade", "skapade"]
        assert all(e.note != "Utrikes födda" for e in shown)


def test_the_history_costs_the_same_for_more_events(seeded, users, as_role, count_statements):
    client = as_role("coordinator")
    import_file(client, kolada_csv(), "kolada.csv", "replace")
    with seeded.app_context():
        indicator_id = db.session.scalar(select(Indicator.id))
    client.post(f"/indikatorer/{indicator_id}/ta-bort")
    import_file(client, kolada_csv(), "kolada.csv", "replace")
    with seeded.app_context():
        indicator_id = db.session.scalar(select(Indicator.id))
    pages = (f"/indikatorer/{indicator_id}", "/indikatorer")
    with count_statements() as detail_few:
        client.get(pages[0])
    with count_statements() as index_few:
        client.get(pages[1])
    for _round in range(3):
        import_file(client, ADD_2025.encode(), "malmo.csv", "replace", str(indicator_id))
    with seeded.app_context():
        other = Indicator(name="Borttagen")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    client.post(f"/indikatorer/{other_id}/ta-bort")
    with count_statements() as detail_more:
        page = client.get(pages[0]).text
    with count_statements() as index_more:
        index = client.get(pages[1]).text
    assert len(history_items(page)) == 5 and len(history_items(index, "removed-heading")) == 2
    assert (detail_more.count, index_more.count) == (detail_few.count, index_few.count)
