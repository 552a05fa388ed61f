"""The SMART Health Links manifest and the link's document route, as a viewer (or an attacker)
sees them over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlmodel import select
from starlette.testclient import TestClient

from mes_app.db.models import AccessEvent, Allergy, Document, DocumentGrant
from mes_app.domain import shl
from mes_app.services import share_links
from mes_app.storage import LocalStorage
from mes_app.web import routes, share_routes
from tests.factories import make_owner
from tests.web import use_engine

ORIGIN = "http://localhost:3000"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "documents")


@pytest.fixture()
def client(engine, session, storage, monkeypatch):
    use_engine(monkeypatch, engine)
    monkeypatch.setattr(share_routes, "default_storage", lambda: storage)
    return TestClient(
        routes.guard(routes.build_api()), base_url=ORIGIN, follow_redirects=False, headers={"Origin": ORIGIN}
    )


def _now():
    return datetime.now(UTC)


def _link(session, owner, **kw):
    kw.setdefault("sections", ["risk_factors", "documents"])
    return share_links.create_link(session, owner.actor, owner.profile.id, now=_now(), **kw)


@pytest.fixture()
def alice(session):
    alice = make_owner(session, "Alice Martin")
    session.add(
        Allergy(
            profile_id=alice.profile.id,
            author_user_id=alice.id,
            code_text="Arachide",
            code_system="http://snomed.info/sct",
            code="91935009",
            severity="severe",
        )
    )
    session.commit()
    return alice


def _post(client, created, body):
    url = share_links.manifest_url(ORIGIN, created.secret)
    return client.post(url[len(ORIGIN) :], content=json.dumps(body), headers={"content-type": "application/json"})


def test_the_manifest_gives_an_encrypted_ips_bundle(client, session, alice):
    created = _link(session, alice, label="Urgences")
    answer = _post(client, created, {"recipient": "Dr Who, Lisbon"})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert answer.headers["access-control-allow-origin"] == "*"
    [file] = answer.json()["files"]
    assert file["contentType"] == "application/fhir+json" and file["fhirVersion"] == "4.0.1"
    header = json.loads(shl.b64url_decode(file["embedded"].split(".")[0]))
    assert header == {"alg": "dir", "enc": "A256GCM", "cty": "application/fhir+json"}
    bundle = json.loads(shl.decrypt(file["embedded"], created.key))
    Bundle.model_validate(bundle)
    allergies = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "AllergyIntolerance"]
    assert allergies[0]["code"]["coding"][0]["code"] == "91935009"
    assert not [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"]  # out of scope
    # a fresh IV every time: two answers differ, both decrypt
    again = _post(client, created, {"recipient": "Dr Who"}).json()["files"][0]["embedded"]
    assert again != file["embedded"] and json.loads(shl.decrypt(again, created.key))["type"] == "document"
    events = session.exec(select(AccessEvent).where(AccessEvent.via == "share_link").order_by(AccessEvent.id)).all()
    assert [e.actor_label for e in events] == ["Dr Who, Lisbon", "Dr Who"]


def test_a_wrong_passcode_is_401_with_the_remaining_attempts_then_404(client, session, alice):
    created = _link(session, alice, passcode="soleil-42")
    assert _post(client, created, {"recipient": "x"}).json() == {"remainingAttempts": 4}
    answer = _post(client, created, {"recipient": "x", "passcode": "lune"})
    assert answer.status_code == 401 and answer.json() == {"remainingAttempts": 3}
    assert _post(client, created, {"recipient": "x", "passcode": "soleil-42"}).status_code == 200
    for remaining in (2, 1, 0):
        pass_ = _post(client, created, {"recipient": "x", "passcode": "nope"})
        assert pass_.status_code == 401 and pass_.json() == {"remainingAttempts": remaining}
    # locked for good, even with the right passcode
    assert _post(client, created, {"recipient": "x", "passcode": "soleil-42"}).status_code == 404


def test_a_revoked_or_unknown_link_is_404_and_says_nothing(client, session, alice):
    created = _link(session, alice)
    share_links.revoke_link(session, alice.actor, created.view.id, now=_now())
    answer = _post(client, created, {"recipient": "x"})
    assert answer.status_code == 404 and "Arachide" not in answer.text
    assert client.post("/api/shl/" + "A" * 43, json={"recipient": "x"}).status_code == 404
    assert client.post("/api/shl/" + "A" * 5000, json={"recipient": "x"}).status_code == 404


def test_the_recipient_is_required_and_bodies_are_capped(client, session, alice):
    created = _link(session, alice)
    assert _post(client, created, {}).status_code == 400
    assert client.post(f"/api/shl/{created.secret}", content=b"not json").status_code == 400
    big = client.post(
        f"/api/shl/{created.secret}", content=b"x" * 100_000, headers={"content-type": "application/json"}
    )
    assert big.status_code == 413


def _reflex_like_stack():
    """The app as Reflex serves it: its CORS middleware (our origin only, with credentials)
    outermost around our guarded routes; then :func:`routes.with_public_routes` in front."""
    from starlette.applications import Starlette
    from starlette.middleware.cors import CORSMiddleware
    from starlette.routing import Mount

    inner = Starlette(routes=[Mount("", routes.guard(routes.build_api()))])
    inner.add_middleware(
        CORSMiddleware, allow_credentials=True, allow_methods=["*"], allow_headers=["*"], allow_origins=[ORIGIN]
    )
    return inner


VIEWER = "https://viewer.example"
PREFLIGHT = {
    "Origin": VIEWER,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


@pytest.fixture()
def full_client(engine, session, storage, monkeypatch):
    use_engine(monkeypatch, engine)
    monkeypatch.setattr(share_routes, "default_storage", lambda: storage)
    return TestClient(routes.with_public_routes(_reflex_like_stack()), base_url=ORIGIN, follow_redirects=False)


def test_reflex_cors_alone_refuses_the_viewer_preflight(engine, session, alice, monkeypatch):
    """Why the public routes go in front: Reflex's CORS middleware answers 400 by itself."""
    use_engine(monkeypatch, engine)
    created = _link(session, alice)
    bare = TestClient(_reflex_like_stack(), base_url=ORIGIN)
    assert bare.options(f"/api/shl/{created.secret}", headers=PREFLIGHT).status_code == 400


