"""``GET /api/operator/stats.csv`` as a browser (or an attacker) sees it (issue 15 item 1)."""

from __future__ import annotations

import csv
import io

import pytest

from mes_app.web import routes
from tests.factories import PASSWORD, make_child, make_operator, make_owner, make_professional
from tests.web import log_in, use_engine
from tests.web.test_export_routes import client_for

URL = "/api/operator/stats.csv"


@pytest.fixture()
def app(engine, monkeypatch):
    use_engine(monkeypatch, engine)
    return routes.guard(routes.build_api())


def test_an_operator_downloads_counts_with_small_ones_hidden(app, session):
    owners = [make_owner(session, f"Owner{i}") for i in range(10)]
    make_child(session, owners[0], "Kid")
    operator = make_operator(session)
    response = client_for(app, operator).get(URL + "?period=month")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    assert 'filename="mes-statistiques-month-' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    values = {(metric, period): value for metric, period, value in rows[1:]}
    assert values["accounts_created", "now"] == "10" and values["children", "now"] == "< 10"
    assert all("-W" not in period for _, period in values)
    assert "Owner" not in response.text and "Kid" not in response.text


def test_anyone_else_gets_not_found(app, session):
    patient = make_owner(session)
    pro = make_professional(session)
    for who in (patient, pro, None):
        refused = client_for(app, who).get(URL)
        assert refused.status_code == 404 and refused.text == "Not found"
        assert refused.headers["cache-control"] == "no-store"


def test_a_bad_period_is_refused(app, session):
    client = client_for(app)
    log_in(client, make_operator(session), PASSWORD)
    assert client.get(URL + "?period=day").status_code == 404
    assert client.get(URL + "?period=week").status_code == 200
