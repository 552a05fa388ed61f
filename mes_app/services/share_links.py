"""Share a profile's summary by link and QR code, for someone without an account; make the
link a SMART Health Link too.

The patient (or a guardian) creates a link: a scope (sections), an expiry (default 24 h, at
most a year) and an optional passcode. The link carries a random 256-bit secret; only its
SHA-256 is stored (``ShareLink.token_hash``), with a per-link 32-byte key for the SMART Health
Link files (``ShareLink.jwe_key``). The secret is shown once, at creation.

Opening, for anyone holding the secret (no account):
    - the secret is hashed (cheap, SHA-256) and looked up by its index *before any other
      work*: a flood of wrong secrets costs one indexed select each;
    - unknown secret -> "not_found"; revoked / expired / locked -> that word and nothing else;
    - a passcode is checked with argon2 only for a link that exists and is active; each try
      first *reserves* an attempt with one atomic ``UPDATE ... WHERE failed < max`` (so
      parallel guesses cannot exceed the lifetime limit), and gives it back when right;
    - then the summary in the link's scope (:func:`summary.build_link_summary`) and the
      documents switched on for the link; every opening goes to the access history.

The SMART Health Link (``shlink:/``) points to ``POST /api/shl/{secret}`` (the manifest URL
*is* the link secret: 256 bits, 43 characters, only its hash stored); the manifest returns
the IPS Bundle as a compact JWE (``dir`` + ``A256GCM``) under the link's key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from mes_app.db import models, table_of
from mes_app.domain import documents as doc_rules
from mes_app.domain import fhir_ips, shl
from mes_app.domain import validation as v
from mes_app.domain.access import (
    Action,
    LinkActor,
    Section,
    Target,
    UserActor,
    entry_target,
    format_sections,
    link_status,
    parse_sections,
)
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.link_tokens import hash_link_secret, hash_new_link_secret, new_link_secret
from mes_app.services import ips, passwords
from mes_app.services.access_facts import (
    authorize,
    authorize_link,
    document_switches,
    load_link_facts,
    load_profile_facts,
    record_access,
)
from mes_app.services.documents import DocumentFile
from mes_app.services.summary import Summary, build_link_summary

PURPOSE = "summary"
# What a link may show, in the order of the form. Identity is always part of a summary.
SHAREABLE_SECTIONS: tuple[Section, ...] = (
    Section.RISK_FACTORS,
    Section.CONDITIONS,
    Section.TREATMENTS,
    Section.VACCINATIONS,
    Section.MEASURES,
    Section.DOCUMENTS,
)
DEFAULT_EXPIRY_HOURS = 24
MIN_EXPIRY_HOURS = 1
MAX_EXPIRY_HOURS = 365 * 24
EXPIRY_CHOICES: tuple[int, ...] = (1, 24, 72, 168, 720, 2160, 8760)
PASSCODE_MIN, PASSCODE_MAX = 4, 64
MAX_PASSCODE_ATTEMPTS = 5
LABEL_MAX = 80
RECIPIENT_MAX = 120
TICKET_MINUTES = 15


@dataclass(frozen=True)
class LinkView:
    id: int
    label: str
    sections: list[str]
    created: str  # ISO local date
    expires: str  # ISO local date
    expires_at: str  # ISO datetime
    status: str  # active | expired | revoked | locked
    has_passcode: bool
    last_opened: str  # ISO local date or ""
    remaining_attempts: int


@dataclass(frozen=True)
class CreatedLink:
    """Shown once, to its creator: the secret is not stored anywhere."""

    view: LinkView
    secret: str
    key: str
    exp: int  # epoch seconds


@dataclass(frozen=True)
class Opening:
    status: str  # not_found | expired | revoked | locked | active
    link_id: int | None = None
    needs_passcode: bool = False


@dataclass(frozen=True)
class PasscodeResult:
    ok: bool
    status: str  # active | locked | expired | revoked | not_found
    remaining_attempts: int


# --------------------------------------------------------------------------- the patient's side


def _view(link: models.ShareLink, now: datetime) -> LinkView:
    facts = load_facts_from_row(link)
    return LinkView(
        id=link.id,
        label=link.label,
        sections=[s.value for s in Section if s in facts.sections and s is not Section.PROFILE],
        created=local_date(link.created_at).isoformat(),
        expires=local_date(link.expires_at).isoformat(),
        expires_at=link.expires_at.isoformat(),
        status=link_status(facts, now),
        has_passcode=link.passcode_hash is not None,
        last_opened=local_date(link.last_opened_at).isoformat() if link.last_opened_at else "",
        remaining_attempts=max(0, link.max_passcode_attempts - link.failed_passcode_count),
    )


def load_facts_from_row(link: models.ShareLink):  # noqa: ANN201
    from mes_app.domain.access import ShareLinkFacts

    return ShareLinkFacts(link.id, link.profile_id, parse_sections(link.sections), link.expires_at, link.revoked_at,
                          link.passcode_hash is not None, link.failed_passcode_count, link.max_passcode_attempts)


def parse_scope(values: object) -> frozenset[Section]:
    """The sections ticked in the form (a list of names); at least one; identity always added."""
    if not isinstance(values, (list, tuple)) or len(values) > 20:
        raise ValidationError("error.invalid_choice", field="sections")
    allowed = {s.value for s in SHAREABLE_SECTIONS}
    chosen = {v.parse_choice(value, allowed, field="sections") for value in values}
    if not chosen:
        raise ValidationError("error.scope_required")
    return frozenset({Section.PROFILE, *(Section(s) for s in chosen)})


def parse_expiry_hours(value: object) -> int:
    hours = v.parse_optional_int(value, field="expires", min_value=MIN_EXPIRY_HOURS, max_value=MAX_EXPIRY_HOURS)
    return DEFAULT_EXPIRY_HOURS if hours is None else hours


def parse_passcode(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValidationError("error.invalid_text", field="passcode")
    text = value.strip()
    if not text:
        return None
    if len(text) < PASSCODE_MIN or len(text) > PASSCODE_MAX:
        raise ValidationError("error.share_passcode_length", min=PASSCODE_MIN, max=PASSCODE_MAX)
    return text


def create_link(
    session: Session, actor: UserActor, profile_id: object, *, sections: object, expires_hours: object = None,
    passcode: object = None, label: object = None, now: datetime,
) -> CreatedLink:
    """A new share link of a profile's summary (the patient or a guardian only)."""
    pid = v.parse_id(profile_id)
    scope = parse_scope(sections)
    hours = parse_expiry_hours(expires_hours)
    code = parse_passcode(passcode)
    name = v.clean_text(label, field="label", max_len=LABEL_MAX, multiline=False) or ""
    authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind="share_link")
    secret = new_link_secret()
    jwe_key = shl.new_key()
    link = models.ShareLink(
        profile_id=pid,
        token_hash=hash_new_link_secret(secret),
        label=name,
        purpose=PURPOSE,
        sections=format_sections(scope),
        created_by_user_id=actor.user_id,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        passcode_hash=passwords.hash_password(code) if code else None,
        max_passcode_attempts=MAX_PASSCODE_ATTEMPTS,
        jwe_key=jwe_key,
    )
    session.add(link)
    session.commit()
    session.refresh(link)
    return CreatedLink(_view(link, now), secret, jwe_key, int(link.expires_at.timestamp()))