def test_a_viewer_on_another_origin_passes_the_preflight_and_reads_the_manifest(full_client, session, alice):
    created = _link(session, alice)
    for path in (f"/api/shl/{created.secret}", "/api/shl/" + "A" * 43):  # the same answer for any secret
        answer = full_client.options(path, headers=PREFLIGHT)
        assert answer.status_code == 204 and answer.headers["access-control-allow-origin"] == "*"
        assert "POST" in answer.headers["access-control-allow-methods"]
        assert "content-type" in answer.headers["access-control-allow-headers"]
        assert "access-control-allow-credentials" not in answer.headers
    answer = full_client.post(f"/api/shl/{created.secret}", json={"recipient": "Viewer"}, headers={"Origin": VIEWER})
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in answer.headers and "set-cookie" not in answer.headers
    assert answer.headers["x-content-type-options"] == "nosniff"  # still behind the guard
    assert json.loads(shl.decrypt(answer.json()["files"][0]["embedded"], created.key))["type"] == "document"


def test_every_other_route_still_refuses_other_origins(full_client, session, alice):
    for path in (
        "/api/login",
        "/api/documents",
        "/api/shl/x/y",
        "/api/shlx",
        "/api/shl/",
        "/api/shl-files/a/b",
        "/api/summary/ips.json",
    ):
        answer = full_client.options(path, headers=PREFLIGHT)
        assert answer.headers.get("access-control-allow-origin") not in ("*", VIEWER), path
    for path in ("/api/login", "/api/logout", "/api/documents", "/api/shl/x/y", "/api/shlfoo/abc"):
        answer = full_client.post(path, content=b"{}", headers={"Origin": VIEWER, "content-type": "application/json"})
        assert answer.status_code in (403, 404, 405), path
        assert answer.headers.get("access-control-allow-origin") not in ("*", VIEWER), path
    assert full_client.post("/api/logout", headers={"Origin": VIEWER}).status_code == 403


def test_the_public_routes_stay_rate_limited(full_client, session, alice, monkeypatch):
    from mes_app.web import rate_limit

    created = _link(session, alice)

    class Refusing:
        blocking = False  # an in-memory limiter: counted inline

        def hit(self, name, client):  # noqa: ANN001, ANN201
            return rate_limit.Refusal(30) if name == "link_open" else None

    monkeypatch.setattr(rate_limit, "limiter", lambda: Refusing())
    answer = full_client.post(f"/api/shl/{created.secret}", json={"recipient": "x"}, headers={"Origin": VIEWER})
    assert answer.status_code == 429 and answer.headers["access-control-allow-origin"] == "*"
    assert full_client.get("/api/shl-files/" + "A" * 43, headers={"Origin": VIEWER}).status_code == 429


