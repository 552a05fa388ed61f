"""``GET /api/operator/audit.csv`` as a browser (or an attacker) sees it."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from mes_app.db.models import OperatorAction
from mes_app.services import operator_accounts
from mes_app.web import routes
from tests.factories import NOW, make_operator, make_owner, make_professional
from tests.web import client_for, use_engine

URL = "/api/operator/audit.csv"


@pytest.fixture()
def app(engine, monkeypatch):
    use_engine(monkeypatch, engine)
    return routes.guard(routes.build_api())



def test_an_operator_downloads_the_log_as_a_csv_attachment_and_the_export_is_logged(app, session):
    olivia, alice = make_operator(session), make_owner(session, "Alice")
    operator_accounts.lock(session, olivia.id, alice.id, NOW)
    response = client_for(app, olivia.user).get(URL)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith('attachment; filename="mes-operator-audit-')
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["occurred_at", "operator_email", "action", "target_email"]
    by_action = {row[2]: row for row in rows[1:]}
    assert by_action["audit_export"][1] == olivia.user.email  # the export itself is in the file
    locked = by_action["account_lock"]
    assert locked[0].startswith("2026-11-28T12:00:00") and locked[1:] == [
        olivia.user.email, "account_lock", alice.user.email]
    session.expire_all()
    exports = session.exec(select(OperatorAction).where(OperatorAction.action == "audit_export")).all()
    assert [(e.operator_user_id, e.target_user_id) for e in exports] == [(olivia.id, None)]


def test_anyone_else_gets_not_found_and_nothing_is_logged(app, session):
    olivia = make_operator(session)
    assert client_for(app).get(URL).status_code == 404
    for who in (make_owner(session, "Alice"), make_professional(session)):
        response = client_for(app, who.user).get(URL)
        assert response.status_code == 404
        assert "operator" not in response.text.lower() and olivia.user.email not in response.text
    assert session.exec(select(OperatorAction)).all() == []
