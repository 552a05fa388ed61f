"""POST /api/record/import as a browser (or an attacker) sees it (issue 12 item 3)."""

from __future__ import annotations

import pytest

from mes_app.db.models import Allergy, Condition, RecordImport
from mes_app.web import fhir_import_routes as route
from mes_app.web import routes
from tests.factories import committed_count, make_owner, make_stranger
from tests.fhir_samples import allergy, as_bytes, odd_collection
from tests.web import client_for, use_engine


@pytest.fixture()
def app(engine, session, monkeypatch, tmp_path):
    from mes_app.storage import LocalStorage

    use_engine(monkeypatch, engine)
    monkeypatch.setattr(route, "default_storage", lambda: LocalStorage(tmp_path / "docs"))
    return routes.guard(routes.build_api())



def post(client, profile_id, data, mode="preview", **headers):  # noqa: ANN001, ANN201
    return client.post(route.PATH, data={"profile": str(profile_id), "mode": mode},
                       files={"file": ("carnet.json", data, "application/json")}, headers=headers)


def test_preview_then_import_then_nothing_more(app, session):
    alice = make_owner(session, "Alice Durand")
    client = client_for(app, alice)
    answer = post(client, alice.profile.id, as_bytes(odd_collection()))
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert (body["source"], body["total"]) == ("carnet.json", 2)
    assert body["counts"] == [{"section": "Résultats d'analyses", "count": 1}, {"section": "Allergies", "count": 1}]
    assert body["lines"] == [{"section": "Résultats d'analyses", "summary": "Hémoglobine", "day": "10/11/2026"},
                             {"section": "Allergies", "summary": "Pénicilline", "day": ""}]
    assert [s["reason"] for s in body["skipped"]][:2] == ["type de ressource inconnu", "système de codes inconnu"]
    assert body["skipped"][0]["entry"] == "entrée 1"
    assert committed_count(session, Allergy) == 0
    done = post(client, alice.profile.id, as_bytes(odd_collection()), mode="import")
    assert done.json() == {"ok": True, "imported": 2, "message": "2 entrées importées."}
    again = post(client, alice.profile.id, as_bytes(odd_collection()), mode="import")
    assert again.json()["imported"] == 0
    assert committed_count(session, Allergy) == 1


def test_a_malformed_file_gets_one_clear_message(app, session):
    alice = make_owner(session, "Alice Durand")
    answer = post(client_for(app, alice), alice.profile.id, b"{not json", mode="import")
    assert answer.status_code == 422
    assert answer.json()["message"] == "Ce fichier n'est pas un fichier FHIR au format JSON. Rien n'a été importé."


def test_a_body_over_the_cap_is_refused_before_parsing(app, session):
    alice = make_owner(session, "Alice Durand")
    big = b" " * (route.BODY_LIMIT + 10)
    answer = post(client_for(app, alice), alice.profile.id, big, mode="import")
    assert answer.status_code == 413
    assert "20 Mo" in answer.json()["message"]


def test_no_cookie_another_family_or_another_site_gets_nothing(app, session):
    alice = make_owner(session, "Alice Durand")
    data = as_bytes(allergy())
    assert post(client_for(app), alice.profile.id, data, mode="import").status_code == 401
    mallory = client_for(app, make_stranger(session))
    assert post(mallory, alice.profile.id, data, mode="import").status_code == 404
    assert post(mallory, alice.profile.id, data).status_code == 404
    own = client_for(app, alice)
    assert post(own, alice.profile.id, data, mode="import", origin="https://evil.example").status_code == 403
    assert committed_count(session, Allergy) == 0 and committed_count(session, Condition) == 0
    assert committed_count(session, RecordImport) == 0