def list_links(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> list[LinkView]:
    """The summary links of a profile, newest first (the patient or a guardian only)."""
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind="share_link")
    rows = session.exec(select(models.ShareLink).where(models.ShareLink.profile_id == pid,
                                                       models.ShareLink.purpose == PURPOSE)).all()
    return [_view(r, now) for r in sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)]


def revoke_link(session: Session, actor: UserActor, link_id: object, *, now: datetime) -> LinkView:
    """Revoke at once: the very next opening (page, document, manifest) is refused."""
    link = session.get(models.ShareLink, v.parse_id(link_id))
    if link is None or link.purpose != PURPOSE:
        raise NotFound()
    authorize(session, actor, Action.MANAGE, link.profile_id, Target(Section.PROFILE), now=now,
              target_kind="share_link", target_id=link.id)
    if link.revoked_at is None:
        link.revoked_at = now
        session.add(link)
    session.commit()
    return _view(link, now)


VIEWER_PATH = "/s"


def viewer_url(origin: str, secret: str) -> str:
    """The *old* form of a link's page, ``/s?k=<secret>``: still opened by :func:`secret_from_viewer`
    callers for links handed out before, never produced any more (the secret would reach the
    server's request logs in the query string)."""
    return f"{origin.rstrip('/')}{VIEWER_PATH}?k={secret}"


def manifest_url(origin: str, secret: str) -> str:
    return f"{origin.rstrip('/')}/api/shl/{secret}"


def shlink(origin: str, created: CreatedLink) -> str:
    """The ``shlink:/`` URI of a new link."""
    return shl.encode(shl.payload(manifest_url=manifest_url(origin, created.secret), key=created.key,
                                  exp=created.exp, passcode=created.view.has_passcode, label=created.view.label))


