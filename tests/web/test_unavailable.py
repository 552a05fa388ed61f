"""The database away while a route runs: 503 and one clear message in the user's language,
nothing of the statement or its values (the fault test on a real server: tests/e2e/test_faults_postgres.py)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from mes_app import i18n
from mes_app.web import unavailable


class _DriverDown(Exception):
    pass


def _failing(error: Exception):  # noqa: ANN202 - a Starlette endpoint
    async def endpoint(_request):  # noqa: ANN001, ANN202
        raise error

    return endpoint


def _client(error: Exception) -> TestClient:
    app = Starlette(routes=[Route("/api/x", _failing(error), methods=["POST"]),
                            Route("/fhir/r4/Patient", _failing(error))],
                    exception_handlers=unavailable.EXCEPTION_HANDLERS)
    return TestClient(app, raise_server_exceptions=False)


DOWN = OperationalError("SELECT * FROM allergy WHERE label = %(x)s", {"x": "Pénicilline"}, _DriverDown())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_route_cut_by_the_database_says_so_in_the_users_language(lang, caplog):
    caplog.set_level(logging.WARNING)
    answer = _client(DOWN).post("/api/x", cookies={"mes_lang": lang})
    assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
    assert answer.json() == {"ok": False, "code": "error.service_unavailable",
                             "message": i18n.t("error.service_unavailable", lang)}
    assert "Pénicilline" not in answer.text and "allergy" not in answer.text
    assert "_DriverDown" in caplog.text and "Pénicilline" not in caplog.text and "allergy" not in caplog.text


def test_the_fhir_api_answers_an_operation_outcome():
    answer = _client(DOWN).get("/fhir/r4/Patient")
    assert answer.status_code == 503
    assert answer.json()["resourceType"] == "OperationOutcome" and answer.json()["issue"][0]["code"] == "transient"


def test_a_refused_statement_is_not_taken_for_an_outage():
    answer = _client(IntegrityError("INSERT", {}, _DriverDown())).post("/api/x")
    assert answer.status_code == 500
    assert "error.service_unavailable" not in answer.text
