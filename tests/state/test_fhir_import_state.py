"""The FHIR import page's state (issue 12 item 3): it shows what the route answered, clipped,
and asks for the import only after a preview with something to add."""

from __future__ import annotations

from mes_app.state.fhir_import import FhirImportState
from tests.factories import make_child, make_owner, make_stranger
from tests.state.test_app_state import login, state_for, test_database  # noqa: F401


def _page(session, who, profile_id=None):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), who, path="/record/import")
    state._active_profile_id = profile_id
    return state.get_substate(FhirImportState.get_full_name().split(".")[2:])


def test_the_preview_is_shown_and_then_the_import_is_asked(session):
    parent = make_owner(session, "Camille Martin")
    child = make_child(session, parent, "Hugo")
    page = _page(session, parent, child.profile.id)
    page.load_import()
    assert page.manages_active and not page.ready
    assert page.run() is None  # nothing checked yet: no import
    assert page.check() is not None and page.busy  # the browser posts the file
    page.preview_received({"ok": True, "source": "Portail", "total": 2,
                           "counts": [{"section": "Allergies", "count": 2}],
                           "lines": [{"section": "Allergies", "summary": "x" * 1000, "day": ""}],
                           "skipped": [{"entry": "entrée 1", "type": "Spaceship", "reason": "type inconnu"}]})
    assert page.ready and page.checked and page.source == "Portail"
    assert page.counts == [{"section": "Allergies", "count": "2"}]
    assert len(page.lines[0]["summary"]) == 300
    assert page.run() is not None
    page.import_finished({"ok": True, "imported": 2, "message": "2 entrées importées."})
    assert (page.ok, page.message, page.ready, page.lines) == (True, "2 entrées importées.", False, [])


def test_a_refused_file_or_a_forged_answer_shows_no_import_button(session):
    alice = make_owner(session, "Alice Durand")
    page = _page(session, alice, alice.profile.id)
    page.load_import()
    page.check()
    page.preview_received({"ok": False, "message": "Ce fichier n'est pas un fichier FHIR au format JSON."})
    assert not page.ready and not page.ok and page.message.startswith("Ce fichier")
    page.preview_received({"ok": True, "total": "lots"})
    assert not page.ready and not page.ok
    page.preview_received("garbage")  # type: ignore[arg-type]
    assert not page.ready and page.message


def test_someone_without_the_profile_gets_nothing_to_post(session):
    alice = make_owner(session, "Alice Durand")
    mallory = make_stranger(session)
    page = _page(session, mallory, alice.profile.id)
    page.load_import()
    page.check()
    assert page._active_profile_id != alice.profile.id
