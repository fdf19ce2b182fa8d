"""Research references: searched and filtered by topic and year, exported as XLSX, RIS and
BibTeX (read back), and linked to the meetings where they were discussed."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import bibtexparser
import pytest
import rispy
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.library import research, services
from app.library.models import MaterialKind, MeetingReference
from app.meetings.models import Meeting, MeetingKind


def reference(title, *, year, authors, topics):
    return services.create_material(
        values=services.MaterialValues(
            kind=MaterialKind.RESEARCH,
            title=title,
            authors=authors,
            year=year,
            publisher="Delmi",
            doi=f"10.1000/{year}",
            topics=topics,
        ),
        by=None,
    )


@pytest.fixture
def references(seeded):
    with seeded.app_context():
        ids = [
            reference(
                "Återvandring och hälsa",
                year=2019,
                authors="Åberg, Anna; Berg, Bo",
                topics=["hälsa"],
            ).id,
            reference(
                "Återvandringsbidrag i praktiken",
                year=2024,
                authors="Öst, Olle",
                topics=["återvandringsbidrag"],
            ).id,
            reference(
                "Barn som återvandrar",
                year=2025,
                authors="Cedergren, Cilla",
                topics=["barnrätt", "återvandringsbidrag"],
            ).id,
        ]
        from tests.factories import make_user

        meeting = Meeting(
            title="Forskningsseminarium",
            kind=MeetingKind.DIGITAL,
            responsible_id=make_user().id,
            starts_at=datetime(2026, 11, 3, 9, tzinfo=UTC),
            ends_at=datetime(2026, 11, 3, 10, tzinfo=UTC),
        )
        db.session.add(meeting)
        db.session.commit()
        return {"ids": ids, "meeting": meeting.id}


def titles(html):
    return re.findall(r'href="/material/\d+">([^<]+)</a>', html)


def test_search_and_filter_by_topic_and_year(references, as_role):
    client = as_role("reader")
    assert titles(client.get("/material?q=ÅTERVANDRINGSBIDRAG").text) == [
        "Återvandringsbidrag i praktiken"
    ]
    assert titles(client.get("/material?q=cedergren").text) == ["Barn som återvandrar"]
    by_topic = client.get("/material?amne=återvandringsbidrag&typ=forskning").text
    assert sorted(titles(by_topic)) == ["Barn som återvandrar", "Återvandringsbidrag i praktiken"]
    assert titles(client.get("/material?fran_ar=2020&till_ar=2024").text) == [
        "Återvandringsbidrag i praktiken"
    ]


def test_exports_hold_the_filtered_list(references, as_role):
    client = as_role("reader")
    xlsx = client.get("/material/export.xlsx?amne=återvandringsbidrag")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Barn som återvandrar", "Återvandringsbidrag i praktiken"]
    assert rows[2][3] == 2024 and rows[2][2] == "Öst, Olle"
    csv = client.get("/material/export.csv?q=cedergren").data.decode("utf-8-sig")
    assert "Barn som återvandrar" in csv and "praktiken" not in csv
    ris = client.get("/material/export.ris?fran_ar=2019&till_ar=2019")
    assert ris.headers["Content-Type"].startswith("application/x-research-info-systems")
    assert "referenser-" in ris.headers["Content-Disposition"]
    (entry,) = rispy.loads(ris.data.decode("utf-8"))
    assert entry["authors"] == ["Åberg, Anna", "Berg, Bo"]
    assert entry["year"] == "2019" and entry["keywords"] == ["hälsa"]
    bib = client.get("/material/export.bib?typ=forskning").data.decode("utf-8")
    library = bibtexparser.parse_string(bib)
    assert not library.failed_blocks
    assert sorted(e.key for e in library.entries) == [
        "Aberg2019Atervandring",
        "Cedergren2025Barn",
        "Ost2024Atervandringsbidrag",
    ]


def test_link_and_unlink_a_reference_at_a_meeting(references, as_role, seeded):
    client = as_role("coordinator")
    meeting, first = references["meeting"], references["ids"][0]
    page = client.get(f"/moten/{meeting}").text
    assert 'data-section="references"' in page and "Ingen referens kopplad ännu." in page
    response = client.post(f"/material/mote/{meeting}/referenser", data={"material_id": first})
    assert response.status_code == 302
    again = client.post(f"/material/mote/{meeting}/referenser", data={"material_id": first})
    assert again.status_code == 302
    with seeded.app_context():
        assert db.session.scalars(select(MeetingReference)).all()[0].material_id == first
        assert len(research.references_of(meeting)) == 1
    page = client.get(f"/moten/{meeting}").text
    section = page[page.index('data-section="references"') :]
    assert "Återvandring och hälsa" in section.split("</section>")[0]
    reference_page = client.get(f"/material/{first}").text
    assert "Forskningsseminarium" in reference_page
    assert "Diskuterad vid möte" in reference_page  # the history names the link
    client.post(f"/material/mote/{meeting}/referenser/{first}/ta-bort")
    assert (
        "Forskningsseminarium"
        not in client.get(f"/material/{first}")
        .text.split('data-section="meetings"')[1]
        .split("</section>")[0]
    )
    # nonsense and other roles
    assert (
        client.post(f"/material/mote/{meeting}/referenser", data={"material_id": "x"}).status_code
        == 302
    )
    assert (
        client.post(
            f"/material/mote/{meeting}/referenser", data={"material_id": "999999"}
        ).status_code
        == 302
    )
    assert (
        client.post("/material/mote/999999/referenser", data={"material_id": first}).status_code
        == 404
    )


def test_a_reader_sees_the_links_but_cannot_change_them(references, as_role):
    meeting, first = references["meeting"], references["ids"][0]
    reader = as_role("reader")
    assert (
        reader.post(f"/material/mote/{meeting}/referenser", data={"material_id": first}).status_code
        == 403
    )
    page = as_role("reader").get(f"/moten/{meeting}").text
    assert 'data-section="references"' in page and "Koppla referensen" not in page
