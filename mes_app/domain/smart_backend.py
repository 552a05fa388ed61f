"""SMART Backend Services as rules (issue 12 item 2): which public keys a connected software
may register, which scopes it may ask for, and what a granted scope allows. Pure Python: no
database, no clock, no JOSE library (the signature itself is checked by the service).

Keys (SMART App Launch 2.2 "Backend Services", RFC 7517)
    A JSON Web Key Set ``{"keys": [...]}`` of 1 to :data:`MAX_KEYS` public keys, each with a
    unique ``kid``: RSA of at least 2048 bits (``n``, ``e``) or EC on P-384 (``x``, ``y``).
    A key with any private member (``d``, ``p``, ``q``, ``dp``, ``dq``, ``qi``, ``oth``, ``k``)
    refuses the whole set: a professional who pasted their private key is told so, and it is
    never stored. A declared ``alg`` must be RS384 (RSA) or ES384 (EC).

Scopes (SMART v1 and v2 syntax, ``system`` context only)
    ``system/<Type|*>.<read|write|*>`` (v1) or ``system/<Type|*>.<c?r?u?d?s?>`` (v2, letters in
    that order). v1 ``read`` = ``rs``, ``write`` = ``cud``, ``*`` = ``cruds``. v2 parameters
    (``?category=...``) are not supported: such a scope is not granted.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mes_app.domain.errors import ValidationError

FHIR_BASE_PATH = "/fhir/r4"  # where the API lives under the app's origin
TOKEN_PATH = FHIR_BASE_PATH + "/auth/token"
ALGORITHMS = ("RS384", "ES384")
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_KEYS = 10
MAX_JWKS_CHARS = 20_000
MIN_RSA_BITS = 2048
MAX_ASSERTION_SECONDS = 300  # exp no more than 5 minutes ahead
TOKEN_SECONDS = 300  # access tokens live 5 minutes
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
MAX_NAME_LEN = 80

_V1 = {"read": frozenset("rs"), "write": frozenset("cud"), "*": frozenset("cruds")}
_V2 = re.compile(r"c?r?u?d?s?")
_SCOPE = re.compile(r"system/(\*|[A-Z][A-Za-z]{1,63})\.([a-z*]{1,5})")


# --------------------------------------------------------------------------- keys


def _b64url_bytes(value: object) -> bytes:
    if not isinstance(value, str) or not value or not re.fullmatch(r"[A-Za-z0-9_-]+", value):
        raise ValidationError("error.jwks_invalid", field="jwks")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValidationError("error.jwks_invalid", field="jwks") from None


def _check_key(key: object) -> dict:
    if not isinstance(key, dict):
        raise ValidationError("error.jwks_invalid", field="jwks")
    if PRIVATE_MEMBERS & set(key):
        raise ValidationError("error.jwks_private", field="jwks")
    kid = key.get("kid")
    if not isinstance(kid, str) or not kid.strip() or len(kid) > 200:
        raise ValidationError("error.jwks_kid", field="jwks")
    kty, alg = key.get("kty"), key.get("alg")
    if kty == "RSA":
        modulus = _b64url_bytes(key.get("n")).lstrip(b"\x00")
        _b64url_bytes(key.get("e"))
        if len(modulus) * 8 < MIN_RSA_BITS:
            raise ValidationError("error.jwks_weak", field="jwks")
        if alg not in (None, "RS384"):
            raise ValidationError("error.jwks_weak", field="jwks")
        public = {"kty": "RSA", "kid": kid, "n": key["n"], "e": key["e"]}
    elif kty == "EC":
        if key.get("crv") != "P-384" or alg not in (None, "ES384"):
            raise ValidationError("error.jwks_weak", field="jwks")
        for member in ("x", "y"):
            if len(_b64url_bytes(key.get(member))) != 48:
                raise ValidationError("error.jwks_invalid", field="jwks")
        public = {"kty": "EC", "kid": kid, "crv": "P-384", "x": key["x"], "y": key["y"]}
    else:
        raise ValidationError("error.jwks_weak", field="jwks")
    if alg is not None:
        public["alg"] = alg
    return public


def parse_jwks(text: object) -> dict:
    """The public key set to store, from what the professional pasted, or ValidationError."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("error.required", field="jwks")
    if len(text) > MAX_JWKS_CHARS:
        raise ValidationError("error.jwks_invalid", field="jwks")
    try:
        data = json.loads(text)
    except ValueError:
        raise ValidationError("error.jwks_invalid", field="jwks") from None
    if isinstance(data, dict) and "keys" not in data and "kty" in data:
        data = {"keys": [data]}  # one bare key: accepted as a set of one
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, list) or not 1 <= len(keys) <= MAX_KEYS:
        raise ValidationError("error.jwks_invalid", field="jwks")
    public = [_check_key(key) for key in keys]
    if len({k["kid"] for k in public}) != len(public):
        raise ValidationError("error.jwks_kid", field="jwks")
    return {"keys": public}


# --------------------------------------------------------------------------- scopes


@dataclass(frozen=True)
class Scope:
    resource_type: str  # a FHIR type or "*"
    permissions: frozenset[str]  # letters of "cruds"


def parse_scope(text: object) -> Scope | None:
    """One ``system/...`` scope, or None when it is not one we understand."""
    if not isinstance(text, str):
        return None
    match = _SCOPE.fullmatch(text)
    if match is None:
        return None
    resource_type, suffix = match.groups()
    if suffix in _V1:
        return Scope(resource_type, _V1[suffix])
    if "*" not in suffix and _V2.fullmatch(suffix):
        return Scope(resource_type, frozenset(suffix))
    return None


def granted_scopes(requested: object, supported: Mapping[str, frozenset[str]]) -> tuple[str, ...]:
    """The requested scopes we grant (as asked, in order, without repeats): well formed and
    naming something the server does (``supported``: type → permissions it implements)."""
    if not isinstance(requested, str):
        return ()
    granted: list[str] = []
    for text in requested.split()[:50]:
        scope = parse_scope(text)
        if scope is None or text in granted:
            continue
        if scope.resource_type == "*":
            useful = any(scope.permissions & perms for perms in supported.values())
        else:
            useful = bool(scope.permissions & supported.get(scope.resource_type, frozenset()))
        if useful:
            granted.append(text)
    return tuple(granted)


def allows(scopes: Iterable[str], resource_type: str, permission: str) -> bool:
    """Whether the granted scopes allow ``permission`` (a letter of "cruds") on the type."""
    for text in scopes:
        scope = parse_scope(text)
        if scope and scope.resource_type in ("*", resource_type) and permission in scope.permissions:
            return True
    return False


def check_software_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("error.required", field="name")
    cleaned = " ".join(name.split())
    if len(cleaned) > MAX_NAME_LEN or any(ord(ch) < 32 for ch in cleaned):
        raise ValidationError("error.text_too_long", field="name", max=MAX_NAME_LEN)
    return cleaned
