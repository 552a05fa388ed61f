"""Connected software of a professional (SMART Backend Services, issue 12 item 2): register
a public key set, list, revoke; the token endpoint; who is calling the FHIR API.

The token only says who is asking (a software of one professional): every write then goes
through the professional's own access policy and use cases (:mod:`mes_app.services.fhir_api`).
Revocation stops the very next request: each request looks the software row up again.
Access tokens are random, kept only as their SHA-256, and live 5 minutes; no refresh token.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mes_app.db.models import ConnectedSoftware, FhirAccessToken, FhirUsedJti, User
from mes_app.domain import smart_backend as smart
from mes_app.domain.access import UserActor, account_abilities
from mes_app.domain.errors import NotFound, ValidationError

MAX_SOFTWARE_PER_ACCOUNT = 20


@dataclass(frozen=True)
class SoftwareView:
    id: int
    name: str
    client_id: str
    created_at: str  # ISO
    last_used_at: str  # ISO, "" never
    key_count: int


@dataclass(frozen=True)
class Caller:
    """Who is calling the FHIR API: a software acting for one professional."""

    software_id: int
    software_name: str
    actor: UserActor
    scopes: tuple[str, ...]


class OAuthError(Exception):
    """A refused token request: ``error`` is the RFC 6749 §5.2 code (never user data)."""

    def __init__(self, error: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


def can_connect_software(actor: UserActor) -> bool:
    """The capability flag of the page: professionals connect their care software."""
    return account_abilities(actor).follows_patients


def _require_professional(session: Session, actor: UserActor) -> None:
    user = session.get(User, actor.user_id)
    if user is None or not can_connect_software(actor) or user.role != "professional":
        raise NotFound()


def _view(row: ConnectedSoftware) -> SoftwareView:
    keys = json.loads(row.jwks).get("keys", [])
    return SoftwareView(row.id, row.name, row.client_id, row.created_at.isoformat(),
                        row.last_used_at.isoformat() if row.last_used_at else "", len(keys))


def list_software(session: Session, actor: UserActor) -> list[SoftwareView]:
    """The professional's connected software still in force, newest first."""
    _require_professional(session, actor)
    rows = session.exec(select(ConnectedSoftware).where(
        ConnectedSoftware.owner_user_id == actor.user_id, col(ConnectedSoftware.revoked_at).is_(None),
    ).order_by(col(ConnectedSoftware.id).desc())).all()
    return [_view(row) for row in rows]


def register_software(session: Session, actor: UserActor, name: object, jwks: object, *, now: datetime) -> SoftwareView:
    """A new connected software: its name and public key set (checked); gets a client_id."""
    _require_professional(session, actor)
    cleaned = smart.check_software_name(name)
    keys = smart.parse_jwks(jwks)
    count = session.exec(select(sa.func.count()).select_from(ConnectedSoftware).where(
        ConnectedSoftware.owner_user_id == actor.user_id, col(ConnectedSoftware.revoked_at).is_(None))).one()
    if count >= MAX_SOFTWARE_PER_ACCOUNT:
        raise ValidationError("error.software_limit", max=MAX_SOFTWARE_PER_ACCOUNT)
    row = ConnectedSoftware(owner_user_id=actor.user_id, name=cleaned, client_id=secrets.token_urlsafe(24),
                            jwks=json.dumps(keys, separators=(",", ":")), created_at=now)
    session.add(row)
    session.commit()
    return _view(row)


def revoke_software(session: Session, actor: UserActor, software_id: object, *, now: datetime) -> None:
    """Revoke one of one's own software: its tokens stop working at once."""
    from mes_app.domain import validation as v

    _require_professional(session, actor)
    row = session.get(ConnectedSoftware, v.parse_id(software_id))
    if row is None or row.owner_user_id != actor.user_id or row.revoked_at is not None:
        raise NotFound()
    row.revoked_at = now
    session.add(row)
    session.exec(sa.delete(FhirAccessToken).where(col(FhirAccessToken.software_id) == row.id))
    session.commit()


# --------------------------------------------------------------------------- token endpoint


def _active_software(session: Session, client_id: object) -> ConnectedSoftware | None:
    if not isinstance(client_id, str) or not client_id or len(client_id) > 64:
        return None
    row = session.exec(select(ConnectedSoftware).where(ConnectedSoftware.client_id == client_id)).first()
    if row is None or row.revoked_at is not None:
        return None
    owner = session.get(User, row.owner_user_id)
    if owner is None or owner.role != "professional":
        return None
    return row


def _unverified_claims(assertion: str) -> dict:
    """The claims before the signature is checked: only to find which software's keys to use."""
    import base64

    try:
        payload = assertion.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        raise OAuthError("invalid_client", 401) from None
    if not isinstance(claims, dict):
        raise OAuthError("invalid_client", 401)
    return claims