def qr_target(origin: str, created: CreatedLink) -> str:
    """What the QR code and the copied link hold: our viewer page with the SMART Health Link in
    the URL *fragment* only (``/s#shlink:/...``): a browser never sends a fragment to the
    server, so neither the manifest secret nor the key is in any request line or log. A phone
    camera opens the page, whose own script reads the fragment; any SMART Health Links viewer
    reads the fragment too."""
    return f"{origin.rstrip('/')}{VIEWER_PATH}#{shlink(origin, created)}"


def secret_from_shlink(fragment: object, origins: tuple[str, ...]) -> str | None:
    """The link secret inside a ``shlink:/`` fragment whose manifest URL is one of ours
    (``<origin>/api/shl/<secret>`` for one of ``origins``), else None."""
    if not isinstance(fragment, str) or not fragment or len(fragment) > 4096:
        return None
    try:
        data = shl.decode(fragment.lstrip("#"))
    except (ValueError, UnicodeDecodeError):
        return None
    url = data.get("url") if isinstance(data, dict) else None
    if not isinstance(url, str) or len(url) > 256:
        return None
    for origin in origins:
        prefix = manifest_url(origin, "")
        if url.startswith(prefix):
            secret = url[len(prefix):]
            if secret and all(c.isalnum() or c in "-_" for c in secret):
                return secret
    return None


# --------------------------------------------------------------------------- the visitor's side


def _find(session: Session, secret: object) -> models.ShareLink | None:
    """One indexed select on the hash; nothing else is done for an unknown secret."""
    token_hash = hash_link_secret(secret)
    if token_hash is None:
        return None
    link = session.exec(select(models.ShareLink).where(models.ShareLink.token_hash == token_hash)).first()
    return link if link is not None and link.purpose == PURPOSE else None


def resolve(session: Session, secret: object, *, now: datetime) -> Opening:
    link = _find(session, secret)
    if link is None:
        return Opening("not_found")
    status = link_status(load_facts_from_row(link), now)
    if status != "active":
        return Opening(status)
    return Opening("active", link.id, link.passcode_hash is not None)


def check_passcode(session: Session, link_id: int, passcode: object, *, now: datetime) -> PasscodeResult:
    """Check a passcode against the link's lifetime limit of failures."""
    link = session.get(models.ShareLink, link_id)
    if link is None or link.purpose != PURPOSE:
        return PasscodeResult(False, "not_found", 0)
    status = link_status(load_facts_from_row(link), now)
    if status != "active":
        return PasscodeResult(False, status, 0)
    if link.passcode_hash is None:
        return PasscodeResult(True, "active", link.max_passcode_attempts)
    table = table_of(models.ShareLink)
    reserved = session.exec(  # exec, not execute: typed as the CursorResult it is for an UPDATE
        sa.update(table)
        .where(table.c.id == link.id, table.c.revoked_at.is_(None),
               table.c.failed_passcode_count < table.c.max_passcode_attempts)
        .values(failed_passcode_count=table.c.failed_passcode_count + 1)
    ).rowcount
    session.commit()
    if reserved != 1:
        return PasscodeResult(False, "locked", 0)
    text = passcode.strip() if isinstance(passcode, str) else ""
    ok = PASSCODE_MIN <= len(text) <= PASSCODE_MAX and passwords.verify_password(text, link.passcode_hash)
    if ok:  # give the reserved attempt back
        session.execute(sa.update(table).where(table.c.id == link.id)
                        .values(failed_passcode_count=table.c.failed_passcode_count - 1))
    else:
        record_access(session, actor_user_id=None, profile_id=link.profile_id, action="denied",
                      target_kind="passcode", via="share_link", grant_id=link.id, now=now)
    session.commit()
    session.refresh(link)
    remaining = max(0, link.max_passcode_attempts - link.failed_passcode_count)
    # A counted failure answers "active" with 0 left; the next try finds the link locked.
    return PasscodeResult(ok, "active", remaining)


def _actor(session: Session, link_id: int, passcode_ok: bool) -> LinkActor:
    facts = load_link_facts(session, link_id)
    if facts is None:
        raise NotFound()
    return LinkActor(facts, passcode_ok=bool(passcode_ok))


def _touch(session: Session, link_id: int, now: datetime) -> None:
    links = table_of(models.ShareLink)
    session.execute(sa.update(links).where(links.c.id == link_id).values(last_opened_at=now))


