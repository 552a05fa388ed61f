"""Operators' statistics: every figure counted right on a seeded population, small counts
hidden, strangers get NotFound, and a fixed number of queries whatever the population."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session

from mes_app.db.models import AuthSession, Document, EmergencyCard, Profile, ShareLink, User
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import statistics
from tests.factories import make_child, make_operator, make_owner, make_professional
from tests.services.test_query_counts import counted


def _session_row(user: User, *, last_seen: datetime | None, created: datetime) -> AuthSession:
    return AuthSession(user_id=user.id, token_hash=secrets.token_hex(32), created_at=created,
                       expires_at=created + timedelta(days=400), last_seen_at=last_seen)


def _document(profile: Profile, role: str, created: datetime, deleted: bool = False) -> Document:
    return Document(profile_id=profile.id, author_role=role, created_at=created, title="x",
                    document_date=date(2026, 1, 1),
                    storage_key=secrets.token_hex(20), sha256="0" * 64, size_bytes=1, mime_type="application/pdf",
                    deleted_at=created if deleted else None)


def _link(profile: Profile, user: User, now: datetime, *, purpose: str = "summary", revoked: bool = False,
          expired: bool = False) -> ShareLink:
    return ShareLink(profile_id=profile.id, token_hash=secrets.token_hex(32), purpose=purpose,
                     created_by_user_id=user.id,
                     expires_at=now - timedelta(hours=1) if expired else now + timedelta(days=3),
                     revoked_at=now - timedelta(days=1) if revoked else None)


@pytest.fixture()
def population(session: Session, now: datetime):  # noqa: ANN201
    """13 owners (12 activated, 10 of them engaged), 3 children, 11 verified professionals (10
    engaged) and 2 applied, one operator (not counted), documents, links and emergency cards."""
    owners = [make_owner(session, f"Owner{i}") for i in range(13)]
    owners[12].user.activated_at = None
    for i, owner in enumerate(owners):
        owner.user.created_at = now - timedelta(days=1 if i < 10 else 8)  # 10 this week, 3 the week before
        if i < 10:
            session.add(_session_row(owner.user, last_seen=now - timedelta(days=2), created=now - timedelta(days=90)))
    session.add(_session_row(owners[10].user, last_seen=now - timedelta(days=31), created=now - timedelta(days=90)))
    for name in ("Léa", "Tom", "Zoé"):
        make_child(session, owners[0], name)
    pros = [make_professional(session, f"Dr {i}") for i in range(11)]
    for pro in pros[:10]:  # a session opened this month, not seen since
        session.add(_session_row(pro.user, last_seen=None, created=now - timedelta(days=5)))
    for i in range(2):
        applied = make_professional(session, f"Dr Applied{i}", status="applied")
        session.add(_session_row(applied.user, last_seen=now, created=now))
    operator = make_operator(session)
    operator.user.created_at = now - timedelta(days=1)
    session.add(_session_row(operator.user, last_seen=now, created=now))
    home = owners[0].profile
    assert home is not None
    session.add_all([_document(home, "professional", now - timedelta(days=2)) for _ in range(10)])
    session.add_all([_document(home, "patient", now - timedelta(days=35)) for _ in range(9)])
    session.add_all([_document(home, "guardian", now - timedelta(days=35)) for _ in range(3)])
    session.add(_document(home, "patient", now - timedelta(days=35), deleted=True))
    session.add_all([_link(home, owners[0].user, now) for _ in range(10)])
    session.add_all([_link(home, owners[0].user, now, revoked=True), _link(home, owners[0].user, now, expired=True)])
    for i, owner in enumerate(owners[:11]):
        assert owner.profile is not None
        session.add(EmergencyCard(profile_id=owner.profile.id))
        session.add(_link(owner.profile, owner.user, now, purpose="emergency", revoked=i == 10))
    session.add_all([o.user for o in owners] + [operator.user])
    session.commit()
    return operator


def test_every_figure_on_the_seeded_population(session, now, population) -> None:  # noqa: ANN001
    snap = statistics.snapshot(session, population.user.id, now)
    assert snap.accounts_created == 26  # 13 owners, 13 professionals; not the operator
    assert snap.accounts_activated == 25
    assert snap.accounts_engaged == 22  # 10 owners, 10 verified and 2 applied professionals
    assert snap.engaged_share == pytest.approx(22 / 25)
    assert snap.engaged_definition == "stats.engaged_definition"
    assert snap.children is None  # 3: hidden
    assert snap.professionals_verified == 11
    assert snap.professionals_active == 10
    assert snap.documents_by_professionals == 10
    assert snap.documents_by_patients == 12  # patients and guardians; the deleted one not counted
    assert snap.share_links_in_use == 10  # not the revoked, the expired, nor the emergency links
    assert snap.emergency_cards_in_use == 10  # not the card whose link is revoked


def test_a_share_over_a_hidden_count_is_hidden(session, now) -> None:  # noqa: ANN001
    operator = make_operator(session)
    for i in range(12):
        owner = make_owner(session, f"Owner{i}")
        if i < 5:
            session.add(_session_row(owner.user, last_seen=now, created=now))
    session.commit()
    snap = statistics.snapshot(session, operator.user.id, now)
    assert snap.accounts_activated == 12
    assert snap.accounts_engaged is None and snap.engaged_share is None
    assert snap.professionals_verified is None and snap.documents_by_patients is None


def test_series_per_week_and_month(session, now, population) -> None:  # noqa: ANN001
    weeks = statistics.series(session, population.user.id, "week", now)
    assert len(weeks) == 12 and weeks[-1].start == date(2026, 11, 23) and weeks[0].start == date(2026, 9, 7)
    assert (weeks[-1].accounts_created, weeks[-1].documents_deposited) == (10, 10)
    assert weeks[-2].accounts_created is None  # 3 that week
    by_start = {w.start: w for w in weeks}
    assert by_start[date(2026, 10, 19)].documents_deposited == 12
    months = statistics.series(session, population.user.id, "month", now, count=3)
    assert [m.start for m in months] == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert [(m.accounts_created, m.documents_deposited) for m in months] == [(None, None), (None, 12), (13, 10)]


def test_only_operators_see_statistics(session, now, population) -> None:  # noqa: ANN001
    owner = make_owner(session, "Mallory")
    pro = make_professional(session, "Dr Who")
    for who in (owner.user.id, pro.user.id, None, 10**9, True, "1"):
        with pytest.raises(NotFound):
            statistics.snapshot(session, who, now)  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            statistics.series(session, who, "week", now)  # type: ignore[arg-type]


def test_period_is_validated(session, now, population) -> None:  # noqa: ANN001
    for period in ("year", "", "WEEK"):
        with pytest.raises(ValidationError):
            statistics.series(session, population.user.id, period, now)


def test_a_fixed_number_of_queries(engine, session, now, population) -> None:  # noqa: ANN001
    session.expire_all()
    with counted(engine) as statements:
        statistics.snapshot(session, population.user.id, now)
    assert len(statements) <= 6
    with counted(engine) as statements:
        statistics.series(session, population.user.id, "month", now)
    assert len(statements) <= 3


def test_the_engaged_definition_is_a_text_in_both_languages() -> None:
    from mes_app import i18n

    fr, en = i18n.TEXTS[statistics.st.ENGAGED_DEFINITION]
    assert "30" in fr and "30" in en
