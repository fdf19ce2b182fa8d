"""The theme pages: readers read, coordinators and admins change; coding a meeting from its
page and an answer from the coding page; the lägesbild's Teman part; and statement counts
that stay the same as mentions grow."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import render_template
from sqlalchemy import func, select

from app.common.sections import sections_for
from app.extensions import db
from app.meetings.models import Meeting
from app.organisations.models import Organisation, OrganisationKind
from app.questionnaires.models import Question, Questionnaire, QuestionnaireStatus
from app.themes import services
from app.themes.models import Theme, ThemeMention, ThemeSide

from ..factories import make_user
from ..questionnaires.builders import make_questionnaire, make_response, questions_of
from .world import meeting, organisation, theme, unit_of, utc


@pytest.fixture
def data(seeded, users):
    """A theme, a meeting with Kramfors, and a questionnaire with Kramfors's answer."""
    with seeded.app_context():
        tolk = theme("Tolk", ThemeSide.CHALLENGE)
        held = meeting([organisation("Kramfors kommun")], utc(2026, 11, 2, 9))
        questionnaire = make_questionnaire(status=QuestionnaireStatus.SENT)
        text = questions_of(questionnaire)[5]
        response = make_response(
            questionnaire,
            organisation("Kramfors kommun"),
            {text.id: "Vi saknar tolkar <script>alert(1)</script>"},
            submitted_at=utc(2026, 11, 20, 10),
        )
        db.session.commit()
        return {
            "theme": tolk.id,
            "meeting": held.id,
            "questionnaire": questionnaire.id,
            "response": response.id,
            "question": text.id,
        }


def mention_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ThemeMention))


def test_reader_reads_but_cannot_change(app, data, as_role):
    client = as_role("reader")
    page = client.get("/teman")
    assert page.status_code == 200 and "Tolk" in page.text
    assert "Nytt tema" not in page.text
    assert client.get(f"/teman/{data['theme']}").status_code == 200
    assert client.get(f"/teman/{data['theme']}/andra").status_code == 403
    assert client.post("/teman", data={"name": "Nytt"}).status_code == 403
    assert client.post(f"/teman/{data['theme']}/avveckla").status_code == 403
    coded = client.post(
        f"/teman/mote/{data['meeting']}", data={"theme_id": data["theme"], "side": "utmaning"}
    )
    assert coded.status_code == 403
    meeting_page = client.get(f"/moten/{data['meeting']}")
    assert 'id="themes-heading"' in meeting_page.text
    assert "Koppla temat" not in meeting_page.text
    coding = client.get(f"/teman/enkat/{data['questionnaire']}")
    assert coding.status_code == 200 and "Lägg till temat" not in coding.text
    assert mention_count(app) == 0


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_the_list_is_kept_by_coordinators_and_admins(app, data, as_role, role):
    client = as_role(role)
    made = client.post(
        "/teman", data={"name": "Samverkan med Migrationsverket", "side": ""}, follow_redirects=True
    )
    assert made.status_code == 200 and "är tillagt" in made.text
    taken = client.post("/teman", data={"name": "  TOLK "})
    assert taken.status_code == 400 and "finns redan" in taken.text
    theme_id = data["theme"]
    edited = client.post(
        f"/teman/{theme_id}/andra",
        data={"name": "Tolk och tolkning", "name_en": "Interpreters", "side": "utmaning"},
        follow_redirects=True,
    )
    assert "Tolk och tolkning" in edited.text and "Interpreters" in edited.text
    retired = client.post(f"/teman/{theme_id}/avveckla", follow_redirects=True)
    assert "Används inte sedan" in retired.text
    assert "Används inte" in client.get("/teman").text
    restored = client.post(f"/teman/{theme_id}/ateruppta", follow_redirects=True)
    assert "Används inte sedan" not in restored.text
    history = client.get(f"/teman/{theme_id}").text
    assert "Historik" in history and "Tolk och tolkning" in history


