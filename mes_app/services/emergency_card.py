"""The emergency card (issue 6, part 4): a minimal dataset reachable by QR code, without an
account, in an emergency.

The patient (or a guardian) chooses what goes on the card: allergies, current treatments,
current conditions (read from the record through :mod:`mes_app.services.summary`) and four
free-text fields (blood group, advance directives, organ-donation stance, emergency contacts /
"personne de confiance"), stored in ``EmergencyCard`` (one row per profile). The card's link
is a ``ShareLink`` with purpose "emergency" whose ``sections`` are the chosen record sections
plus identity: the access policy itself keeps everything else out (measures, vaccinations,
documents, unchosen sections). At most one such link is active per profile; turning the card
off revokes it; turning it on again makes a new secret (the printed card stops working).

The secret is random (256 bits), only its hash is stored, so the QR code is shown once, when
the card is turned on (the patient prints it then, or renews it later).

Opening ``/urgence?k=<secret>``: unknown secret -> "not_found", revoked -> "off", nothing else;
otherwise the opener gives a name and a role (required, <= 100 characters each), and the
opening is recorded in the access history (``via="emergency"``, label "<name> (<role>)").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from mes_app.db import models, table_of
from mes_app.domain import validation as v
from mes_app.domain.access import (
    Action,
    LinkActor,
    Section,
    Target,
    UserActor,
    format_sections,
    link_status,
    parse_sections,
)
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.link_tokens import hash_link_secret, hash_new_link_secret, new_link_secret
from mes_app.services import notifications
from mes_app.services.access_facts import authorize, load_link_facts
from mes_app.services.summary import build_link_summary

PURPOSE = "emergency"
# What may go on the card from the record, in the order of the form.
CARD_SECTIONS: tuple[Section, ...] = (Section.RISK_FACTORS, Section.TREATMENTS, Section.CONDITIONS)
TEXT_FIELDS: tuple[str, ...] = ("blood_group", "advance_directives", "organ_donation", "emergency_contacts")
TEXT_MAX = 500
OPENER_MAX = 100
LABEL_MAX = 120  # AccessEvent.actor_label
# A card does not expire by itself; the link needs an end date: ten years.
CARD_LIFETIME = timedelta(days=3650)


@dataclass(frozen=True)
class CardView:
    exists: bool
    sections: list[str]  # chosen record sections (values of CARD_SECTIONS)
    blood_group: str
    advance_directives: str
    organ_donation: str
    emergency_contacts: str
    active: bool
    active_since: str  # ISO local date or ""
    last_opened: str  # ISO local date or ""


@dataclass(frozen=True)
class TurnedOn:
    """Shown once, to the patient: the secret is not stored anywhere."""

    view: CardView
    secret: str


@dataclass(frozen=True)
class Opening:
    status: str  # not_found | off | active
    link_id: int | None = None


@dataclass(frozen=True)
class Item:
    title: str
    detail: str  # reaction, dosage
    severity: str = ""  # allergies: mild | moderate | severe | "" (unknown)


@dataclass(frozen=True)
class EmergencyView:
    """What the opener sees: ``None`` for a part not on the card."""

    given_name: str
    family_name: str
    birth_date: str  # ISO
    allergies: tuple[Item, ...] | None
    treatments: tuple[Item, ...] | None
    conditions: tuple[Item, ...] | None
    blood_group: str | None
    advance_directives: str | None
    organ_donation: str | None
    emergency_contacts: str | None


# --------------------------------------------------------------------------- the patient's side


def _authorize(session: Session, actor: UserActor, pid: int, now: datetime) -> None:
    authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind="emergency_card")


def _card(session: Session, pid: int) -> models.EmergencyCard | None:
    return session.exec(select(models.EmergencyCard).where(models.EmergencyCard.profile_id == pid)).first()


def _active_links(session: Session, pid: int) -> list[models.ShareLink]:
    return list(session.exec(select(models.ShareLink).where(
        models.ShareLink.profile_id == pid, models.ShareLink.purpose == PURPOSE,
        col(models.ShareLink.revoked_at).is_(None))).all())


def _link_sections(chosen: frozenset[Section]) -> str:
    return format_sections({Section.PROFILE, *chosen})


def _chosen(card: models.EmergencyCard | None) -> frozenset[Section]:
    if card is None:
        return frozenset()
    return frozenset(s for s in parse_sections(card.sections) if s in CARD_SECTIONS)


def _is_live(session: Session, link: models.ShareLink, now: datetime) -> bool:
    facts = load_link_facts(session, link.id)
    return facts is not None and link_status(facts, now) == "active"


def _view(session: Session, pid: int, now: datetime) -> CardView:
    card = _card(session, pid)
    live = [link for link in _active_links(session, pid) if _is_live(session, link, now)]
    link = max(live, key=lambda r: (r.created_at, r.id)) if live else None
    chosen = _chosen(card)
    return CardView(
        exists=card is not None,
        sections=[s.value for s in CARD_SECTIONS if s in chosen],
        blood_group=card.blood_group if card else "",
        advance_directives=card.advance_directives if card else "",
        organ_donation=card.organ_donation if card else "",
        emergency_contacts=card.emergency_contacts if card else "",
        active=link is not None,
        active_since=local_date(link.created_at).isoformat() if link else "",
        last_opened=local_date(link.last_opened_at).isoformat() if link and link.last_opened_at else "",
    )


def parse_card_sections(values: object) -> frozenset[Section]:
    """The record sections ticked in the form (a list of names; none is fine)."""
    if not isinstance(values, (list, tuple)) or len(values) > 10:
        raise ValidationError("error.invalid_choice", field="sections")
    allowed = {s.value for s in CARD_SECTIONS}
    return frozenset(Section(v.parse_choice(value, allowed, field="sections")) for value in values)


def get_card(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> CardView:
    pid = v.parse_id(profile_id)
    _authorize(session, actor, pid, now)
    return _view(session, pid, now)


def save_card(
    session: Session, actor: UserActor, profile_id: object, *, sections: object, blood_group: object = None,
    advance_directives: object = None, organ_donation: object = None, emergency_contacts: object = None,
    now: datetime,
) -> CardView:
    """Store what goes on the card; an active card shows the new content at once."""
    pid = v.parse_id(profile_id)
    chosen = parse_card_sections(sections)
    texts = {
        "blood_group": v.clean_text(blood_group, field="blood_group", max_len=TEXT_MAX, multiline=False) or "",
        "advance_directives": v.clean_text(advance_directives, field="advance_directives", max_len=TEXT_MAX) or "",
        "organ_donation": v.clean_text(organ_donation, field="organ_donation", max_len=TEXT_MAX) or "",
        "emergency_contacts": v.clean_text(emergency_contacts, field="emergency_contacts", max_len=TEXT_MAX) or "",
    }
    _authorize(session, actor, pid, now)
    card = _card(session, pid) or models.EmergencyCard(profile_id=pid)
    card.sections = format_sections(chosen)
    for name, value in texts.items():
        setattr(card, name, value)
    card.updated_by_user_id, card.updated_at = actor.user_id, now
    session.add(card)
    for link in _active_links(session, pid):
        link.sections = _link_sections(chosen)
        session.add(link)
    session.commit()
    return _view(session, pid, now)


def turn_on(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> TurnedOn:
    """A new secret for the card (any previous one is revoked: one active card per profile)."""
    pid = v.parse_id(profile_id)
    _authorize(session, actor, pid, now)
    card = _card(session, pid)
    if card is None:
        raise ValidationError("error.emergency_save_first")
    for link in _active_links(session, pid):
        link.revoked_at = now
        session.add(link)
    secret = new_link_secret()
    session.add(models.ShareLink(
        profile_id=pid, token_hash=hash_new_link_secret(secret), label="", purpose=PURPOSE,
        sections=_link_sections(_chosen(card)), created_by_user_id=actor.user_id, created_at=now,
        expires_at=now + CARD_LIFETIME, max_passcode_attempts=0,
    ))
    session.commit()
    return TurnedOn(_view(session, pid, now), secret)


def turn_off(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> CardView:
    """Revoke the card's link: the very next opening shows nothing."""
    pid = v.parse_id(profile_id)
    _authorize(session, actor, pid, now)
    for link in _active_links(session, pid):
        link.revoked_at = now
        session.add(link)
    session.commit()
    return _view(session, pid, now)


