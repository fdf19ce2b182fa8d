"""Removing an indicator: the indicator's page leads to a confirmation page saying what goes
(how many figures, for how many municipalities, which years); only its POST, with a valid
CSRF token, removes anything; readers reach neither."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.indicators.models import Indicator, IndicatorValue

from ..security.conftest import csrf_token, login_with_token
from .files import kolada_csv
from .test_history import import_file


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Indicator)),
            db.session.scalar(select(func.count()).select_from(IndicatorValue)),
        )


def test_the_confirmation_says_what_goes_and_only_the_post_removes(seeded, users, as_role):
    client = as_role("coordinator")
    import_file(client, kolada_csv(), "kolada.csv", "replace")
    with seeded.app_context():
        indicator_id = db.session.scalar(select(Indicator.id))
    detail = client.get(f"/indikatorer/{indicator_id}").text
    # The indicator's page has no form that removes: a link to the confirmation.
    assert f'action="/indikatorer/{indicator_id}/ta-bort"' not in detail
    link = re.search(
        r'<a class="button button--danger" href="([^"]+)">Ta bort indikatorn</a>', detail
    )
    assert link and link.group(1) == f"/indikatorer/{indicator_id}/ta-bort"
    assert "Indikatorn och dess 5 värden tas bort. Du får bekräfta först." in detail

    page = client.get(link.group(1))
    assert page.status_code == 200
    assert "<h1>Ta bort indikatorn?</h1>" in page.text
    removal = page.text.split('<ul id="removal">', 1)[1]
    removal = " ".join(re.sub(r"<[^>]+>", " ", removal[: removal.index("</ul>")]).split())
    # Stockholm 2023 and 2024, Malmö, Håbo and Habo 2024: five figures, four municipalities.
    assert removal == "Indikatorn Utrikes födda. 5 värden för 4 kommuner (år 2023, 2024)."
    assert 'method="post"' in page.text and "Avbryt" in page.text
    assert counts(seeded) == (1, 5), "showing the confirmation removes nothing"

    done = client.post(link.group(1))
    assert done.status_code == 302 and done.headers["Location"] == "/indikatorer"
    index = client.get("/indikatorer").text
    assert "Indikatorn Utrikes födda och dess 5 värden är borttagna." in index
    assert counts(seeded) == (0, 0)
    assert client.get(f"/indikatorer/{indicator_id}/ta-bort").status_code == 404
    # The finished import's page, its indicator gone, leads back to the list (not a 500).
    with seeded.app_context():
        from app.indicators.models import IndicatorImport

        import_id = db.session.scalar(select(IndicatorImport.id))
    finished = client.get(f"/indikatorer/import/{import_id}")
    assert finished.status_code == 302 and finished.headers["Location"] == "/indikatorer"


def test_an_indicator_without_figures_says_so(seeded, users, as_role):
    with seeded.app_context():
        indicator = Indicator(name="Tom")
        db.session.add(indicator)
        db.session.commit()
        indicator_id = indicator.id
    page = as_role("coordinator").get(f"/indikatorer/{indicator_id}/ta-bort").text
    assert "Indikatorn har inga värden." in page


def test_the_post_needs_a_valid_csrf_token(seeded, users, make_app):
    with seeded.app_context():
        indicator = Indicator(name="Skyddad")
        db.session.add(indicator)
        db.session.flush()
        db.session.add(
            IndicatorValue(indicator_id=indicator.id, organisation_id=1, year=2024, value=1)
        )
        db.session.commit()
        url = f"/indikatorer/{indicator.id}/ta-bort"
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login_with_token(client, users["coordinator"])
    token = csrf_token(client.get(url).text)
    assert client.post(url).status_code == 400
    assert client.post(url, data={"csrf_token": token[:-4] + "AAAA"}).status_code == 400
    assert counts(app) == (1, 1)
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    assert counts(app) == (0, 0)


def test_readers_reach_neither_the_confirmation_nor_the_removal(seeded, users, as_role):
    with seeded.app_context():
        indicator = Indicator(name="Bara läsas")
        db.session.add(indicator)
        db.session.commit()
        indicator_id = indicator.id
    client = as_role("reader")
    assert "Ta bort indikatorn" not in client.get(f"/indikatorer/{indicator_id}").text
    assert client.get(f"/indikatorer/{indicator_id}/ta-bort").status_code == 403
    assert client.post(f"/indikatorer/{indicator_id}/ta-bort").status_code == 403
    assert counts(seeded) == (1, 0)
