"""SMART Backend Services rules (issue 12 item 2): keys a software may register, scopes."""

from __future__ import annotations

import base64
import json

import pytest

from mes_app.domain import smart_backend as smart
from mes_app.domain.errors import ValidationError


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


RSA_2048 = {"kty": "RSA", "kid": "r1", "n": b64(b"\xc1" + b"\x01" * 255), "e": "AQAB"}
EC_384 = {"kty": "EC", "kid": "e1", "crv": "P-384", "x": b64(b"\x02" * 48), "y": b64(b"\x03" * 48)}


def codes(text: str) -> str:
    with pytest.raises(ValidationError) as refused:
        smart.parse_jwks(text)
    return refused.value.code


def test_public_rsa_and_ec_keys_are_kept_as_public_members_only():
    kept = smart.parse_jwks(json.dumps({"keys": [RSA_2048 | {"use": "sig"}, EC_384 | {"alg": "ES384"}]}))
    assert kept == {"keys": [RSA_2048, EC_384 | {"alg": "ES384"}]}
    assert smart.parse_jwks(json.dumps(EC_384)) == {"keys": [EC_384]}  # one bare key


@pytest.mark.parametrize("member", sorted(smart.PRIVATE_MEMBERS))
def test_a_private_member_refuses_the_set(member):
    assert codes(json.dumps({"keys": [RSA_2048 | {member: "AQAB"}]})) == "error.jwks_private"


@pytest.mark.parametrize("key", [
    RSA_2048 | {"n": b64(b"\xc1" + b"\x01" * 127)},  # 1024 bits
    EC_384 | {"crv": "P-256"},
    RSA_2048 | {"alg": "RS256"},
    {"kty": "oct", "kid": "s"},
])
def test_weak_or_other_keys_are_refused(key):
    assert codes(json.dumps({"keys": [key]})) == "error.jwks_weak"


@pytest.mark.parametrize("text, code", [
    ("", "error.required"),
    ("not json", "error.jwks_invalid"),
    ('{"keys": []}', "error.jwks_invalid"),
    (json.dumps({"keys": [RSA_2048, RSA_2048]}), "error.jwks_kid"),
    (json.dumps({"keys": [{k: v for k, v in RSA_2048.items() if k != "kid"}]}), "error.jwks_kid"),
    (json.dumps({"keys": [EC_384 | {"x": "short"}]}), "error.jwks_invalid"),
])
def test_unreadable_sets(text, code):
    assert codes(text) == code


@pytest.mark.parametrize("text, permissions", [
    ("system/Observation.write", "cud"), ("system/Observation.read", "rs"), ("system/*.*", "cruds"),
    ("system/Observation.c", "c"), ("system/Patient.rs", "rs"), ("system/*.cruds", "cruds"),
])
def test_v1_and_v2_scopes(text, permissions):
    scope = smart.parse_scope(text)
    assert scope is not None and scope.permissions == frozenset(permissions)


@pytest.mark.parametrize("text", ["patient/Observation.read", "system/Observation.sc", "system/Observation.rc*",
                                  "system/observation.c", "system/Observation.c?category=x", "user/*.*"])
def test_other_scopes_are_not_understood(text):
    assert smart.parse_scope(text) is None


def test_granted_scopes_keep_what_the_server_does():
    supported = {"Patient": frozenset("rs"), "Observation": frozenset("c")}
    asked = "system/Observation.write system/Patient.rs system/Condition.c patient/*.read system/*.c system/*.c"
    assert smart.granted_scopes(asked, supported) == ("system/Observation.write", "system/Patient.rs", "system/*.c")
    assert smart.allows(["system/*.c"], "Observation", "c") and not smart.allows(["system/*.c"], "Patient", "s")
    assert smart.allows(["system/Observation.write"], "Observation", "c")
    assert not smart.allows(["system/Observation.read"], "Observation", "c")
