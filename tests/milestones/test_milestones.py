"""Policy milestones: coordinators add, change and remove them (readers may only look), the
audit log keeps each change, the report charts draw them as markers at their day, and the
organisation page lists them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.audit.services import Action
from app.common.formatting import format_date
from app.extensions import db
from app.milestones.models import PolicyMilestone
from app.milestones.services import (
    InvalidMilestone,
    MilestoneValues,
    create_milestone,
    milestones_between,
)
from app.organisations.models import OrganisationKind
from app.reports.charts import Marker, bar_chart, markers_for
from app.reports.report_charts import milestone_label

from ..factories import make_organisation


def add(day: date, title: str, note: str = "") -> PolicyMilestone:
    return create_milestone(values=MilestoneValues(day, title, note), by=None)


def test_markers_sit_at_their_day_within_the_category():
    months = [(date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28))]
    events = [
        (date(2026, 1, 1), "Bidraget höjs"),
        (date(2026, 2, 15), "Mitt i februari"),
        (date(2025, 12, 31), "Före perioden"),
        (date(2026, 3, 1), "Efter perioden"),
    ]
    assert markers_for(months, events) == [
        Marker(0.0, "Bidraget höjs"),
        Marker(1.5, "Mitt i februari"),
    ]


def test_a_chart_draws_its_markers_escaped():
    svg = bar_chart(
        ["jan", "feb"], [3, 5], title="Möten", markers=[Marker(1.0, "2026-02-01 <b>Ny lag</b>")]
    )
    line = re.search(r'<g class="chart__milestone"><title>([^<]*)</title><line x1="([\d.]+)"', svg)
    assert line is not None
    assert line.group(1) == "2026-02-01 &lt;b&gt;Ny lag&lt;/b&gt;"
    assert float(line.group(2)) == 52 + (480 - 52 - 12) / 2  # the left edge of February
    assert "<b>" not in svg
    assert 'stroke-dasharray="5 3"' in svg


def test_checks_and_period(ctx):
    with pytest.raises(InvalidMilestone):
        add(date(2026, 1, 1), "   ")
    with pytest.raises(InvalidMilestone):
        add(date(1900, 1, 1), "För tidigt")
    add(date(2026, 1, 1), "Återvandringsbidraget höjs")
    add(date(2026, 6, 1), "Ny vägledning")
    add(date(2027, 1, 1), "Nästa år")
    titles = [m.title for m in milestones_between(date(2026, 1, 1), date(2026, 12, 31))]
    assert titles == ["Återvandringsbidraget höjs", "Ny vägledning"]


def test_coordinators_add_change_and_remove(app, as_role):
    client = as_role("coordinator")
    page = client.get("/policyhandelser").text
    assert "Inga policyhändelser ännu." in page and "Ny policyhändelse" in page
    response = client.post(
        "/policyhandelser",
        data={"happens_on": "2026-01-01", "title": "Återvandringsbidraget höjs", "note": "Prop."},
    )
    assert response.status_code == 302
    with app.app_context():
        milestone = db.session.scalar(select(PolicyMilestone))
        milestone_id = milestone.id
    bad = client.post("/policyhandelser", data={"happens_on": "2026-13-01", "title": "X"})
    assert bad.status_code == 400 and "Ny policyhändelse" in bad.text
    edit = client.get(f"/policyhandelser/{milestone_id}")
    assert "Ändra policyhändelsen" in edit.text and "2026-01-01" in edit.text
    client.post(
        f"/policyhandelser/{milestone_id}",
        data={"happens_on": "2026-01-02", "title": "Bidraget höjs", "note": "", "version": "1"},
    )
    page = client.get("/policyhandelser").text
    assert "2026-01-02" in page and "Bidraget höjs" in page
    client.post(f"/policyhandelser/{milestone_id}/ta-bort")
    assert "Inga policyhändelser ännu." in client.get("/policyhandelser").text
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_type == "policy_milestones")
            .order_by(AuditEvent.id)
        ).all()
        assert [str(a) for a in actions] == [Action.CREATE, Action.UPDATE, Action.DELETE]


def test_readers_only_look(app, as_role):
    with app.app_context():
        add(date(2026, 1, 1), "Återvandringsbidraget höjs")
        db.session.commit()
    client = as_role("reader")
    page = client.get("/policyhandelser").text
    assert "Återvandringsbidraget höjs" in page
    assert "Ny policyhändelse" not in page and "Ta bort" not in page
    assert client.post("/policyhandelser", data={"title": "X"}).status_code == 403
    assert client.get("/policyhandelser/1").status_code == 403
    assert client.post("/policyhandelser/1/ta-bort").status_code == 403


def test_reports_and_organisation_pages_show_them(app, as_role):
    with app.app_context():
        add(date(2026, 1, 1), "Återvandringsbidraget höjs")
        kommun = make_organisation(name="Ånge kommun", kind=OrganisationKind.KOMMUN)
        kommun_id = kommun.id
        db.session.commit()
    client = as_role("coordinator")
    summary = client.get("/rapporter/sammanstallning?manad=2026-02").text
    assert summary.count('<g class="chart__milestone">') == 2  # both of the summary's charts
    assert "Streckade linjer: policyhändelser" in summary
    final = client.get("/rapporter/slutredovisning?till=2026-03-31").text
    assert final.count('<g class="chart__milestone">') == 2
    other = client.get("/rapporter/sammanstallning?manad=2024-06").text
    assert "chart__milestone" not in other
    organisation = client.get(f"/organisationer/{kommun_id}").text
    section = organisation.split('id="milestones-heading"')[1]
    assert "2026-01-01" in section and "Återvandringsbidraget höjs" in section


def test_charts_name_a_milestone_by_its_day_as_the_list_beside_them_does(app, as_role):
    """The chart's label and the list under the charts write the day the same way: the
    house's date (app/common/formatting.format_date, the templates' |date)."""
    with app.app_context():
        milestone = add(date(2026, 1, 1), "Återvandringsbidraget höjs")
        assert milestone_label(milestone) == f"{format_date(date(2026, 1, 1))} {milestone.title}"
        assert milestone_label(milestone) == "2026-01-01 Återvandringsbidraget höjs"
        db.session.commit()
    client = as_role("reader")
    for path in ("/rapporter/sammanstallning?manad=2026-02", "/rapporter/slutredovisning"):
        page = client.get(path).text
        listed = re.findall(r'<time datetime="2026-01-01">([^<]+)</time> ([^;<]+)', page)
        assert listed == [("2026-01-01", "Återvandringsbidraget höjs")], path
        titles = re.findall(r'<g class="chart__milestone"><title>([^<]*)</title>', page)
        assert titles == [f"{listed[0][0]} {listed[0][1].strip()}"] * 2, path


def test_a_year_after_a_leap_day():
    from datetime import date

    from app.milestones.services import a_year_after

    assert a_year_after(date(2028, 2, 29)) == date(2029, 2, 28)
    assert a_year_after(date(2026, 12, 7)) == date(2027, 12, 7)
