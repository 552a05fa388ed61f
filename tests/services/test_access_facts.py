"""The facts the policy decides on are read once per use case, and never outlive a write.

A use case is one database session: the profile switcher, the capability flags and the
service's own ``authorize`` share what was read. Anything that changes who may see a profile
(a grant revoked, a guardian leaving, a care relationship blocked) is seen by the very next
decision, in the same session, committed or not.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from mes_app.domain.access import Action, Section, Target
from mes_app.domain.errors import NotFound
from mes_app.services import capabilities, measures, profiles
from mes_app.services.access_facts import authorize, load_facts_of, load_profile_facts
from tests.factories import give_care, make_caregiver, make_child, make_owner, make_professional

FACT_TABLES = ("profile", "guardianship", "care_relationship", "caregiver_grant")


class Statements:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine, self.seen = engine, []

    def _listen(self, conn, cursor, statement, *args) -> None:  # noqa: ANN001, ANN002
        self.seen.append(statement)

    def __enter__(self) -> Statements:
        sa.event.listen(self.engine, "before_cursor_execute", self._listen)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._listen)

    def reading_facts(self) -> list[str]:
        return [s for s in self.seen if s.lstrip().upper().startswith("SELECT")
                and any(f" {t}" in s or f"{t}." in s for t in FACT_TABLES)]


@pytest.fixture()
def use_case(engine):  # noqa: ANN001
    """A fresh database session, as one event of a state opens."""
    with Session(engine, expire_on_commit=False) as db:
        yield db


def test_the_facts_of_all_profiles_take_one_query_whatever_their_number(session, engine, now):
    parent = make_owner(session)
    kids = [make_child(session, parent, f"Enfant{i}") for i in range(6)]
    make_caregiver(session, kids[0], ("vaccinations",))
    give_care(session, make_professional(session), kids[1])
    with Session(engine, expire_on_commit=False) as db, Statements(engine) as seen:
        facts = load_facts_of(db, [parent.profile.id, *(k.profile.id for k in kids), 10**9])
    assert len(seen.seen) == 1  # the profiles and their relations in one UNION ALL (two until 2026-12-07)
    assert facts[10**9] is None
    assert facts[kids[0].profile.id].caregivers and facts[kids[1].profile.id].care
    assert facts[kids[2].profile.id].guardian_user_ids == {parent.user.id}
    # The same facts as reading each profile alone.
    with Session(engine) as db:
        assert all(load_profile_facts(db, pid) == facts[pid] for pid in facts)


def test_switcher_capabilities_and_the_service_read_the_facts_once(session, engine, now):
    parent = make_owner(session)
    lea = make_child(session, parent)
    with Session(engine, expire_on_commit=False) as db, Statements(engine) as seen:
        views = profiles.accessible_profiles(db, parent.actor, now=now)
        before = len(seen.reading_facts())
        capabilities.capabilities(db, parent.actor, lea.profile.id, now=now)
        measures.latest_measures(db, parent.actor, lea.profile.id, now=now)
        after = len(seen.reading_facts())
    assert [v.id for v in views] == [parent.profile.id, lea.profile.id]
    assert before == 1, seen.seen  # the candidate profiles and all their facts in one query (two until 2026-12-07)
    assert after == before, [s[:300] for s in seen.reading_facts()]  # capabilities and authorize took them from there


def test_the_switcher_s_profiles_are_read_once_per_use_case_and_per_account(session, engine, now):
    """The shell, then the home's household (reminders, appointments) ask for the same list."""
    parent = make_owner(session)
    lea = make_child(session, parent)
    nanny = make_caregiver(session, lea, ("vaccinations",))
    with Session(engine, expire_on_commit=False) as db, Statements(engine) as seen:
        first = profiles.accessible_profiles(db, parent.actor, now=now)
        again = profiles.accessible_profiles(db, parent.actor, now=now)
        assert len(seen.seen) == 1 and first == again
        theirs = profiles.accessible_profiles(db, nanny.actor, now=now)  # another account: its own read
        assert len(seen.seen) == 2
    assert [v.id for v in first] == [parent.profile.id, lea.profile.id]
    assert [v.id for v in theirs] == [lea.profile.id]


