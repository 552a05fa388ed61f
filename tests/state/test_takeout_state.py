"""The take-out page's state (issue 13, item 2): what the browser may ask, and what it is shown."""

from __future__ import annotations

from mes_app.db.models import TakeoutJob
from mes_app.services import record_export, takeout
from mes_app.state.takeout import TakeoutState
from mes_app.storage import LocalStorage
from tests.factories import committed_rows, make_caregiver, make_child, make_owner, make_stranger
from tests.state.test_app_state import login, redirect_path, state_for, test_database  # noqa: F401


def _page(session, who, profile_id=None):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), who, path="/takeout")
    state._active_profile_id = profile_id
    return state.get_substate(TakeoutState.get_full_name().split(".")[2:])


def _build_inline(monkeypatch, engine, tmp_path) -> list[int]:  # noqa: ANN001
    storage = LocalStorage(tmp_path / "documents")
    folder = tmp_path / "takeout"
    monkeypatch.setattr(record_export, "default_storage", lambda: storage)
    monkeypatch.setattr(takeout, "takeout_folder", lambda: folder)
    built: list[int] = []

    def start_build(job_id: int, **_):  # noqa: ANN003, ANN202
        built.append(job_id)
        takeout.build(engine, job_id, storage=storage, folder=folder)

    monkeypatch.setattr(takeout, "start_build", start_build)
    return built


def test_the_parent_asks_for_everything_and_gets_a_download_link(session, engine, tmp_path, monkeypatch):
    built = _build_inline(monkeypatch, engine, tmp_path)
    parent = make_owner(session, "Camille Martin")
    child = make_child(session, parent, "Hugo")
    page = _page(session, parent, child.profile.id)
    assert page.load_takeout() is None
    assert page.all_count == 2 and page.profile_label == "Le profil affiché : Hugo Martin"
    assert page.jobs == [] and not page.busy

    page.start("all")
    assert len(built) == 1 and page.error == ""
    [job] = page.jobs
    assert job.status == "ready" and job.percent == 100 and job.href == f"/api/takeout/{built[0]}.zip"
    assert job.profiles == "Camille Martin, Hugo Martin" and job.expires.startswith("Disponible jusqu'au")
    assert not page.busy


def test_the_profile_comes_from_the_server_and_odd_scopes_are_refused(session, engine, tmp_path, monkeypatch):
    built = _build_inline(monkeypatch, engine, tmp_path)
    parent = make_owner(session)
    child = make_child(session, parent, "Léa")
    mallory = make_stranger(session)
    page = _page(session, mallory, child.profile.id)  # a forged active profile: re-checked, not Léa
    page.load_takeout()
    assert "Léa" not in page.profile_label
    page.start("profile")
    [job] = committed_rows(session, TakeoutJob)
    assert job.profile_ids == str(mallory.profile.id)
    page.start(str(child.profile.id))
    assert page.error and len(built) == 1


def test_a_caregiver_is_told_only_shared_parts_are_included(session, engine, tmp_path, monkeypatch):
    _build_inline(monkeypatch, engine, tmp_path)
    parent = make_owner(session)
    child = make_child(session, parent, "Léa")
    mamie = make_caregiver(session, child, ("vaccinations",))
    page = _page(session, mamie, child.profile.id)
    page.load_takeout()
    assert page.partial_in_all and page.all_count == 1


def test_a_gone_session_goes_to_login(session):
    parent = make_owner(session)
    state = state_for(None, parent, path="/takeout")
    page = state.get_substate(TakeoutState.get_full_name().split(".")[2:])
    assert redirect_path(page.load_takeout()) == "/login"
    assert page.jobs == []
