"""The FHIR R4 API as a care software sees it (issue 12 item 2).

The client here is written against the specs (SMART Backend Services, FHIR R4 REST), not the
server's helpers: its key comes from ``cryptography``, its assertion is a JWS it builds and
signs itself (RS384 / ES384), and it only speaks HTTP to the routes.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import time
import uuid

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from sqlmodel import select
from starlette.testclient import TestClient

from mes_app.db.models import (
    AccessEvent,
    CareRelationship,
    Condition,
    Document,
    Encounter,
    FhirIntake,
    Measure,
    Vaccination,
)
from mes_app.services import connected_software, documents, measures, records, reminders
from mes_app.storage import LocalStorage
from mes_app.web import fhir_routes, rate_limit, routes
from mes_app.web.rate_limit import RateLimiter
from tests.factories import committed_count, give_care, make_owner, make_professional, make_stranger
from tests.web import use_engine

ORIGIN = "http://localhost:3000"
TOKEN_URL = ORIGIN + "/fhir/r4/auth/token"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"z" * 1500 + b"\n%%EOF\n"
LIMIT = 60_000
FHIR = {"Content-Type": "application/fhir+json"}


# --------------------------------------------------------------------------- an independent client


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def int_b64(value: int, size: int | None = None) -> str:
    return b64url(value.to_bytes(size or (value.bit_length() + 7) // 8, "big"))


class Client:
    """A SMART backend client: its own key pair, its own JWS."""

    def __init__(self, alg: str = "RS384") -> None:
        self.alg = alg
        self.kid = uuid.uuid4().hex
        if alg == "RS384":
            self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            numbers = self.key.public_key().public_numbers()
            self.jwk = {"kty": "RSA", "kid": self.kid, "alg": "RS384", "n": int_b64(numbers.n), "e": int_b64(numbers.e)}
        else:
            self.key = ec.generate_private_key(ec.SECP384R1())
            numbers = self.key.public_key().public_numbers()
            self.jwk = {"kty": "EC", "kid": self.kid, "crv": "P-384", "x": int_b64(numbers.x, 48),
                        "y": int_b64(numbers.y, 48)}
        self.client_id = ""

    def jwks(self) -> str:
        return json.dumps({"keys": [self.jwk]})

    def assertion(self, **override) -> str:
        claims = {"iss": self.client_id, "sub": self.client_id, "aud": TOKEN_URL, "exp": int(time.time()) + 240,
                  "jti": uuid.uuid4().hex} | override
        header = {"alg": self.alg, "kid": self.kid, "typ": "JWT"}
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}".encode()
        if self.alg == "RS384":
            signature = self.key.sign(signing_input, padding.PKCS1v15(), hashes.SHA384())
        else:
            r, s = decode_dss_signature(self.key.sign(signing_input, ec.ECDSA(hashes.SHA384())))
            signature = r.to_bytes(48, "big") + s.to_bytes(48, "big")
        return f"{signing_input.decode()}.{b64url(signature)}"

    def token_form(self, assertion: str | None = None, scope: str = "system/*.c system/Patient.rs") -> dict:
        return {"grant_type": "client_credentials", "scope": scope,
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion or self.assertion()}


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "documents")


@pytest.fixture()
def http(engine, session, storage, monkeypatch):
    use_engine(monkeypatch, engine)
    limited = dataclasses.replace(fhir_routes.settings, max_upload_bytes=LIMIT, app_origin=ORIGIN)
    monkeypatch.setattr(fhir_routes, "settings", limited)
    monkeypatch.setattr(routes, "settings", limited)
    monkeypatch.setattr(fhir_routes, "default_storage", lambda: storage)
    rate_limit.set_limiter(RateLimiter({name: "1000/minute" for name in rate_limit.NAMES}))
    yield TestClient(routes.with_public_routes(routes.guard(routes.build_api())), base_url=ORIGIN)
    rate_limit.set_limiter(None)


@pytest.fixture()
def world(session):
    """A patient, her GP in her care team with a connected software, and a stranger."""
    alice = make_owner(session, "Alice")
    doctor = make_professional(session, "Dr Martin")
    care = give_care(session, doctor, alice)
    client = Client()
    client.client_id = connected_software.register_software(
        session, doctor.actor, "CabinetSoft", client.jwks(), now=connected_software_now()).client_id
    return dataclasses.make_dataclass("World", ["alice", "doctor", "care", "client"])(alice, doctor, care, client)


def connected_software_now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def get_token(http, client: Client, **kw) -> str:
    answer = http.post("/fhir/r4/auth/token", data=client.token_form(**kw))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 300
    return body["access_token"]


def bearer(token: str) -> dict:
    return {**FHIR, "Authorization": f"Bearer {token}"}


def weight(alice, *, identifier: str | None = None, value: float = 72.5) -> dict:
    resource = {
        "resourceType": "Observation", "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "vital-signs"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
        "subject": {"reference": f"Patient/{alice.profile.id}"},
        "effectiveDateTime": "2026-11-20T09:30:00+01:00",
        "valueQuantity": {"value": value, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
    }
    if identifier:
        resource["identifier"] = [{"system": "https://cabinet.example/obs", "value": identifier}]
    return resource


def document(alice, data: bytes = PDF) -> dict:
    return {
        "resourceType": "DocumentReference", "status": "current",
        "type": {"coding": [{"system": "http://loinc.org", "code": "11488-4"}]},
        "subject": {"reference": f"Patient/{alice.profile.id}"},
        "date": "2026-11-21T10:00:00+01:00", "description": "Compte rendu de consultation",
        "content": [{"attachment": {"contentType": "application/pdf", "title": "cr.pdf",
                                    "data": base64.b64encode(data).decode()}}],
    }


def transaction(alice) -> dict:
    subject = {"reference": f"Patient/{alice.profile.id}"}
    enc = "urn:uuid:" + str(uuid.uuid4())
    return {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": enc, "resource": {
            "resourceType": "Encounter", "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
            "type": [{"text": "Consultation de suivi"}], "subject": subject,
            "period": {"start": "2026-11-21T10:00:00+01:00"}},
         "request": {"method": "POST", "url": "Encounter"}},
        {"fullUrl": "urn:uuid:" + str(uuid.uuid4()), "resource": {
            "resourceType": "Condition", "subject": subject, "encounter": {"reference": enc},
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                           "code": "active"}]},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003"}], "text": "Hypertension"}},
         "request": {"method": "POST", "url": "Condition"}},
        {"fullUrl": "urn:uuid:" + str(uuid.uuid4()), "resource": {
            "resourceType": "Immunization", "status": "completed", "patient": subject,
            "vaccineCode": {"coding": [{"system": "http://www.whocc.no/atc", "code": "J07BB02"}], "text": "Grippe"},
            "occurrenceDateTime": "2026-11-21", "lotNumber": "AB123"},
         "request": {"method": "POST", "url": "Immunization"}},
    ]}


# --------------------------------------------------------------------------- discovery


def test_capability_statement_lists_exactly_the_routes(http):
    statement = http.get("/fhir/r4/metadata").json()
    assert statement["resourceType"] == "CapabilityStatement" and statement["fhirVersion"] == "4.0.1"
    from fhir.resources.R4B.capabilitystatement import CapabilityStatement

    CapabilityStatement.model_validate(statement)
    rest = statement["rest"][0]
    declared = {(r["type"], i["code"]) for r in rest["resource"] for i in r["interaction"]}
    routed = set()
    for route in fhir_routes.routes():
        path, methods = route.path, route.methods or set()
        rest_of = path.removeprefix("/fhir/r4/")
        if rest_of in fhir_routes.INTERACTIONS and "GET" in methods:
            routed.add((rest_of, "search-type"))
    routed |= {(t, "create") for t, i in fhir_routes.INTERACTIONS.items() if "create" in i}
    assert declared == routed
    # every declared creation answers (not 404), every other type is 404
    for resource_type, code in declared:
        if code == "create":
            assert http.post(f"/fhir/r4/{resource_type}", content=b"{}", headers=FHIR).status_code != 404
    assert http.post("/fhir/r4/Basic", content=b"{}", headers=FHIR).status_code == 404
    assert {i["code"] for i in rest["interaction"]} == {"transaction", "batch"}


def test_smart_configuration(http):
    conf = http.get("/fhir/r4/.well-known/smart-configuration").json()
    assert conf["token_endpoint"] == TOKEN_URL
    assert conf["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert set(conf["token_endpoint_auth_signing_alg_values_supported"]) == {"RS384", "ES384"}
    assert "system/Observation.c" in conf["scopes_supported"]


# --------------------------------------------------------------------------- the journey


def test_software_deposits_and_the_patient_sees_author_and_provenance(http, session, world):
    token = get_token(http, world.client)
    alice = world.alice
    found = http.get("/fhir/r4/Patient", params={"identifier": f"https://mes.example/fhir/sid/patient|{alice.profile.id}"},
                     headers=bearer(token)).json()
    assert found["type"] == "searchset" and found["total"] == 1

    made = http.post("/fhir/r4/Observation", json=weight(alice), headers=bearer(token))
    assert made.status_code == 201, made.text
    assert made.headers["Location"].startswith(ORIGIN + "/fhir/r4/Observation/")
    made = http.post("/fhir/r4/DocumentReference", json=document(alice), headers=bearer(token))
    assert made.status_code == 201, made.text
    answer = http.post("/fhir/r4", json=transaction(alice), headers=bearer(token))
    assert answer.status_code == 200, answer.text
    assert [e["response"]["status"] for e in answer.json()["entry"]] == ["201 Created"] * 3

    session.expire_all()
    measure = session.exec(select(Measure).where(Measure.profile_id == alice.profile.id)).one()
    assert (measure.value, measure.author_user_id, measure.author_role, measure.source) == (
        72.5, world.doctor.id, "professional", "professional")
    doc = session.exec(select(Document).where(Document.profile_id == alice.profile.id)).one()
    assert doc.mime_type == "application/pdf" and doc.author_role == "professional"
    for model in (Condition, Vaccination, Encounter):
        row = session.exec(select(model).where(model.profile_id == alice.profile.id)).one()
        assert row.author_user_id == world.doctor.id and row.author_role == "professional"
    # the patient sees each of them with its author and "via" the software
    now = connected_software_now()
    for kind in ("conditions", "vaccinations", "encounters"):
        [entry] = records.list_entries(session, alice.actor, alice.profile.id, kind, now=now)
        assert (entry.author_name, entry.by_professional, entry.via_software) == ("Dr Martin", True, "CabinetSoft")
    [reading], _ = measures.list_entries(session, alice.actor, alice.profile.id, "weight", now=now)
    assert (reading.author_name, reading.via_software) == ("Dr Martin", "CabinetSoft")
    [deposit] = documents.list_documents(session, alice.actor, alice.profile.id, now=now)
    assert (deposit.author_name, deposit.via_software) == ("Dr Martin", "CabinetSoft")
    events = session.exec(select(AccessEvent).where(AccessEvent.action == "api_create")).all()
    assert len(events) == 5 and {e.actor_user_id for e in events} == {world.doctor.id}
    kinds = {r.kind for r in reminders.reminders(session, alice.actor, now=connected_software_now())}
    assert {"new_documents", "software_entries"} <= kinds


def test_an_es384_key_works_too(http, session, world):
    client = Client("ES384")
    client.client_id = connected_software.register_software(
        session, world.doctor.actor, "Labo", client.jwks(), now=connected_software_now()).client_id
    assert get_token(http, client)


# --------------------------------------------------------------------------- refusals: the token


def token_status(http, form) -> tuple[int, dict]:
    answer = http.post("/fhir/r4/auth/token", data=form)
    return answer.status_code, answer.json()


def test_bad_signature(http, world):
    other = Client()
    other.client_id = world.client.client_id
    assert token_status(http, world.client.token_form(other.assertion())) == (401, {"error": "invalid_client"})


def test_wrong_audience(http, world):
    form = world.client.token_form(world.client.assertion(aud="https://elsewhere.example/token"))
    assert token_status(http, form) == (401, {"error": "invalid_client"})


def test_expired_and_too_long_assertions(http, world):
    expired = world.client.token_form(world.client.assertion(exp=int(time.time()) - 10))
    assert token_status(http, expired) == (401, {"error": "invalid_client"})
    far = world.client.token_form(world.client.assertion(exp=int(time.time()) + 3600))
    assert token_status(http, far) == (401, {"error": "invalid_client"})


def test_replayed_jti(http, world):
    assertion = world.client.assertion()
    assert http.post("/fhir/r4/auth/token", data=world.client.token_form(assertion)).status_code == 200
    assert token_status(http, world.client.token_form(assertion)) == (401, {"error": "invalid_client"})


@pytest.mark.parametrize("assertion", ["not-a-jwt", "a.b.c", "e30.W10.e30", "e30.bnVsbA.e30"])
def test_garbage_assertions(http, world, assertion):
    assert token_status(http, world.client.token_form(assertion)) == (401, {"error": "invalid_client"})


def test_an_unknown_grant_type(http, world):
    form = world.client.token_form() | {"grant_type": "password"}
    assert token_status(http, form) == (400, {"error": "unsupported_grant_type"})


def test_no_token_or_a_made_up_one(http, world):
    answer = http.post("/fhir/r4/Observation", json=weight(world.alice), headers=FHIR)
    assert answer.status_code == 401 and answer.json()["resourceType"] == "OperationOutcome"
    answer = http.post("/fhir/r4/Observation", json=weight(world.alice), headers=bearer("x" * 43))
    assert answer.status_code == 401


# --------------------------------------------------------------------------- refusals: the policy


def test_a_patient_outside_the_care_team(http, session, world):
    token = get_token(http, world.client)
    mallory = make_stranger(session)
    search = http.get("/fhir/r4/Patient", params={"identifier": f"https://mes.example/fhir/sid/patient|{mallory.profile.id}"},
                      headers=bearer(token)).json()
    assert search["total"] == 0 and search.get("entry") == []
    answer = http.post("/fhir/r4/Observation", json=weight(mallory), headers=bearer(token))
    assert answer.status_code == 404
    assert committed_count(session, Measure) == 0


def test_a_revoked_software_stops_at_the_next_request(http, session, world):
    token = get_token(http, world.client)
    assert http.post("/fhir/r4/Observation", json=weight(world.alice), headers=bearer(token)).status_code == 201
    software = connected_software.list_software(session, world.doctor.actor)[0]
    connected_software.revoke_software(session, world.doctor.actor, software.id, now=connected_software_now())
    again = http.post("/fhir/r4/Observation", json=weight(world.alice, value=80), headers=bearer(token))
    assert again.status_code == 401
    assert token_status(http, world.client.token_form()) == (401, {"error": "invalid_client"})
    assert committed_count(session, Measure) == 1


@pytest.mark.parametrize("status", ["blocked", "removed"])
def test_a_blocked_or_removed_professional_stops_at_the_next_request(http, session, world, status):
    token = get_token(http, world.client)
    care = session.get(CareRelationship, world.care.id)
    care.status = status
    session.add(care)
    session.commit()
    answer = http.post("/fhir/r4/Observation", json=weight(world.alice), headers=bearer(token))
    assert answer.status_code == 404
    assert committed_count(session, Measure) == 0


def test_scopes_decide_what_the_token_may_do(http, session, world):
    token = get_token(http, world.client, scope="system/Condition.c")
    answer = http.post("/fhir/r4/Observation", json=weight(world.alice), headers=bearer(token))
    assert answer.status_code == 403
    status, body = token_status(http, world.client.token_form(scope="patient/Observation.read"))
    assert (status, body) == (400, {"error": "invalid_scope"})


# --------------------------------------------------------------------------- refusals: the resources


def test_unparsable_invalid_and_unknown_code_system(http, session, world):
    token = get_token(http, world.client)
    assert http.post("/fhir/r4/Observation", content=b"{not json", headers=bearer(token)).status_code == 400
    bad = weight(world.alice) | {"status": 12}
    answer = http.post("/fhir/r4/Observation", json=bad, headers=bearer(token))
    assert answer.status_code == 422 and answer.json()["issue"][0]["severity"] == "error"
    unknown = weight(world.alice) | {"code": {"coding": [{"system": "http://example.org/codes", "code": "w"}]}}
    answer = http.post("/fhir/r4/Observation", json=unknown, headers=bearer(token))
    assert answer.status_code == 422 and answer.json()["issue"][0]["code"] == "code-invalid"
    too_heavy = weight(world.alice, value=900)
    assert http.post("/fhir/r4/Observation", json=too_heavy, headers=bearer(token)).status_code == 422
    not_a_pdf = document(world.alice, b"MZ\x90\x00" + b"x" * 200)
    assert http.post("/fhir/r4/DocumentReference", json=not_a_pdf, headers=bearer(token)).status_code == 422
    assert committed_count(session, Measure) == 0 and committed_count(session, Document) == 0


def test_laboratory_results_are_not_supported_yet(http, session, world):
    token = get_token(http, world.client)
    lab = weight(world.alice) | {"category": [{"coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}]}
    answer = http.post("/fhir/r4/Observation", json=lab, headers=bearer(token))
    assert answer.status_code == 422 and answer.json()["issue"][0]["code"] == "not-supported"
    report = {"resourceType": "DiagnosticReport", "status": "final", "code": {"text": "Bilan"},
              "subject": {"reference": f"Patient/{world.alice.profile.id}"}}
    assert http.post("/fhir/r4/DiagnosticReport", json=report, headers=bearer(token)).status_code == 422


def test_conditional_create_twice_leaves_one_row(http, session, world):
    token = get_token(http, world.client)
    headers = bearer(token) | {"If-None-Exist": "identifier=https://cabinet.example/obs|42"}
    first = http.post("/fhir/r4/Observation", json=weight(world.alice, identifier="42"), headers=headers)
    second = http.post("/fhir/r4/Observation", json=weight(world.alice, identifier="42"), headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.headers["Location"] == second.headers["Location"]
    assert committed_count(session, Measure) == 1 and committed_count(session, FhirIntake) == 1


def test_a_transaction_is_all_or_nothing(http, session, storage, world):
    token = get_token(http, world.client)
    bundle = transaction(world.alice)
    bundle["entry"].insert(0, {"resource": document(world.alice), "request": {"method": "POST",
                                                                              "url": "DocumentReference"}})
    bundle["entry"][-1]["resource"]["occurrenceDateTime"] = "2099-01-01"  # in the future: refused
    answer = http.post("/fhir/r4", json=bundle, headers=bearer(token))
    assert answer.status_code == 422 and answer.json()["resourceType"] == "OperationOutcome"
    for model in (Encounter, Condition, Vaccination, Document, FhirIntake):
        assert committed_count(session, model) == 0, model
    assert storage.stored_files() == []


def test_a_batch_takes_each_entry_on_its_own(http, session, world):
    token = get_token(http, world.client)
    bundle = transaction(world.alice) | {"type": "batch"}
    bundle["entry"][1]["resource"].pop("encounter")  # no links between batch entries
    bundle["entry"][2]["resource"]["vaccineCode"]["coding"][0]["system"] = "http://example.org/vaccines"
    answer = http.post("/fhir/r4", json=bundle, headers=bearer(token))
    assert answer.status_code == 200
    body = answer.json()
    assert body["type"] == "batch-response"
    assert [e["response"]["status"][:3] for e in body["entry"]] == ["201", "201", "422"]
    assert committed_count(session, Encounter) == 1 and committed_count(session, Vaccination) == 0


def test_too_large(http, session, world):
    token = get_token(http, world.client)
    big = document(world.alice, PDF + b"x" * (LIMIT * 2))
    answer = http.post("/fhir/r4/DocumentReference", json=big, headers=bearer(token))
    assert answer.status_code == 413 and answer.json()["issue"][0]["code"] == "too-costly"
    huge = b"{" + b" " * (fhir_routes.body_limit() + 10) + b"}"  # over the guard's cap: refused before the route
    answer = http.post("/fhir/r4/DocumentReference", content=huge, headers=bearer(token))
    assert answer.status_code == 413 and answer.json()["resourceType"] == "OperationOutcome"
    assert committed_count(session, Document) == 0


def test_too_many_requests(http, world):
    rate_limit.set_limiter(RateLimiter({name: "2/minute" for name in rate_limit.NAMES}))
    for _ in range(2):
        http.get("/fhir/r4/Patient", params={"identifier": "x|1"})
    answer = http.get("/fhir/r4/Patient", params={"identifier": "x|1"})
    assert answer.status_code == 429 and answer.json()["issue"][0]["code"] == "throttled"
    assert "Retry-After" in answer.headers