def test_a_grant_revoked_in_the_same_use_case_leaves_the_switcher_at_once(session, engine, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    nanny = make_caregiver(session, lea, ("vaccinations",))
    with Session(engine, expire_on_commit=False) as db:
        assert [v.id for v in profiles.accessible_profiles(db, nanny.actor, now=now)] == [lea.profile.id]
        grant = db.get(type(nanny.grant), nanny.grant.id)
        grant.revoked_at = now - timedelta(minutes=1)
        db.add(grant)  # not flushed, not committed: the next list must already leave it out
        assert profiles.accessible_profiles(db, nanny.actor, now=now) == []
    with Session(engine, expire_on_commit=False) as db:  # a bulk revocation too
        grant = db.get(type(nanny.grant), nanny.grant.id)
        grant.revoked_at = None
        db.commit()
        assert [v.id for v in profiles.accessible_profiles(db, nanny.actor, now=now)] == [lea.profile.id]
        db.execute(sa.update(type(nanny.grant)).where(type(nanny.grant).id == nanny.grant.id)
                   .values(revoked_at=now - timedelta(minutes=1)))
        assert profiles.accessible_profiles(db, nanny.actor, now=now) == []


def test_a_grant_revoked_in_the_same_use_case_is_refused_at_once(session, engine, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    nanny = make_caregiver(session, lea, ("vaccinations",))
    with Session(engine, expire_on_commit=False) as db:
        assert [v.id for v in profiles.accessible_profiles(db, nanny.actor, now=now)] == [lea.profile.id]
        grant = db.get(type(nanny.grant), nanny.grant.id)
        grant.revoked_at = now - timedelta(minutes=1)
        db.add(grant)  # not flushed, not committed: the next decision must already see it
        with pytest.raises(NotFound):
            authorize(db, nanny.actor, Action.READ, lea.profile.id, Target(Section.VACCINATIONS), now=now)


@pytest.mark.parametrize("status", ["suspended", "applied", "refused"])
def test_a_professional_suspended_in_the_same_use_case_is_refused_at_once(session, engine, now, status):
    alice = make_owner(session)
    dr = make_professional(session)
    give_care(session, dr, alice, now)
    with Session(engine, expire_on_commit=False) as db:
        authorize(db, dr.actor, Action.READ, alice.profile.id, Target(Section.CONDITIONS), now=now)
        user = db.get(type(dr.user), dr.id)
        user.professional_status = status
        db.add(user)  # not flushed: the next decision must already see it
        with pytest.raises(NotFound):
            authorize(db, dr.actor, Action.READ, alice.profile.id, Target(Section.CONDITIONS), now=now)
    with Session(engine, expire_on_commit=False) as db:  # and the next use case too, once committed
        user = db.get(type(dr.user), dr.id)
        user.professional_status = status
        db.commit()
    with Session(engine, expire_on_commit=False) as db:
        assert profiles.accessible_profiles(db, dr.actor, now=now) == []
        with pytest.raises(NotFound):
            authorize(db, dr.actor, Action.READ, alice.profile.id, Target(Section.CONDITIONS), now=now)


def test_a_guardian_who_left_is_refused_after_the_commit_of_the_same_session(session, engine, now):
    alice = make_owner(session)
    bob = make_owner(session, "Bob")
    lea = make_child(session, alice)
    from mes_app.db.models import Guardianship

    with Session(engine, expire_on_commit=False) as db:
        db.add(Guardianship(profile_id=lea.profile.id, user_id=bob.user.id, added_by_user_id=alice.user.id,
                            created_at=now))
        db.commit()
        assert lea.profile.id in [v.id for v in profiles.accessible_profiles(db, bob.actor, now=now)]
        row = db.exec(sa.select(Guardianship).where(Guardianship.user_id == bob.user.id)).scalars().one()
        row.ended_at = now
        db.add(row)
        db.commit()
        assert lea.profile.id not in [v.id for v in profiles.accessible_profiles(db, bob.actor, now=now)]
        with pytest.raises(NotFound):
            capabilities.capabilities(db, bob.actor, lea.profile.id, now=now)


def test_a_bulk_update_of_a_grant_is_seen_by_the_next_decision(session, engine, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    nanny = make_caregiver(session, lea, ("vaccinations",))
    from mes_app.db.models import CaregiverGrant

    with Session(engine, expire_on_commit=False) as db:
        assert load_profile_facts(db, lea.profile.id).caregivers
        db.execute(sa.update(CaregiverGrant).where(CaregiverGrant.id == nanny.grant.id).values(revoked_at=now))
        with pytest.raises(NotFound):
            capabilities.capabilities(db, nanny.actor, lea.profile.id, now=now)


def test_facts_are_not_shared_between_use_cases(session, engine, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    nanny = make_caregiver(session, lea, ("vaccinations",))
    with Session(engine, expire_on_commit=False) as first:
        assert load_profile_facts(first, lea.profile.id).caregivers
        with Session(engine, expire_on_commit=False) as second:  # another event, meanwhile
            grant = second.get(type(nanny.grant), nanny.grant.id)
            second.delete(grant)
            second.commit()
        first.rollback()  # the first use case ends; the next one starts from the database
        assert load_profile_facts(first, lea.profile.id).caregivers == ()
    with Session(engine, expire_on_commit=False) as third:
        assert load_profile_facts(third, lea.profile.id).caregivers == ()
