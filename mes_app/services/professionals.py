"""Professionals who join (issue 15 item 1): an account applies, an operator decides.

The lifecycle of ``User.professional_status``::

    "" or refused --apply--> applied --verify--> verified <--suspend / reactivate--> suspended
                                     --refuse--> refused

Only a *verified* professional can be found for a care team
(:func:`mes_app.services.care_team.find_professional`) or act as one (the access facts give
a care relationship of anyone else nothing). Every operator decision goes through the one
gate :func:`mes_app.services.operators.operator_account` (anyone else: *not found*) and is
recorded in the operator actions log in the same transaction. The console's views hold
account fields only (name, e-mail, profession, RPPS, workplace): never a profile or a record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from mes_app.db.models import OperatorAction, User
from mes_app.domain import validation as v
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.rpps import parse_profession, parse_rpps
from mes_app.services import operator_log
from mes_app.services.accounts import revoke_all_sessions
from mes_app.services.operators import OPERATOR_ROLE, operator_account

PROFESSIONAL_ROLE = "professional"
STATUSES = ("applied", "verified", "refused", "suspended")
NAME_MAX = 120
WORKPLACE_MAX = 200

# decision -> (the status it starts from, the status it leads to)
TRANSITIONS: dict[str, tuple[str, str]] = {
    "professional_verify": ("applied", "verified"),
    "professional_refuse": ("applied", "refused"),
    "professional_suspend": ("verified", "suspended"),
    "professional_reactivate": ("suspended", "verified"),
}


@dataclass(frozen=True)
class Application:
    """What an account sees of its own application (the page /professional/apply)."""

    status: str  # "" (never applied) | applied | verified | refused | suspended
    display_name: str
    profession: str
    rpps: str
    workplace: str
    may_apply: bool  # the form is offered: never applied, or refused; not an operator


@dataclass(frozen=True)
class ProfessionalView:
    """One line of the console: account fields only, never health data."""

    id: int  # the account's id
    name: str
    email: str
    profession: str  # a code of mes_app.domain.rpps.PROFESSIONS
    rpps: str
    workplace: str
    status: str
    decided_on: str  # ISO date of the last operator decision on this account, "" if none yet


def _account(session: Session, user_id: object) -> User:
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise NotFound()
    user = session.get(User, user_id)
    if user is None or user.activated_at is None:
        raise NotFound()
    return user


def application_of(session: Session, user_id: object) -> Application:
    """The account's own application as it stands (status "" when it never applied)."""
    user = _account(session, user_id)
    return Application(status=user.professional_status or "", display_name=user.display_name,
                       profession=user.profession or "", rpps=user.professional_id or "",
                       workplace=user.workplace or "", may_apply=_may_apply(user))


def _may_apply(user: User) -> bool:
    return user.role not in (OPERATOR_ROLE, PROFESSIONAL_ROLE) and user.professional_status in ("", "refused")


def apply(session: Session, user_id: object, form: Mapping[str, object], now: datetime) -> Application:
    """Apply to join as a health professional (again, after a refusal).

    An operator cannot apply, nor an account that already applied or is a professional
    (``error.pro_cannot_apply``); an RPPS number another account holds is refused
    (``error.rpps_taken``). The account keeps its role until an operator verifies it.
    """
    del now  # the schema keeps no application date; the decisions are dated in the log
    user = _account(session, user_id)
    if not _may_apply(user):
        raise ValidationError("error.pro_cannot_apply")
    if not isinstance(form, Mapping):
        raise ValidationError("error.required", field="form")
    name = v.clean_text(form.get("display_name"), field="display_name", max_len=NAME_MAX, required=True,
                        multiline=False)
    profession = parse_profession(form.get("profession"))
    rpps = parse_rpps(form.get("rpps"))
    workplace = v.clean_text(form.get("workplace"), field="workplace", max_len=WORKPLACE_MAX, required=True,
                             multiline=False)
    taken = session.exec(select(User.id).where(User.professional_id == rpps, User.id != user.id)).first()
    if taken is not None:
        raise ValidationError("error.rpps_taken", field="rpps")
    user.display_name, user.profession, user.professional_id, user.workplace = name, profession, rpps, workplace
    user.professional_status = "applied"
    session.add(user)
    session.commit()
    return application_of(session, user.id)


# --------------------------------------------------------------------------- the console