def test_a_file_longer_than_embedded_length_max_is_a_one_time_location(full_client, session, alice):
    from mes_app.db.models import ShlFileLocation

    created = _link(session, alice, passcode="soleil-42")
    body = {"recipient": "Dr Small Phone", "passcode": "soleil-42", "embeddedLengthMax": 200}
    answer = full_client.post(f"/api/shl/{created.secret}", json=body, headers={"Origin": VIEWER})
    [file] = answer.json()["files"]
    assert "embedded" not in file and file["contentType"] == "application/fhir+json"
    location = file["location"]
    assert location.startswith(ORIGIN + "/api/shl-files/") and created.secret not in location
    token = location.rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 random bits
    # only the hash of the token is stored
    [row] = session.exec(select(ShlFileLocation)).all()
    assert row.token_hash != token and token not in row.token_hash
    got = full_client.get(location[len(ORIGIN) :], headers={"Origin": VIEWER})
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/jose")
    assert got.headers["access-control-allow-origin"] == "*" and got.headers["cache-control"] == "no-store"
    Bundle.model_validate(json.loads(shl.decrypt(got.text, created.key)))
    # single use
    assert full_client.get(location[len(ORIGIN) :]).status_code == 404
    session.expire_all()
    assert session.exec(select(ShlFileLocation)).one().jwe is None
    events = session.exec(select(AccessEvent).where(AccessEvent.target_kind == "shl_file")).all()
    assert [(e.action, e.via, e.actor_label) for e in events] == [("download", "share_link", "Dr Small Phone")]
    # a big enough limit: embedded as before
    body["embeddedLengthMax"] = 10_000_000
    assert "embedded" in full_client.post(f"/api/shl/{created.secret}", json=body).json()["files"][0]
    for bad in (-1, "100", True, 1.5):
        answer = full_client.post(f"/api/shl/{created.secret}", json={**body, "embeddedLengthMax": bad})
        assert answer.status_code == 400


def test_a_location_dies_with_time_and_with_the_link(full_client, session, alice, monkeypatch):
    from datetime import timedelta

    created = _link(session, alice)
    def take() -> str:
        answer = full_client.post(f"/api/shl/{created.secret}", json={"recipient": "x", "embeddedLengthMax": 10})
        return answer.json()["files"][0]["location"]
    expired = take()
    later = _now() + timedelta(minutes=share_links.LOCATION_MINUTES + 1)
    monkeypatch.setattr(share_routes, "_now", lambda: later)
    assert full_client.get(expired[len(ORIGIN) :]).status_code == 404
    monkeypatch.setattr(share_routes, "_now", _now)
    revoked = take()
    share_links.revoke_link(session, alice.actor, created.view.id, now=_now())
    assert full_client.get(revoked[len(ORIGIN) :]).status_code == 404
    assert full_client.get("/api/shl-files/" + "A" * 43).status_code == 404


def test_the_link_document_route_needs_the_switch_and_a_ticket(client, session, storage, alice):
    created = _link(session, alice, passcode="soleil-42")
    docs = []
    for n in (1, 2):
        writer = storage.begin(10_000)
        writer.write(PDF + bytes([n]))
        key = writer.commit().key
        doc = Document(
            profile_id=alice.profile.id,
            author_user_id=alice.id,
            title=f"Doc {n}",
            document_date=date(2026, 1, n),
            storage_key=key,
            sha256=f"{n:064d}",
            size_bytes=len(PDF) + 1,
            mime_type="application/pdf",
        )
        session.add(doc)
        docs.append(doc)
    session.commit()
    session.add(
        DocumentGrant(
            document_id=docs[0].id,
            grantee_kind="share_link",
            share_link_id=created.view.id,
            allowed=True,
            set_by_user_id=alice.id,
        )
    )
    session.commit()
    base = f"/api/s/{created.secret}/documents"
    assert client.get(f"{base}/{docs[0].id}").status_code == 404  # no ticket
    assert client.get(f"{base}/{docs[0].id}?t=123.abc").status_code == 404  # forged ticket
    now = _now()
    ticket_one = share_links.document_ticket(session, created.view.id, docs[0].id, now=now)
    ticket_two = share_links.document_ticket(session, created.view.id, docs[1].id, now=now)
    # switched off for the link: 404 even with a valid ticket
    assert client.get(f"{base}/{docs[1].id}?t={ticket_two}").status_code == 404
    answer = client.get(f"{base}/{docs[0].id}?t={ticket_one}")
    assert answer.status_code == 200 and answer.content == PDF + b"\x01"
    assert answer.headers["cache-control"] == "no-store"
    events = session.exec(select(AccessEvent).where(AccessEvent.target_kind == "document")).all()
    assert [e.target_id for e in events] == [docs[0].id]
    share_links.revoke_link(session, alice.actor, created.view.id, now=now)
    assert client.get(f"{base}/{docs[0].id}?t={ticket_one}").status_code == 404