def card_url(origin: str, secret: str) -> str:
    return f"{origin.rstrip('/')}/urgence?k={secret}"


# --------------------------------------------------------------------------- the opener's side


def resolve(session: Session, secret: object, *, now: datetime) -> Opening:
    """One indexed select on the hash; an unknown secret costs nothing more."""
    token_hash = hash_link_secret(secret)
    if token_hash is None:
        return Opening("not_found")
    link = session.exec(select(models.ShareLink).where(models.ShareLink.token_hash == token_hash)).first()
    if link is None or link.purpose != PURPOSE:
        return Opening("not_found")
    if not _is_live(session, link, now):
        return Opening("off")
    return Opening("active", link.id)


def opener_label(name: object, role: object) -> str:
    """"<name> (<role>)", both required, <= 100 characters each."""
    who = v.clean_text(name, field="opener_name", max_len=OPENER_MAX, multiline=False, required=True)
    what = v.clean_text(role, field="opener_role", max_len=OPENER_MAX, multiline=False, required=True)
    label = f"{who} ({what})"
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def open_card(session: Session, link_id: object, *, name: object, role: object, now: datetime) -> EmergencyView:
    """The chosen fields and nothing else (NotFound once the card is off); recorded."""
    label = opener_label(name, role)
    if not isinstance(link_id, int) or isinstance(link_id, bool):
        raise NotFound()
    link = session.get(models.ShareLink, link_id)
    facts = load_link_facts(session, link_id)
    if link is None or facts is None or link.purpose != PURPOSE:
        raise NotFound()
    card = _card(session, link.profile_id)
    if card is None:
        raise NotFound()
    summary = build_link_summary(session, LinkActor(facts, passcode_ok=False), now=now, opener_label=label,
                                 via="emergency")
    chosen = _chosen(card)
    if summary.identity is None:
        raise NotFound()
    links = table_of(models.ShareLink)
    session.execute(sa.update(links).where(links.c.id == link.id).values(last_opened_at=now))
    # the household is told (at most once a day per card): "something new", never who opened it
    notifications.notify(session, link.profile_id, notifications.Kind.EMERGENCY,
                         notifications.event_key(link.id, local_date(now).isoformat()), now)
    session.commit()

    def part(section: Section, rows):  # noqa: ANN001, ANN202
        return tuple(rows) if section in chosen and section in facts.sections else None

    def text(value: str) -> str | None:
        return value or None

    return EmergencyView(
        given_name=summary.identity.given_name,
        family_name=summary.identity.family_name,
        birth_date=summary.identity.birth_date,
        allergies=part(Section.RISK_FACTORS, (Item(a.substance.text, a.reaction, "" if a.severity == "unknown"
                                                   else a.severity) for a in summary.allergies or ())),
        treatments=part(Section.TREATMENTS, (Item(t.medication.text, t.dosage) for t in summary.treatments or ())),
        conditions=part(Section.CONDITIONS, (Item(p.condition.text, "") for p in summary.problems or ())),
        blood_group=text(card.blood_group),
        advance_directives=text(card.advance_directives),
        organ_donation=text(card.organ_donation),
        emergency_contacts=text(card.emergency_contacts),
    )