def test_code_a_meeting_from_its_page(app, data, as_role):
    client = as_role("coordinator")
    page = client.get(f"/moten/{data['meeting']}")
    assert "Koppla temat" in page.text
    done = client.post(
        f"/teman/mote/{data['meeting']}",
        data={"theme_id": data["theme"], "side": "utmaning", "note": "Saknar tolk på dari"},
        follow_redirects=True,
    )
    assert "kopplat till 1 kommun" in done.text
    section = done.text[done.text.index('id="themes-heading"') :]
    assert "Tolk" in section and "Kramfors kommun" in section and "Saknar tolk på dari" in section
    again = client.post(
        f"/teman/mote/{data['meeting']}",
        data={"theme_id": data["theme"], "side": "utmaning"},
        follow_redirects=True,
    )
    assert "redan kodat" in again.text
    bad = client.post(
        f"/teman/mote/{data['meeting']}",
        data={"theme_id": "x", "side": "nej"},
        follow_redirects=True,
    )
    assert bad.status_code == 200 and "Välj" in bad.text
    assert mention_count(app) == 1
    theme_page = client.get(f"/teman/{data['theme']}").text
    assert "Kramfors kommun" in theme_page and "2026-11-02" in theme_page
    assert "Möte: Dialog om återvandring" in theme_page
    with app.app_context():
        mention_id = db.session.scalar(select(ThemeMention.id))
    removed = client.post(f"/teman/namning/{mention_id}/ta-bort", follow_redirects=True)
    assert "Kodningen är borttagen" in removed.text
    assert mention_count(app) == 0


def test_code_a_free_text_answer(app, data, as_role):
    client = as_role("coordinator")
    with app.test_request_context():
        questionnaire = db.session.get(Questionnaire, data["questionnaire"])
        (section,) = [
            s
            for s in sections_for("questionnaire", questionnaire)
            if s.template.startswith("themes/")
        ]
        link = render_template(section.template, ctx=section.context)
    assert f'href="/teman/enkat/{data["questionnaire"]}"' in link
    page = client.get(f"/teman/enkat/{data['questionnaire']}")
    assert page.status_code == 200
    assert "Kramfors kommun" in page.text and "&lt;script&gt;" in page.text
    url = f"/teman/enkat/{data['questionnaire']}/svar/{data['response']}/{data['question']}"
    done = client.post(
        url, data={"theme_id": data["theme"], "side": "utmaning"}, follow_redirects=True
    )
    assert "är kodat med ”Tolk”" in done.text
    with app.app_context():
        mention = db.session.scalars(select(ThemeMention)).one()
        assert str(mention.mentioned_on) == "2026-11-20"
    wrong = (
        f"/teman/enkat/{data['questionnaire'] + 1000}/svar/{data['response']}/{data['question']}"
    )
    assert (
        client.post(wrong, data={"theme_id": data["theme"], "side": "utmaning"}).status_code == 404
    )


def test_the_lagesbild_counts_the_themes(app, data, as_role):
    client = as_role("reader")
    with app.app_context():
        user = make_user()
        held = db.session.get(Meeting, data["meeting"])
        tolk = db.session.get(Theme, data["theme"])
        services.code_meeting(held, theme=tolk, side=ThemeSide.CHALLENGE, by=user)
        db.session.commit()
    page = client.get("/rapporter/lagesbild?teman_fran=2026-11&teman_till=2026-11")
    assert page.status_code == 200
    part = page.text[page.text.index('id="themes-heading"') :]
    assert "Kommuner som nämner temat" in part
    assert re.search(r'data-figure="theme-municipalities">1<', part)
    # The breakdown is one click away, on the theme's page, for the same months.
    link = re.search(
        r'href="(/teman/\d+\?teman_fran=2026-11&amp;teman_till=2026-11#theme-period)"', part
    )
    theme_page = client.get(link.group(1).replace("&amp;", "&")).text
    breakdown = theme_page[
        theme_page.index('id="theme-period"') : theme_page.index("mentions-heading")
    ]
    assert re.search(r'data-side="utmaning">1 kommun<', breakdown)
    assert re.search(
        r"<th scope=\"row\">Västernorrlands län</th><td class=\"numeric\">1<", breakdown
    )
    assert re.search(r"<th scope=\"row\">2026-11</th><td class=\"numeric\">1<", breakdown)
    december = client.get(f"/teman/{data['theme']}?teman_fran=2026-12&teman_till=2026-12").text
    assert "Ingen kommun har nämnt temat under perioden." in december
    assert client.get(f"/teman/{data['theme']}?teman_fran=x&teman_till=2026-99").status_code == 200
    empty = client.get("/rapporter/lagesbild?teman_fran=2026-12&teman_till=2026-12").text
    assert "Inga kommuner har nämnt" in empty
    odd = client.get("/rapporter/lagesbild?teman_fran=2026-13&teman_till=<x>")
    assert odd.status_code == 200 and "ÅÅÅÅ-MM" in odd.text
    backwards = client.get("/rapporter/lagesbild?teman_fran=2026-12&teman_till=2026-01")
    assert backwards.status_code == 200 and "Slutmånaden" in backwards.text
    export = client.get("/rapporter/lagesbild.xlsx?teman_fran=2026-11&teman_till=2026-11")
    assert export.status_code == 200