def open_summary(session: Session, link_id: int, passcode_ok: bool, *, now: datetime,
                 opener_label: str | None = None) -> Summary:
    """The summary in the link's scope (NotFound once the link is revoked, expired, locked, or
    without the passcode); the opening is recorded."""
    actor = _actor(session, link_id, passcode_ok)
    summary = build_link_summary(session, actor, now=now, opener_label=opener_label)
    _touch(session, link_id, now)
    session.commit()
    return summary


def open_document(session: Session, secret: object, document_id: object, *, passcode_ok: bool,
                  now: datetime) -> DocumentFile:
    """A document switched on for this link; anything else is NotFound. Recorded."""
    link = _find(session, secret)
    if link is None:
        raise NotFound()
    try:
        doc_id = v.parse_id(document_id)
    except ValidationError:
        raise NotFound() from None
    doc = session.get(models.Document, doc_id)
    if doc is None or doc.deleted_at is not None or doc.profile_id != link.profile_id:
        raise NotFound()
    target = entry_target(Section.DOCUMENTS, doc, document_id=doc.id,
                          document_switches=document_switches(session, [doc.id])[doc.id])
    authorize_link(session, _actor(session, link.id, passcode_ok), target, now=now, target_kind="document",
                   target_id=doc.id)
    _touch(session, link.id, now)
    session.commit()
    return DocumentFile(doc.storage_key, doc.mime_type, doc.size_bytes,
                        doc_rules.download_filename(doc.title, doc.mime_type))


# --------------------------------------------------------------------------- document tickets
#
# A document opens in a new browser tab through ``GET /api/s/{secret}/documents/{id}``: that
# request carries no Reflex state, so the page hands it a short-lived ticket, issued on the
# server only after the passcode was checked there. The ticket is an HMAC keyed by the link's
# passcode *hash* (never sent out, different for every link): the browser cannot forge one, it
# dies with a new passcode, and the link's status is checked again on every request.

def _ticket_mac(link: models.ShareLink, doc_id: int, expires: int) -> str:
    key = hashlib.sha256(f"mes-doc-ticket|{link.token_hash}|{link.passcode_hash or ''}".encode()).digest()
    return hmac.new(key, f"{link.id}|{doc_id}|{expires}".encode(), hashlib.sha256).hexdigest()


def document_ticket(session: Session, link_id: int, doc_id: int, *, now: datetime) -> str:
    link = session.get(models.ShareLink, link_id)
    if link is None:
        raise NotFound()
    expires = int((now + timedelta(minutes=TICKET_MINUTES)).timestamp())
    return f"{expires}.{_ticket_mac(link, doc_id, expires)}"


def ticket_is_valid(session: Session, secret: object, document_id: object, ticket: object, *, now: datetime) -> bool:
    link = _find(session, secret)
    if link is None or not isinstance(ticket, str) or len(ticket) > 100 or "." not in ticket:
        return False
    if link.passcode_hash is None:
        return True  # no passcode: the secret alone opens the link
    raw_exp, _, mac = ticket.partition(".")
    try:
        expires, doc_id = int(raw_exp), v.parse_id(document_id)
    except (ValueError, ValidationError):
        return False
    if expires < now.timestamp():
        return False
    return hmac.compare_digest(mac, _ticket_mac(link, doc_id, expires))


# --------------------------------------------------------------------------- SMART Health Links manifest


@dataclass(frozen=True)
class ManifestAnswer:
    status: int  # 200 | 401 | 404
    body: dict