# --------------------------------------------------------------------------- notices


@dataclass(frozen=True)
class CardOpening:
    id: int
    profile_id: int
    label: str
    occurred_at: datetime


def recent_openings(session: Session, profile_ids: list[int], *, since: datetime,
                    dismissed_by: int | None = None) -> list[CardOpening]:
    """Openings of these profiles' cards since ``since`` (the caller checked it manages them),
    newest first; ``dismissed_by``: a user id, whose dismissed notices are left out (in the
    same statement)."""
    if not profile_ids:
        return []
    rows = session.execute(_OPENINGS, {"ids": profile_ids, "since": since, "uid": dismissed_by}).all()
    return [CardOpening(r.id, r.profile_id, r.actor_label or "", r.occurred_at) for r in rows]


def _build_openings() -> sa.Select:
    """Built once (it runs on every home load): only the columns a notice shows."""
    e = models.AccessEvent
    dismissed = sa.exists().where(col(models.NoticeDismissal.access_event_id) == e.id,
                                  col(models.NoticeDismissal.user_id) == sa.bindparam("uid"))
    return (
        sa.select(col(e.id), col(e.profile_id), col(e.actor_label), col(e.occurred_at))
        .where(col(e.profile_id).in_(sa.bindparam("ids", expanding=True)), col(e.via) == PURPOSE,
               col(e.action) == "read", col(e.occurred_at) >= sa.bindparam("since"), ~dismissed)
        .order_by(col(e.occurred_at).desc(), col(e.id).desc())
        .limit(50)
    )


_OPENINGS = _build_openings()