def issue_token(session: Session, form: dict, *, token_url: str, supported: dict, now: datetime) -> dict:
    """The token endpoint (RFC 6749 client_credentials + RFC 7523 private_key_jwt, as SMART
    Backend Services says). Returns the token response; raises :class:`OAuthError`."""
    if form.get("grant_type") != "client_credentials":
        raise OAuthError("unsupported_grant_type")
    if form.get("client_assertion_type") != smart.ASSERTION_TYPE:
        raise OAuthError("invalid_client", 401)
    assertion = form.get("client_assertion")
    if not isinstance(assertion, str) or not assertion or len(assertion) > 16_000:
        raise OAuthError("invalid_client", 401)
    claims = _unverified_claims(assertion)
    software = _active_software(session, claims.get("iss"))
    if software is None:
        raise OAuthError("invalid_client", 401)
    try:
        keys = KeySet.import_key_set(json.loads(software.jwks))
        token = jwt.decode(assertion, keys, algorithms=list(smart.ALGORITHMS))
    except (JoseError, ValueError, TypeError):
        raise OAuthError("invalid_client", 401) from None
    verified = token.claims
    _check_assertion(verified, token.header, software.client_id, token_url, now)
    scopes = smart.granted_scopes(form.get("scope"), supported)
    if not scopes:
        raise OAuthError("invalid_scope")
    _remember_jti(session, software.client_id, verified["jti"], now)
    secret = secrets.token_urlsafe(32)
    session.exec(sa.delete(FhirAccessToken).where(col(FhirAccessToken.expires_at) < now))
    session.add(FhirAccessToken(software_id=software.id, token_hash=_hash(secret), scope=" ".join(scopes),
                                expires_at=now + timedelta(seconds=smart.TOKEN_SECONDS)))
    software.last_used_at = now
    session.add(software)
    session.commit()
    return {"access_token": secret, "token_type": "bearer", "expires_in": smart.TOKEN_SECONDS,
            "scope": " ".join(scopes)}


def _check_assertion(claims: dict, header: dict, client_id: str, token_url: str, now: datetime) -> None:
    if header.get("typ") not in (None, "JWT") or not header.get("kid"):
        raise OAuthError("invalid_client", 401)
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise OAuthError("invalid_client", 401)
    aud = claims.get("aud")
    if not (aud == token_url or (isinstance(aud, list) and token_url in aud)):
        raise OAuthError("invalid_client", 401)
    exp, stamp = claims.get("exp"), now.timestamp()
    if not isinstance(exp, int | float) or isinstance(exp, bool) or exp <= stamp \
            or exp > stamp + smart.MAX_ASSERTION_SECONDS + 5:
        raise OAuthError("invalid_client", 401)
    nbf = claims.get("nbf")
    if isinstance(nbf, int | float) and nbf > stamp + 60:
        raise OAuthError("invalid_client", 401)
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > 255:
        raise OAuthError("invalid_client", 401)


def _remember_jti(session: Session, client_id: str, jti: str, now: datetime) -> None:
    """Refuse a ``jti`` seen for this client within the assertion lifetime (replay)."""
    session.exec(sa.delete(FhirUsedJti).where(col(FhirUsedJti.expires_at) < now))
    seen = session.exec(select(FhirUsedJti).where(FhirUsedJti.client_id == client_id, FhirUsedJti.jti == jti)).first()
    if seen is not None:
        session.rollback()
        raise OAuthError("invalid_client", 401)
    session.add(FhirUsedJti(client_id=client_id, jti=jti,
                            expires_at=now + timedelta(seconds=smart.MAX_ASSERTION_SECONDS + 60)))
    try:
        session.flush()
    except IntegrityError:  # the same jti posted twice at the same moment
        session.rollback()
        raise OAuthError("invalid_client", 401) from None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def caller_for_token(session: Session, bearer: object, *, now: datetime) -> Caller | None:
    """The software behind a bearer token, checked now (revoked, expired: None)."""
    if not isinstance(bearer, str) or not 20 <= len(bearer) <= 100:
        return None
    token = session.exec(select(FhirAccessToken).where(FhirAccessToken.token_hash == _hash(bearer))).first()
    if token is None or token.expires_at <= now:
        return None
    software = session.get(ConnectedSoftware, token.software_id)
    if software is None or software.revoked_at is not None:
        return None
    owner = session.get(User, software.owner_user_id)
    if owner is None or owner.role != "professional":
        return None
    return Caller(software.id, software.name, UserActor(owner.id, "professional"), tuple(token.scope.split()))


def via_software_names(session: Session, target_kind: str, ids: list[int]) -> dict[int, str]:
    """For entries of one kind (an entry kind, "measures" or "documents"): id → the name of
    the connected software that added it (entries typed in the UI are absent)."""
    from mes_app.db.models import FhirIntake

    if not ids:
        return {}
    rows = session.exec(select(FhirIntake.target_id, ConnectedSoftware.name).join(
        ConnectedSoftware, col(ConnectedSoftware.id) == col(FhirIntake.software_id)).where(
        FhirIntake.target_kind == target_kind, col(FhirIntake.target_id).in_(ids))).all()
    return {target_id: name for target_id, name in rows}


def with_via(session: Session, target_kind: str, views: list) -> list:
    """Views (frozen dataclasses with ``id`` and ``via_software``) with the name of the
    software that added each entry filled in: the patient sees "via <software>"."""
    import dataclasses

    names = via_software_names(session, target_kind, [view.id for view in views])
    if not names:
        return views
    return [dataclasses.replace(view, via_software=names[view.id]) if view.id in names else view for view in views]
