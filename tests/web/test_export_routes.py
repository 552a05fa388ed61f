"""``GET /api/profiles/{id}/export.fhir.json`` as a browser (or an attacker) sees it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle

from mes_app.db.models import AccessEvent, SecurityEvent, Vaccination
from mes_app.services import record_export
from mes_app.storage import LocalStorage
from mes_app.web import routes
from tests.factories import (
    committed_rows,
    give_care,
    make_child,
    make_owner,
    make_professional,
    make_stranger,
)
from tests.web import client_for, use_engine


@pytest.fixture()
def app(engine, session, tmp_path, monkeypatch):
    use_engine(monkeypatch, engine)
    storage = LocalStorage(tmp_path / "documents")
    monkeypatch.setattr(record_export, "default_storage", lambda: storage)
    return routes.guard(routes.build_api())



def url(profile) -> str:
    return f"/api/profiles/{profile.id}/export.fhir.json"


def test_a_guardian_downloads_the_childs_record_as_a_fhir_attachment(app, session):
    alice = make_owner(session)
    lea = make_child(session, alice, "Léa")
    session.add(Vaccination(profile_id=lea.id, author_user_id=alice.id, author_role="guardian",
                            code_system="http://www.whocc.no/atc", code="J07BD52", code_text="ROR", cvx_code="03",
                            given_on=date(2025, 3, 15)))
    session.commit()
    response = client_for(app, alice).get(url(lea.profile))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and 'filename="dossier-lea-' in disposition
    assert disposition.endswith('.fhir.json"')
    assert response.headers["cache-control"] == "no-store"
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    assert any(e["resource"]["resourceType"] == "Immunization" for e in bundle["entry"])
    assert [(e.actor_user_id, e.action) for e in committed_rows(session, AccessEvent)] == [(alice.id, "export")]


def test_without_a_session_the_export_is_refused(app, session):
    alice = make_owner(session)
    response = client_for(app).get(url(alice.profile))
    assert response.status_code == 401
    assert "Alice" not in response.text
    assert committed_rows(session, AccessEvent) == []


@pytest.mark.parametrize("path", ["{id}", "999999", "abc", "-1", "1.5"])
def test_a_stranger_gets_not_found_whatever_the_id(app, session, path):
    alice = make_owner(session)
    mallory = make_stranger(session)
    target = path.format(id=alice.profile.id)
    response = client_for(app, mallory).get(f"/api/profiles/{target}/export.fhir.json")
    assert response.status_code == 404
    assert "Alice" not in response.text
    assert committed_rows(session, AccessEvent, AccessEvent.action == "export") == []
    if path == "{id}":
        assert [e.target_kind for e in committed_rows(session, SecurityEvent)] == ["record_export"]


def test_a_professional_in_the_care_team_gets_not_found(app, session, now):
    alice = make_owner(session)
    dr = make_professional(session)
    give_care(session, dr, alice)
    response = client_for(app, dr).get(url(alice.profile))
    assert response.status_code == 404
    assert committed_rows(session, AccessEvent, AccessEvent.action == "export") == []
