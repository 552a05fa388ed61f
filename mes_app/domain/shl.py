"""SMART Health Links (HL7 "SMART Health Cards and Links" IG 1.0.0): the ``shlink:/`` payload
and the JWE files (``dir`` + ``A256GCM``, joserfc).

Pure helpers: no database, no clock (``exp`` is passed in).
"""

from __future__ import annotations

import base64
import json
import secrets

from joserfc import jwe
from joserfc.jwe import JWERegistry
from joserfc.jwk import OctKey

KEY_BYTES = 32
MAX_LABEL = 80
FHIR_JSON = "application/fhir+json"
_ENCRYPT_REGISTRY = JWERegistry(algorithms=["dir", "A256GCM"])


class SHLReadRegistry(JWERegistry):
    """For reading our own (or a received) file: only dir + A256GCM, a bounded size."""

    max_ciphertext_length = 8 * 1024 * 1024


_READ_REGISTRY = SHLReadRegistry(algorithms=["dir", "A256GCM"])


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key() -> str:
    """A link's decryption key: 32 random bytes, base64url (43 characters)."""
    return b64url(secrets.token_bytes(KEY_BYTES))


def flags(*, passcode: bool) -> str:
    """Flags in alphabetical order; we never use ``U`` (it may not be combined with ``P``)."""
    return "P" if passcode else ""


def payload(*, manifest_url: str, key: str, exp: int | None, passcode: bool, label: str = "") -> dict:
    out: dict = {"url": manifest_url, "key": key}
    if exp is not None:
        out["exp"] = int(exp)
    flag = flags(passcode=passcode)
    if flag:
        out["flag"] = flag
    if label:
        out["label"] = label[:MAX_LABEL]
    out["v"] = 1
    return out


def encode(data: dict) -> str:
    """``shlink:/`` + base64url (no padding) of the minified JSON."""
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return "shlink:/" + b64url(raw)


def decode(uri: str) -> dict:
    """The payload of a ``shlink:/`` URI (with or without a viewer prefix ending in ``#``)."""
    text = uri.split("#", 1)[1] if "#" in uri else uri
    if not text.startswith("shlink:/"):
        raise ValueError("not a SMART Health Link")
    return json.loads(b64url_decode(text[len("shlink:/"):]))


def encrypt(plaintext: bytes, key: str, content_type: str = FHIR_JSON) -> str:
    """Compact JWE, protected header ``{"alg": "dir", "enc": "A256GCM", "cty": ...}``; a fresh
    random IV each call (joserfc), no compression."""
    return jwe.encrypt_compact({"alg": "dir", "enc": "A256GCM", "cty": content_type}, plaintext,
                               OctKey.import_key(b64url_decode(key)), registry=_ENCRYPT_REGISTRY)


def decrypt(token: str, key: str) -> bytes:
    plaintext = jwe.decrypt_compact(token, OctKey.import_key(b64url_decode(key)), registry=_READ_REGISTRY).plaintext
    if plaintext is None:  # joserfc fills it on a successful decryption
        raise ValueError("JWE without plaintext")
    return plaintext
