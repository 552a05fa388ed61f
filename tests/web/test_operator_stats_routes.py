"""``GET /api/operator/stats.csv`` as a browser (or an attacker) sees it (issue 15 item 1)."""

from __future__ import annotations

import csv
import io

import pytest

from mes_app.web import operator_stats_routes, routes
from tests.factories import make_operator, make_owner, make_professional
from tests.web import use_engine
from tests.web.test_export_routes import client_for

PATH = "/api/operator/stats.csv"


@pytest.fixture()
def app(engine, monkeypatch):  # noqa: ANN001, ANN201
    use_engine(monkeypatch, engine)
    monkeypatch.setattr(operator_stats_routes, "get_engine", lambda: engine)
    return routes.guard(routes.build_api())


def test_an_operator_downloads_the_csv_uncached_with_small_counts_hidden(app, session) -> None:  # noqa: ANN001
    operator = make_operator(session)
    for i in range(11):
        make_owner(session, f"Owner{i}")
    session.commit()
    response = client_for(app, operator).get(PATH + "?period=week")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="mes-statistics-' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert ["accounts_created", "11"] in rows and ["accounts_activated", "11"] in rows
    assert ["children", "< 10"] in rows
    assert sum(1 for row in rows if row[0] == "week") == 12
    assert "Owner" not in response.text and "@" not in response.text


def test_anyone_else_gets_not_found(app, session) -> None:  # noqa: ANN001
    owner = make_owner(session)
    pro = make_professional(session)
    operator = make_operator(session)
    session.commit()
    for client in (client_for(app), client_for(app, owner), client_for(app, pro)):
        refused = client.get(PATH)
        assert refused.status_code == 404 and refused.text == "Not found"
        assert refused.headers["cache-control"] == "no-store"
    assert client_for(app, operator).get(PATH + "?period=year").status_code == 404
