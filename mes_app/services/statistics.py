"""Aggregate, anonymous statistics of the service for its operators (issue 15 item 1).

Only counts, never a row: a few aggregate queries (``COUNT`` / ``SUM(CASE ...)`` with
``GROUP BY``), whatever the size of the population. Periods are compared as UTC instants
computed by :mod:`mes_app.domain.statistics` (Paris-time weeks and months), so no dialect's
date truncation is needed: the same SQL runs on SQLite and PostgreSQL.

Counts are returned raw in the dataclasses; every reader shows them through
:func:`mes_app.domain.statistics.suppress` (the page, the CSV, the command line), and the shares
here are already computed with the rule (None when a count behind them is small).

:func:`snapshot` and :func:`series` are the operators' use cases (gated by
:func:`mes_app.services.operators.operator_account`); :func:`compute_snapshot` and
:func:`compute_series` are the same without the gate, for the command line only (it runs as the
administrator of the machine).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from mes_app.db import models
from mes_app.domain import statistics as st
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services.operators import operator_account

PATIENT_AUTHORS = ("patient", "guardian")


@dataclass(frozen=True)
class Snapshot:
    """The figures now. Raw counts: show them through ``st.suppress``; shares are suppressed."""

    accounts_created: int
    accounts_activated: int
    accounts_engaged: int
    engaged_share: float | None  # % of activated accounts
    profiles: int
    children: int
    professionals_verified: int
    professionals_active: int
    professionals_active_share: float | None  # % of verified professionals
    documents_by_professionals: int
    documents_by_patients: int
    share_links_in_use: int
    emergency_cards_in_use: int
    engaged_days: int


@dataclass(frozen=True)
class PeriodCounts:
    """What happened in one week or month. Raw counts, to show through ``st.suppress``."""

    label: str
    accounts_created: int
    accounts_activated: int
    children: int
    documents_by_professionals: int
    documents_by_patients: int
    share_links_created: int


@dataclass(frozen=True)
class Series:
    period: str  # week | month
    rows: tuple[PeriodCounts, ...]


SERIES_METRICS: tuple[str, ...] = (
    "accounts_created",
    "accounts_activated",
    "children",
    "documents_by_professionals",
    "documents_by_patients",
    "share_links_created",
)
SNAPSHOT_METRICS: tuple[str, ...] = (
    "accounts_created",
    "accounts_activated",
    "accounts_engaged",
    "profiles",
    "children",
    "professionals_verified",
    "professionals_active",
    "documents_by_professionals",
    "documents_by_patients",
    "share_links_in_use",
    "emergency_cards_in_use",
)


def _gate(session: Session, operator_id: int | None) -> None:
    if operator_account(session, operator_id) is None:
        raise NotFound("operator")


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC)


def _int(value: Any) -> int:
    return int(value or 0)  # SUM over no rows is NULL


def _sum(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _engaged(user_id: Any, since: datetime) -> sa.ColumnElement[bool]:
    """An action since ``since``: a session opened or used, or an access recorded in its name."""
    session_used = sa.exists().where(
        col(models.AuthSession.user_id) == user_id,
        sa.or_(col(models.AuthSession.last_seen_at) >= since, col(models.AuthSession.created_at) >= since),
    )
    accessed = sa.exists().where(
        col(models.AccessEvent.actor_user_id) == user_id, col(models.AccessEvent.occurred_at) >= since
    )
    return sa.or_(session_used, accessed)


def _accounts(session: Session, now: datetime) -> dict[str, tuple[int, ...]]:
    """Per role: (created, activated, engaged, verified, verified and engaged). One query."""
    user = models.User
    activated = col(user.activated_at).is_not(None)
    engaged = sa.and_(activated, _engaged(col(user.id), st.engaged_since(now)))
    verified = sa.and_(activated, col(user.professional_status) == "verified")
    query = sa.select(
        col(user.role),
        sa.func.count(),
        _sum(activated),
        _sum(engaged),
        _sum(verified),
        _sum(sa.and_(verified, engaged)),
    ).group_by(col(user.role))
    return {role: tuple(_int(v) for v in counts) for role, *counts in session.execute(query)}


def _in_use(session: Session, now: datetime) -> dict[str, int]:
    """Share links not revoked and not expired, per purpose (an emergency card is a link with
    purpose "emergency"). One query."""
    link = models.ShareLink
    query = (
        sa.select(col(link.purpose), sa.func.count())
        .where(col(link.revoked_at).is_(None), col(link.expires_at) > now)
        .group_by(col(link.purpose))
    )
    return {purpose: _int(n) for purpose, n in session.execute(query)}


def _documents(session: Session, periods: list[st.Period] | None = None) -> dict[str, tuple[int, ...]]:
    """Documents not deleted, per author role: the total, then one count per period. One query."""
    doc = models.Document
    columns = [sa.func.count()] + [_within(col(doc.created_at), p) for p in periods or ()]
    query = (
        sa.select(col(doc.author_role), *columns).where(col(doc.deleted_at).is_(None)).group_by(col(doc.author_role))
    )
    return {role: tuple(_int(v) for v in counts) for role, *counts in session.execute(query)}


def _by_author(counts: dict[str, tuple[int, ...]], index: int) -> tuple[int, int]:
    professional = counts.get("professional", (0,) * (index + 1))[index]
    patients = sum(counts.get(role, (0,) * (index + 1))[index] for role in PATIENT_AUTHORS)
    return professional, patients


def _within(column: Any, period: st.Period) -> sa.ColumnElement[int]:
    return _sum(sa.and_(column >= _utc(period.start), column < _utc(period.end)))


def compute_snapshot(session: Session, now: datetime) -> Snapshot:
    """The figures now, without the operator gate: for the command line only."""
    now = _utc(now)
    accounts = _accounts(session, now)
    patients = accounts.get("patient", (0, 0, 0, 0, 0))
    pros = accounts.get("professional", (0, 0, 0, 0, 0))
    query = sa.select(col(models.Profile.kind), sa.func.count()).group_by(col(models.Profile.kind))
    profiles: dict[str, int] = {kind: _int(n) for kind, n in session.execute(query)}
    in_use = _in_use(session, now)
    doc_pro, doc_patient = _by_author(_documents(session), 0)
    return Snapshot(
        accounts_created=patients[0],
        accounts_activated=patients[1],
        accounts_engaged=patients[2],
        engaged_share=st.share(patients[2], patients[1]),
        profiles=sum(profiles.values()),
        children=_int(profiles.get("child")),
        professionals_verified=pros[3],
        professionals_active=pros[4],
        professionals_active_share=st.share(pros[4], pros[3]),
        documents_by_professionals=doc_pro,
        documents_by_patients=doc_patient,
        share_links_in_use=sum(n for purpose, n in in_use.items() if purpose != "emergency"),
        emergency_cards_in_use=in_use.get("emergency", 0),
        engaged_days=st.ENGAGED_DAYS,
    )


def _check_period(period: object, count: object) -> tuple[str, int]:
    if not isinstance(period, str) or period not in st.PERIOD_KINDS:
        raise ValidationError("error.stats_period")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= st.MAX_PERIODS:
        raise ValidationError("error.stats_period")
    return period, count


def compute_series(session: Session, period: str, count: int, now: datetime) -> Series:
    """Per period counts, without the operator gate: for the command line only. Four queries."""
    period, count = _check_period(period, count)
    spans = st.periods(period, count, _utc(now))
    user, profile, link = models.User, models.Profile, models.ShareLink
    patient = col(user.role) == "patient"
    users = session.execute(
        sa.select(
            *[_within(col(user.created_at), p) for p in spans], *[_within(col(user.activated_at), p) for p in spans]
        ).where(patient)
    ).one()
    children = session.execute(
        sa.select(*[_within(col(profile.created_at), p) for p in spans]).where(col(profile.kind) == "child")
    ).one()
    links = session.execute(sa.select(*[_within(col(link.created_at), p) for p in spans])).one()
    docs = _documents(session, spans)
    rows = []
    for i, span in enumerate(spans):
        doc_pro, doc_patient = _by_author(docs, i + 1)
        rows.append(
            PeriodCounts(
                label=span.label,
                accounts_created=_int(users[i]),
                accounts_activated=_int(users[count + i]),
                children=_int(children[i]),
                documents_by_professionals=doc_pro,
                documents_by_patients=doc_patient,
                share_links_created=_int(links[i]),
            )
        )
    return Series(period=period, rows=tuple(rows))


def snapshot(session: Session, operator_id: int | None, now: datetime) -> Snapshot:
    """The figures now, for an operator; anyone else gets NotFound."""
    _gate(session, operator_id)
    return compute_snapshot(session, now)


def series(
    session: Session, operator_id: int | None, period: str = "week", count: int = 12, *, now: datetime
) -> Series:
    """Per week or month counts (the last ``count``, oldest first), for an operator; anyone else
    gets NotFound (before the arguments are looked at)."""
    _gate(session, operator_id)
    return compute_series(session, period, count, now)


def csv_rows(snap: Snapshot, timeline: Series) -> list[list[str]]:
    """The CSV of both, every count under 10 and every share over one shown as ``"< 10"``."""
    figures: list[tuple[str, str, int | None]] = [(name, "now", getattr(snap, name)) for name in SNAPSHOT_METRICS]
    for row in timeline.rows:
        figures += [(name, row.label, getattr(row, name)) for name in SERIES_METRICS]
    shares = [
        ("engaged_share_percent", "now", snap.engaged_share),
        ("professionals_active_share_percent", "now", snap.professionals_active_share),
    ]
    return st.csv_rows(figures, shares)