def manifest(session: Session, secret: object, body: object, *, now: datetime, lang: str = "fr") -> ManifestAnswer:
    """``POST {manifest url}``: 404 for an unknown, revoked, expired or locked link; 401 with
    ``remainingAttempts`` for a wrong passcode; else the IPS Bundle as a JWE, embedded, or as a
    one-time ``location`` URL when it is longer than the request's ``embeddedLengthMax``."""
    gone = ManifestAnswer(404, {"error": "not found"})
    link = _find(session, secret)
    if link is None or not link.jwe_key:
        return gone
    if link_status(load_facts_from_row(link), now) != "active":
        return gone
    if not isinstance(body, dict):
        return ManifestAnswer(400, {"error": "invalid request"})
    recipient = body.get("recipient")
    try:
        label = v.clean_text(recipient, field="recipient", max_len=RECIPIENT_MAX, multiline=False)
    except ValidationError:
        label = None
    if not label:
        return ManifestAnswer(400, {"error": "recipient required"})
    try:
        embedded_max = _parse_embedded_max(body.get("embeddedLengthMax"))
    except ValidationError:
        return ManifestAnswer(400, {"error": "invalid embeddedLengthMax"})
    passcode_ok = False
    if link.passcode_hash is not None:
        result = check_passcode(session, link.id, body.get("passcode"), now=now)
        if not result.ok:
            if result.status != "active":
                return gone
            return ManifestAnswer(401, {"remainingAttempts": result.remaining_attempts})
        passcode_ok = True
    try:
        summary = open_summary(session, link.id, passcode_ok, now=now, opener_label=label)
    except NotFound:
        return gone
    facts = load_profile_facts(session, link.profile_id)
    extras = ips.load_extras(session, _actor(session, link.id, passcode_ok), facts, now=now) if facts else None
    bundle = fhir_ips.summary_to_bundle(summary, bundle_id=str(uuid.uuid4()), lang=lang,
                                        author=link_author(session, link), extras=extras)
    token = shl.encrypt(json.dumps(bundle, ensure_ascii=False).encode("utf-8"), link.jwe_key)
    file: dict = {"contentType": shl.FHIR_JSON}
    if embedded_max is not None and len(token) > embedded_max:
        file["location"] = _new_location(session, link, token, label, now=now)
    else:
        file["embedded"] = token
    file.update({"lastUpdated": now.isoformat(), "status": "finalized", "fhirVersion": "4.0.1"})
    return ManifestAnswer(200, {"files": [file]})


def link_author(session: Session, link: models.ShareLink) -> fhir_ips.Author | None:
    """Who made the link's summary: the patient (None) or the guardian who created the link."""
    return ips.summary_author(session, link.created_by_user_id, link.profile_id)


def _parse_embedded_max(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError("error.invalid_number", field="embeddedLengthMax")
    return value


# --------------------------------------------------------------------------- one-time file locations
#
# A file longer than the viewer's ``embeddedLengthMax`` is given as a ``location`` URL:
# ``GET /api/shl-files/<token>`` (spec: no extra authentication, lifetime at most one hour,
# may be single use). The token is 32 random bytes; only its SHA-256 is stored, with the
# JWE made at manifest time (encrypted under the link's key). The first GET takes it (one
# atomic UPDATE), wipes the stored JWE and is recorded; every later GET is 404, as is a GET
# after the location expired or the link was revoked.

LOCATION_PATH = "/api/shl-files/"
LOCATION_MINUTES = 5


def location_url(origin: str, token: str) -> str:
    return f"{origin.rstrip('/')}{LOCATION_PATH}{token}"


def _new_location(session: Session, link: models.ShareLink, token: str, recipient: str, *, now: datetime) -> str:
    from mes_app.settings import settings

    table = table_of(models.ShlFileLocation)
    session.execute(sa.delete(table).where(sa.or_(table.c.expires_at < now, table.c.used_at.is_not(None))))
    secret = new_link_secret()
    session.add(models.ShlFileLocation(share_link_id=link.id, token_hash=hash_new_link_secret(secret),
                                       recipient=recipient[:RECIPIENT_MAX], jwe=token, created_at=now,
                                       expires_at=now + timedelta(minutes=LOCATION_MINUTES)))
    session.commit()
    return location_url(settings.app_origin, secret)


def take_location(session: Session, secret: object, *, now: datetime) -> str | None:
    """The JWE behind a location token, once; None (404) for anything else."""
    token_hash = hash_link_secret(secret)
    if token_hash is None:
        return None
    row = session.exec(select(models.ShlFileLocation).where(models.ShlFileLocation.token_hash == token_hash)).first()
    if row is None or row.used_at is not None or row.expires_at <= now or not row.jwe:
        return None
    link = session.get(models.ShareLink, row.share_link_id)
    if link is None or link_status(load_facts_from_row(link), now) != "active":
        return None
    jwe, recipient, link_id, profile_id = row.jwe, row.recipient, link.id, link.profile_id
    table = table_of(models.ShlFileLocation)
    taken = session.exec(  # single use, also against parallel requests
        sa.update(table).where(table.c.id == row.id, table.c.used_at.is_(None)).values(used_at=now, jwe=None)
    ).rowcount
    if taken != 1:
        session.rollback()
        return None
    record_access(session, actor_user_id=None, profile_id=profile_id, action="download",
                  target_kind="shl_file", via="share_link", grant_id=link_id, actor_label=recipient or None,
                  now=now)
    _touch(session, link_id, now)
    session.commit()
    return jwe
