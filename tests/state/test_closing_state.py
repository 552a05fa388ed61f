"""The closing pages' state as a browser (or an attacker) drives it: the target is the active
profile, the password is checked when typed and never kept, "keep" forgets the proof."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from mes_app.db.models import Profile, User
from mes_app.state import closing as closing_state
from mes_app.state.closing import ClosingState
from mes_app.storage import LocalStorage
from tests.factories import PASSWORD, make_caregiver, make_child, make_co_guardian, make_owner
from tests.state.test_app_state import login, redirect_path, state_for, test_database  # noqa: F401


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(closing_state, "default_storage", lambda: LocalStorage(tmp_path / "documents"))


def _page(session, who, path, active=None):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), who, path=path)
    state._active_profile_id = active
    return state.get_substate(ClosingState.get_full_name().split(".")[2:])


def _exists(session, model, pk) -> bool:  # noqa: ANN001
    with Session(session.get_bind()) as db:
        return db.get(model, pk) is not None


def test_a_guardian_sees_what_goes_keeps_it_then_closes_it(session):  # noqa: ANN001
    alice = make_owner(session)
    lea = make_child(session, alice, "Léa")
    bob = make_co_guardian(session, lea, "Bob")
    lea_id = lea.id
    page = _page(session, bob, "/profiles/close", active=lea_id)
    assert page.load_close_profile() is None
    assert page.ready and page.title == "Fermer le profil de Léa"
    assert page._target_profile_id == lea_id
    assert any("Alice" in line for line in page.blocks[0].loses)
    assert page.takeouts[0].href == "/takeout"

    page.ask({"password": "pas le bon"})
    assert page.error == "Mot de passe incorrect : rien n'a été effacé." and not page.confirm_open
    page.ask({"password": PASSWORD})
    assert page.confirm_open and page._confirmation is not None
    assert PASSWORD not in repr(page.dict())  # the password is kept nowhere
    page.set_confirm_open(False)  # "keep"
    assert page._confirmation is None
    page.confirm()  # a replayed "yes" without the password again does nothing
    assert _exists(session, Profile, lea_id) and not page.done

    page.ask({"password": PASSWORD})
    assert page.confirm() is None
    assert page.done and not page.ready and not _exists(session, Profile, lea_id)
    assert lea_id not in [p.id for p in page.profiles]


def test_a_caregiver_is_told_only_a_guardian_can_close(session):  # noqa: ANN001
    alice = make_owner(session)
    lea = make_child(session, alice)
    mamie = make_caregiver(session, lea, ("vaccinations",))
    page = _page(session, mamie, "/profiles/close", active=lea.id)
    page.load_close_profile()
    assert not page.ready and page.refusal != "" and page.blocks == []
    page.ask({"password": PASSWORD})
    page.confirm()
    assert _exists(session, Profile, lea.id)


def test_deleting_the_account_lands_on_a_truthful_page_without_the_user(session):  # noqa: ANN001
    alice = make_owner(session)
    solo = make_child(session, alice, "Solène")
    alice_id, solo_id = alice.id, solo.id
    page = _page(session, alice, "/account/delete")
    page.load_delete_account()
    assert page.ready and page.closes_children and len(page.blocks) == 2
    assert page.blocks[0].title.startswith("Mon dossier")
    page.ask({"password": PASSWORD})
    assert redirect_path(page.confirm()) == "/account/deleted"
    assert page.user_name == "" and page.profiles == []
    assert not _exists(session, User, alice_id) and not _exists(session, Profile, solo_id)


def test_the_other_guardian_finds_a_notice_at_home_and_dismisses_it(session):  # noqa: ANN001
    from mes_app.state.home import HomeState

    alice = make_owner(session)
    lea = make_child(session, alice, "Léa")
    bob = make_co_guardian(session, lea, "Bob")
    page = _page(session, bob, "/profiles/close", active=lea.id)
    page.load_close_profile()
    page.ask({"password": PASSWORD})
    page.confirm()
    home_root = state_for(login(session, alice), alice, path="/")
    home = home_root.get_substate(HomeState.get_full_name().split(".")[2:])
    home.load_home()
    [notice] = home.closure_notices
    assert "Un autre responsable a fermé un profil" in notice.text and "Léa" not in notice.text
    home.dismiss_closure("closure-999999")  # not hers: nothing happens
    home.dismiss_closure(notice.key)
    assert home.closure_notices == []
