"""The service's statistics for operators (issue 15 item 1): aggregate and anonymous counts,
as Mon Espace Santé reports them, never a row about one person.

Definitions (the figures the operator console and ``python -m mes_app stats`` show):

- accounts: every account except operators (deleted accounts are gone from the table);
- activated: ``activated_at`` set; engaged: activated, and at least one login session used
  (``AuthSession.last_seen_at`` or, never seen, ``created_at``) in the last 30 days before
  ``now`` (:data:`mes_app.domain.statistics.ENGAGED_DEFINITION` is the text key saying so);
- children: profiles of kind "child";
- professionals verified: role professional, status verified; active: verified and engaged;
- documents by professionals (``author_role`` "professional") or by patients and guardians
  (any other author role); deleted documents are not counted;
- share links in use: purpose other than "emergency", not revoked, not expired at ``now``;
  emergency cards in use: a card whose profile has an emergency link not revoked, not expired.

Every count under 10 is None (see :mod:`mes_app.domain.statistics`). Each figure is one
aggregate query; the series select only the timestamps inside the window and bucket them by
UTC date in Python, which works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from mes_app.db.models import AuthSession, Document, EmergencyCard, Profile, ShareLink, User
from mes_app.domain import statistics as st
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services.operators import OPERATOR_ROLE, operator_account


@dataclass(frozen=True)
class Snapshot:
    """The figures at ``now``, already suppressed (None: under 10, shown "< 10")."""

    accounts_created: int | None
    accounts_activated: int | None
    accounts_engaged: int | None
    engaged_share: float | None  # of activated accounts
    engaged_definition: str  # a text key
    children: int | None
    professionals_verified: int | None
    professionals_active: int | None
    documents_by_professionals: int | None
    documents_by_patients: int | None
    share_links_in_use: int | None
    emergency_cards_in_use: int | None

    def figures(self) -> list[st.Figure]:
        """(key, value) pairs in display order (the definition key is not a figure)."""
        return [(key, getattr(self, key)) for key in FIGURE_KEYS]


FIGURE_KEYS = (
    "accounts_created", "accounts_activated", "accounts_engaged", "engaged_share", "children",
    "professionals_verified", "professionals_active", "documents_by_professionals",
    "documents_by_patients", "share_links_in_use", "emergency_cards_in_use",
)


@dataclass(frozen=True)
class PeriodCount:
    """One week (starting Monday) or month, by UTC date: counts already suppressed."""

    period: str
    start: date
    accounts_created: int | None
    documents_deposited: int | None


def snapshot(session: Session, operator_id: int | None, now: datetime) -> Snapshot:
    """The statistics for an operator; anyone else gets NotFound."""
    _gate(session, operator_id)
    return compute_snapshot(session, now)


def series(session: Session, operator_id: int | None, period: str, now: datetime, count: int = 12
           ) -> list[PeriodCount]:
    """Accounts created and documents deposited per period, for an operator only."""
    _gate(session, operator_id)
    return compute_series(session, period, now, count)


def _gate(session: Session, operator_id: int | None) -> None:
    if operator_account(session, operator_id) is None:
        raise NotFound()


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.count(sa.case((condition, 1)))


def compute_snapshot(session: Session, now: datetime) -> Snapshot:
    """The figures, ungated (the command line, run by the administrator)."""
    since = now - timedelta(days=st.ENGAGED_DAYS)
    seen, opened = col(AuthSession.last_seen_at), col(AuthSession.created_at)
    used = sa.exists().where(
        col(AuthSession.user_id) == col(User.id),
        sa.or_(seen >= since, sa.and_(seen.is_(None), opened >= since)),
    )
    activated = col(User.activated_at).is_not(None)
    verified = sa.and_(col(User.role) == "professional", col(User.professional_status) == "verified")
    accounts = session.execute(
        sa.select(
            sa.func.count(), _count(activated), _count(sa.and_(activated, used)),
            _count(verified), _count(sa.and_(verified, activated, used)),
        ).select_from(User).where(col(User.role) != OPERATOR_ROLE)
    ).one()
    children = session.execute(
        sa.select(sa.func.count()).select_from(Profile).where(col(Profile.kind) == "child")
    ).scalar_one()
    by_pro = col(Document.author_role) == "professional"
    documents = session.execute(
        sa.select(_count(by_pro), _count(sa.not_(by_pro))).select_from(Document)
        .where(col(Document.deleted_at).is_(None))
    ).one()
    live = sa.and_(col(ShareLink.revoked_at).is_(None), col(ShareLink.expires_at) > now)
    emergency = col(ShareLink.purpose) == "emergency"
    links = session.execute(
        sa.select(sa.func.count()).select_from(ShareLink).where(live, sa.not_(emergency))
    ).scalar_one()
    cards = session.execute(
        sa.select(sa.func.count()).select_from(EmergencyCard).where(
            sa.exists().where(col(ShareLink.profile_id) == col(EmergencyCard.profile_id), emergency, live))
    ).scalar_one()
    created, activated_n, engaged, pros, pros_active = (st.suppress(n) for n in accounts)
    return Snapshot(
        accounts_created=created,
        accounts_activated=activated_n,
        accounts_engaged=engaged,
        engaged_share=st.share(engaged, activated_n),
        engaged_definition=st.ENGAGED_DEFINITION,
        children=st.suppress(children),
        professionals_verified=pros,
        professionals_active=st.suppress(pros_active),
        documents_by_professionals=st.suppress(documents[0]),
        documents_by_patients=st.suppress(documents[1]),
        share_links_in_use=st.suppress(links),
        emergency_cards_in_use=st.suppress(cards),
    )


def compute_series(session: Session, period: str, now: datetime, count: int = 12) -> list[PeriodCount]:
    """Accounts created and documents deposited in each of the last ``count`` periods, ungated."""
    if period not in st.PERIODS:
        raise ValidationError("error.invalid_choice")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 120:
        raise ValidationError("error.invalid_choice")
    starts = st.last_periods(now, period, count)
    first = datetime.combine(starts[0], datetime.min.time(), tzinfo=UTC)
    accounts = _dates(session, col(User.created_at), first, now, col(User.role) != OPERATOR_ROLE)
    documents = _dates(session, col(Document.created_at), first, now, col(Document.deleted_at).is_(None))
    account_counts = st.bucket(accounts, starts, period)
    document_counts = st.bucket(documents, starts, period)
    return [
        PeriodCount(period, start, st.suppress(a), st.suppress(d))
        for start, a, d in zip(starts, account_counts, document_counts, strict=True)
    ]


def _dates(session: Session, column, first: datetime, now: datetime, *where) -> list[tuple[date, int]]:  # noqa: ANN001
    """(UTC date, 1) for each row's timestamp in [first, now]: only the one column is read."""
    rows = session.execute(sa.select(column).where(column >= first, column <= now, *where))
    return [(st.utc_date(moment if moment.tzinfo else moment.replace(tzinfo=UTC)), 1) for (moment,) in rows]
