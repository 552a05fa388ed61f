"""The import dialog's Apple Health choice: the job key the browser relays is followed only
when it is the session user's job; the end shows the summary in the reader's language."""

from __future__ import annotations

import asyncio

from mes_app.services import apple_import
from mes_app.state.apple_import import AppleImportState
from mes_app.state.measures import MeasuresState
from tests.apple_export import export_xml
from tests.factories import make_child, make_owner, make_stranger
from tests.state.test_app_state import login, real_now, state_for, test_database  # noqa: F401


def _dialog(session, who):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), who, path="/measures")
    page = state.get_substate(MeasuresState.get_full_name().split(".")[2:])
    asyncio.run(page.load_measures())
    return state.get_substate(AppleImportState.get_full_name().split(".")[2:])


def _job(session, who, pid, tmp_path):  # noqa: ANN001, ANN202
    path = apple_import.new_upload_path(tmp_path)
    path.write_bytes(export_xml())
    return apple_import.start_import(session, who.actor, pid, path, now=real_now(), run=False)


def test_the_parent_follows_her_job_to_its_summary(session, engine, tmp_path):  # noqa: ANN001
    apple_import._JOBS.clear()
    alice = make_owner(session, "Alice Durand")
    lea = make_child(session, alice)
    dialog = _dialog(session, alice)
    dialog.set_import_format("apple")
    assert dialog.import_format == "apple"
    dialog.set_import_format("<script>")
    assert dialog.import_format == "apple"
    key = _job(session, alice, lea.profile.id, tmp_path)
    event = dialog.apple_started({"ok": True, "job": key})
    assert event is not None and dialog.apple_running and dialog._apple_job == key
    apple_import.run_job(engine, key)
    assert dialog._apple_progress(apple_import.job_view(alice.actor, key)) is True
    assert not dialog.apple_running and dialog.import_ok and dialog.import_message == "Import terminé."
    assert "Poids : 2 mesures ajoutées" in dialog.apple_lines
    assert "Non importé : 1 dossier clinique" in dialog.apple_lines
    assert "IMC non importés (MES le calcule d'après le poids et la taille) : 1" in dialog.apple_lines
    apple_import._JOBS.clear()


def test_someone_elses_job_key_is_not_followed(session, tmp_path):  # noqa: ANN001
    apple_import._JOBS.clear()
    alice, mallory = make_owner(session, "Alice Durand"), make_stranger(session)
    key = _job(session, alice, alice.profile.id, tmp_path)
    dialog = _dialog(session, mallory)
    assert dialog.apple_started({"ok": True, "job": key}) is None
    assert not dialog.apple_running and dialog._apple_job == ""
    assert dialog.apple_started({"ok": False, "message": "x" * 5000}) is None
    assert len(dialog.import_message) <= 300
    apple_import._JOBS.clear()


def test_a_forgotten_job_says_it_was_interrupted(session):  # noqa: ANN001
    dialog = _dialog(session, make_owner(session, "Alice Durand"))
    dialog.apple_running = True
    assert dialog._apple_progress(None) is True
    assert not dialog.apple_running and "interrompu" in dialog.import_message
