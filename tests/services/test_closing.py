"""Closing a child's profile and deleting one's account, as the people concerned live it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from mes_app.db.models import AccessEvent, ClosureNotice, Profile, SecurityEvent, User
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.mail import closure_message
from mes_app.services import closing
from mes_app.storage import LocalStorage
from tests.factories import (
    PASSWORD,
    committed_count,
    give_care,
    make_caregiver,
    make_child,
    make_co_guardian,
    make_owner,
    make_professional,
    make_stranger,
)


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "documents")


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def __call__(self, to: str, lang: str) -> None:
        self.sent.append((to, lang))


def confirmed(session, who, now):  # noqa: ANN001, ANN201
    return closing.confirm_password(session, who.actor, PASSWORD, now=now)


def test_a_co_guardian_may_close_the_child_and_the_other_guardian_is_told(session, storage, now):
    alice = make_owner(session)
    lea = make_child(session, alice, "Léa")
    bob = make_co_guardian(session, lea, "Bob")
    lea_id, alice_id, bob_email = lea.id, alice.id, bob.email
    preview = closing.closing_preview(session, bob.actor, lea_id, now=now)
    assert preview.given_name == "Léa" and preview.other_guardians == ("Alice",)
    assert preview.takeout_href == "/takeout"
    outbox = Outbox()

    done = closing.close_profile(session, bob.actor, lea_id, confirmation=confirmed(session, bob, now),
                                 storage=storage, now=now, notify=outbox)

    assert done.guardians_told == 1
    assert committed_count(session, Profile, Profile.id == lea_id) == 0
    assert outbox.sent == [(alice.email, "fr")] and bob_email not in dict(outbox.sent)
    notices = closing.closure_notices(session, alice.actor)
    assert len(notices) == 1 and closing.closure_notices(session, bob.actor) == []
    closing.dismiss_closure_notice(session, alice.actor, notices[0].key)
    assert committed_count(session, ClosureNotice, ClosureNotice.user_id == alice_id) == 0


def test_the_e_mail_to_the_other_guardian_says_only_that_something_changed(session):
    message = closure_message("alice@example.org", "en")
    text = message.get_content()
    assert message["Subject"] == "A change in MES"
    assert "Léa" not in text and "/login" in text


def test_a_caregiver_cannot_close_the_child_and_the_attempt_is_in_its_history(session, storage, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    mamie = make_caregiver(session, lea, ("vaccinations",), now)
    with pytest.raises(Forbidden):
        closing.closing_preview(session, mamie.actor, lea.id, now=now)
    with pytest.raises(Forbidden):
        closing.close_profile(session, mamie.actor, lea.id, confirmation=confirmed(session, mamie, now),
                              storage=storage, now=now, notify=Outbox())
    assert committed_count(session, Profile, Profile.id == lea.id) == 1
    assert committed_count(session, AccessEvent, AccessEvent.profile_id == lea.id,
                           AccessEvent.target_kind == "profile_closing") == 2


def test_a_professional_of_the_care_team_cannot_close_the_record(session, storage, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    dr = make_professional(session)
    give_care(session, dr, lea, now)
    with pytest.raises(Forbidden):
        closing.close_profile(session, dr.actor, lea.id, confirmation=closing.Confirmation(dr.id, now),
                              storage=storage, now=now, notify=Outbox())
    assert committed_count(session, Profile, Profile.id == lea.id) == 1


def test_a_stranger_gets_not_found_and_the_attempt_goes_to_the_security_log(session, storage, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    mallory = make_stranger(session)
    for pid in (lea.id, 999_999):
        with pytest.raises(NotFound):
            closing.closing_preview(session, mallory.actor, pid, now=now)
        with pytest.raises(NotFound):
            closing.close_profile(session, mallory.actor, pid, confirmation=confirmed(session, mallory, now),
                                  storage=storage, now=now, notify=Outbox())
    assert committed_count(session, SecurityEvent, SecurityEvent.actor_user_id == mallory.id) == 4
    assert committed_count(session, Profile, Profile.id == lea.id) == 1


def test_the_owner_closes_their_own_record_only_by_deleting_the_account(session, storage, now):
    alice = make_owner(session)
    with pytest.raises(ValidationError) as refused:
        closing.closing_preview(session, alice.actor, alice.profile.id, now=now)
    assert refused.value.code == "closing.own_record_is_account"


def test_a_wrong_or_stale_password_erases_nothing(session, storage, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    with pytest.raises(ValidationError) as wrong:
        closing.confirm_password(session, alice.actor, "not-my-password", now=now)
    assert wrong.value.code == "closing.wrong_password"
    stale = closing.confirm_password(session, alice.actor, PASSWORD, now=now - timedelta(minutes=6))
    bob = make_co_guardian(session, lea, "Bob")
    for proof in (stale, closing.Confirmation(bob.id, now), "yes", None):
        with pytest.raises(ValidationError):
            closing.close_profile(session, alice.actor, lea.id, confirmation=proof, storage=storage, now=now,
                                  notify=Outbox())
    assert committed_count(session, Profile, Profile.id == lea.id) == 1


def test_the_account_preview_lists_what_goes_and_which_children_stay(session, now):
    alice = make_owner(session)
    solo = make_child(session, alice, "Solène")
    leo = make_child(session, alice, "Léo")
    make_co_guardian(session, leo, "Bob")
    other = make_owner(session, "Zoé")
    make_caregiver_of = make_caregiver(session, other, ("vaccinations",), now, name="Autre")  # noqa: F841
    preview = closing.account_preview(session, alice.actor, now=now)
    assert preview.may_delete and preview.own is not None and preview.own.kind == "self"
    assert [c.given_name for c in preview.children_closed] == ["Solène"]
    assert [(k.given_name, k.guardians) for k in preview.children_kept] == [("Léo", ("Bob",))]
    assert solo.id in {c.profile_id for c in preview.children_closed}


def test_deleting_the_account_ends_its_sessions_and_the_login(session, storage, now):
    from mes_app.services import accounts

    alice = make_owner(session, email="alice.gone@example.org")
    alice_id = alice.id
    secret = accounts.open_session(session, alice.user, now=now, lifetime=timedelta(hours=1))
    done = closing.delete_account(session, alice.actor, confirmation=confirmed(session, alice, now),
                                  storage=storage, now=now, notify=Outbox())
    assert done.profiles == 1
    assert accounts.resolve_session(session, secret, now=now) is None
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate(session, email="alice.gone@example.org", password=PASSWORD, now=now)
    with Session(session.get_bind()) as db:
        assert db.get(User, alice_id) is None
        erased = db.exec(select(SecurityEvent).where(SecurityEvent.target_kind == "account")).all()
    assert [(e.action, e.actor_user_id, e.target_id) for e in erased] == [("erase", None, alice_id)]


def test_a_professional_account_is_not_deleted_here(session, storage, now):
    dr = make_professional(session)
    assert not closing.account_preview(session, dr.actor, now=now).may_delete
    with pytest.raises(Forbidden):
        closing.delete_account(session, dr.actor, confirmation=confirmed(session, dr, now), storage=storage,
                               now=now, notify=Outbox())


def test_a_notice_of_someone_else_cannot_be_dismissed(session, storage, now):
    alice = make_owner(session)
    lea = make_child(session, alice)
    bob = make_co_guardian(session, lea, "Bob")
    mallory = make_stranger(session)
    closing.close_profile(session, bob.actor, lea.id, confirmation=confirmed(session, bob, now), storage=storage,
                          now=now, notify=Outbox())
    [notice] = closing.closure_notices(session, alice.actor)
    for key in (notice.key, "closure-x", "emergency-1", 12, None):
        with pytest.raises((NotFound, ValidationError)):
            closing.dismiss_closure_notice(session, mallory.actor, key)
    assert len(closing.closure_notices(session, alice.actor)) == 1


def test_closing_a_child_takes_every_archive_holding_it_with_its_zip(session, engine, storage, now, tmp_path,
                                                                      monkeypatch):
    from mes_app.db.models import TakeoutJob
    from mes_app.services import takeout

    folder = tmp_path / "takeout"
    monkeypatch.setattr(takeout, "takeout_folder", lambda: folder)
    alice = make_owner(session)
    lea = make_child(session, alice, "Léa")
    bob = make_co_guardian(session, lea, "Bob")
    lea_id = lea.id
    jobs = {}
    carol = make_owner(session, "Carol")
    for name, who, scope in (("family", alice, "all"), ("bobs", bob, lea_id), ("own", carol, carol.profile.id)):
        jobs[name] = takeout.request_takeout(session, who.actor, scope, now=now, lang="fr", folder=folder)
        takeout.build(engine, jobs[name], storage=storage, folder=folder, clock=lambda: now)
    session.expire_all()
    assert len(list(folder.glob("*.zip"))) == 3

    closing.close_profile(session, bob.actor, lea_id, confirmation=confirmed(session, bob, now), storage=storage,
                          now=now, notify=Outbox())

    left = {job.id for job in session.exec(select(TakeoutJob)).all()}
    assert left == {jobs["own"]}  # only Carol's archive, which never held Léa
    own = session.get(TakeoutJob, jobs["own"])
    assert [p.name for p in folder.glob("*.zip")] == [f"{own.file_key}.zip"]