def grow(app, data, count: int, *, skip: int = 0) -> None:
    """`count` more municipalities naming the theme: at a meeting of their own (with their
    social services) and in a coded answer to the questionnaire."""
    with app.app_context():
        user = make_user()
        tolk = db.session.get(Theme, data["theme"])
        questionnaire = db.session.get(Questionnaire, data["questionnaire"])
        text = db.session.get(Question, data["question"])
        day = db.session.get(Meeting, data["meeting"]).starts_at
        municipalities = db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.KOMMUN)
            .order_by(Organisation.id.desc())
            .offset(skip)
            .limit(count)
        )
        for number, municipality in enumerate(list(municipalities)):
            held = meeting(
                [municipality, unit_of(municipality)], day - timedelta(days=number), by=user
            )
            services.code_meeting(held, theme=tolk, side=ThemeSide.CHALLENGE, by=user)
            response = make_response(questionnaire, municipality, {text.id: f"Svar {number}"})
            services.code_answer(response, text, theme=tolk, side=ThemeSide.OPPORTUNITY, by=user)
        db.session.commit()


def test_statement_counts_do_not_grow_with_mentions(app, data, as_role, count_statements):
    client = as_role("coordinator")
    urls = [
        "/teman",
        f"/teman/{data['theme']}",
        f"/teman/enkat/{data['questionnaire']}",
        f"/moten/{data['meeting']}",
        "/rapporter/lagesbild?teman_fran=2026-01&teman_till=2026-12",
    ]

    def measure() -> dict[str, int]:
        counts = {}
        for url in urls:
            client.get(url)  # warm caches (translations, the registry's reference data)
            with count_statements() as counter:
                assert client.get(url).status_code == 200
            counts[url] = counter.count
        return counts

    grow(app, data, 2)
    small = measure()
    grow(app, data, 12, skip=2)
    large = measure()
    assert small == large


def test_a_trashed_meeting_leaves_the_theme_page(app, data, as_role):
    from app.trash.services import move_to_trash

    client = as_role("coordinator")
    client.post(
        f"/teman/mote/{data['meeting']}", data={"theme_id": data["theme"], "side": "utmaning"}
    )
    assert "Kramfors kommun" in client.get(f"/teman/{data['theme']}").text
    with app.app_context():
        move_to_trash(db.session.get(Meeting, data["meeting"]), by=make_user())
        db.session.commit()
    page = client.get(f"/teman/{data['theme']}").text
    mentions = page[page.index('id="mentions-heading"') : page.index('id="history-heading"')]
    assert "Kramfors kommun" not in mentions and "Ingen har nämnt temat ännu" in mentions


def test_the_theme_pages_count_is_the_tallys_and_the_lists(app, data, as_role):
    """The count above the mentions comes from the maintained tally: the same mentions the
    list shows (those of a meeting in the trash left out of both)."""
    from app.themes.queries import mentions_of
    from app.themes.tally import mention_count
    from app.trash.services import move_to_trash

    grow(app, data, 3)
    client = as_role("coordinator")

    def shown() -> tuple[int, int, str]:
        with app.app_context():
            listed = len(db.session.scalars(mentions_of(data["theme"])).all())
            tallied = mention_count(data["theme"])
        page = client.get(f"/teman/{data['theme']}").text
        return listed, tallied, page

    listed, tallied, page = shown()
    assert listed == tallied > 0 and f"{listed} träffar" in page
    with app.app_context():
        held = db.session.scalar(
            select(ThemeMention.meeting_id)
            .where(ThemeMention.theme_id == data["theme"], ThemeMention.meeting_id.is_not(None))
            .limit(1)
        )
        move_to_trash(db.session.get(Meeting, held), by=make_user())
        db.session.commit()
    after, tallied_after, page = shown()
    assert after == tallied_after < listed and f"{after} träffar" in page