def _decided_on(session: Session, user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = session.exec(
        select(OperatorAction.target_user_id, func.max(OperatorAction.occurred_at))
        .where(col(OperatorAction.target_user_id).in_(user_ids),
               col(OperatorAction.action).in_(tuple(TRANSITIONS)))
        .group_by(col(OperatorAction.target_user_id))
    ).all()
    return {uid: local_date(when).isoformat() for uid, when in rows if uid is not None and when is not None}


def in_status(session: Session, statuses: tuple[str, ...]) -> list[ProfessionalView]:
    """The accounts in these statuses, oldest first. No gate: for the command line (the machine's
    administrator) and the gated functions below, never for a State."""
    users = session.exec(
        select(User).where(col(User.professional_status).in_(statuses)).order_by(col(User.id))
    ).all()
    decided = _decided_on(session, [u.id for u in users])
    return [
        ProfessionalView(id=u.id, name=u.display_name, email=u.email, profession=u.profession or "",
                         rpps=u.professional_id or "", workplace=u.workplace or "",
                         status=u.professional_status, decided_on=decided.get(u.id, ""))
        for u in users
    ]


def _require_operator(session: Session, operator_id: object) -> User:
    operator = operator_account(session, operator_id)  # type: ignore[arg-type]  # any value: the gate checks
    if operator is None:
        raise NotFound()
    return operator


def pending(session: Session, operator_id: object) -> list[ProfessionalView]:
    """Applications waiting for a decision, oldest first (operators only, else not found)."""
    _require_operator(session, operator_id)
    return in_status(session, ("applied",))


def listing(session: Session, operator_id: object, status: object) -> list[ProfessionalView]:
    """The accounts in one status (operators only, else not found)."""
    _require_operator(session, operator_id)
    return in_status(session, (v.parse_choice(status, STATUSES, field="status"),))


def decide(session: Session, operator_id: object, action: str, target: User, now: datetime) -> User:
    """Apply one decision to ``target`` and record it (``operator_id`` None: the command line,
    whose caller is the administrator of the machine). Commits."""
    start, end = TRANSITIONS[action]
    if target.role == OPERATOR_ROLE or target.professional_status != start:
        raise ValidationError("error.pro_wrong_status", status=target.professional_status or "none")
    target.professional_status = end
    if end == "verified":
        target.role = PROFESSIONAL_ROLE
    session.add(target)
    operator_log.record(session, operator_user_id=operator_id if isinstance(operator_id, int) else None,
                        action=action, target_user_id=target.id, now=now)
    session.commit()
    if action == "professional_suspend":  # out of every open session at once
        revoke_all_sessions(session, target.id, now=now)
    session.refresh(target)
    return target


def _decide_from_console(session: Session, operator_id: object, action: str, target_user_id: object,
                         now: datetime) -> ProfessionalView:
    operator = _require_operator(session, operator_id)
    target = session.get(User, v.parse_id(target_user_id))
    if target is None or target.professional_status not in STATUSES:
        raise NotFound()
    decide(session, operator.id, action, target, now)
    return next(p for p in in_status(session, (target.professional_status,)) if p.id == target.id)


def verify(session: Session, operator_id: object, target_user_id: object, now: datetime) -> ProfessionalView:
    """applied → verified: the account becomes a professional a patient can add to a care team."""
    return _decide_from_console(session, operator_id, "professional_verify", target_user_id, now)


def refuse(session: Session, operator_id: object, target_user_id: object, now: datetime) -> ProfessionalView:
    """applied → refused (the account may apply again, e.g. with its RPPS number corrected)."""
    return _decide_from_console(session, operator_id, "professional_refuse", target_user_id, now)


def suspend(session: Session, operator_id: object, target_user_id: object, now: datetime) -> ProfessionalView:
    """verified → suspended: shut out of every care team at once, and out of its open sessions."""
    return _decide_from_console(session, operator_id, "professional_suspend", target_user_id, now)


def reactivate(session: Session, operator_id: object, target_user_id: object, now: datetime) -> ProfessionalView:
    """suspended → verified: the care teams that still hold the professional open again."""
    return _decide_from_console(session, operator_id, "professional_reactivate", target_user_id, now)


def by_email(session: Session, email: object) -> User:
    """The account with this e-mail, for the command line (not found otherwise)."""
    user = session.exec(select(User).where(User.email == v.parse_email(email))).first()
    if user is None:
        raise NotFound()
    return user
