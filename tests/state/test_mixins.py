"""The shared confirmation dialog's state: only the server opens it, anyone may close it."""

from __future__ import annotations

import pytest
from reflex.state import State

from mes_app.state.appointments import AppointmentsState
from mes_app.state.base import AppState
from mes_app.state.care_team import CareTeamState
from mes_app.state.caregivers import CaregiversState
from mes_app.state.document_dialogs import DocumentDialogsState
from mes_app.state.emergency import EmergencyState
from mes_app.state.history import HistoryState
from mes_app.state.invitation_confirm import InvitationConfirmState
from mes_app.state.measures import MeasuresState
from mes_app.state.mixins import ConfirmMixin, FormMixin
from mes_app.state.record_entries import RecordEntriesState
from mes_app.state.records import RecordState
from mes_app.state.who_can_see import WhoCanSeeState

CONFIRMING_STATES = (AppointmentsState, CareTeamState, CaregiversState, DocumentDialogsState, EmergencyState,
                     MeasuresState, InvitationConfirmState, RecordEntriesState, WhoCanSeeState)


def substate(cls):  # noqa: ANN001, ANN201
    return State().get_substate(cls.get_full_name().split(".")[1:])


@pytest.mark.parametrize("cls", CONFIRMING_STATES)
def test_every_confirming_state_gets_the_one_open_flag_and_handler(cls):  # noqa: ANN001
    assert issubclass(cls, ConfirmMixin)
    assert "confirm_open" in cls.vars and "set_confirm_open" in cls.event_handlers


@pytest.mark.parametrize("sent", [True, "true", 1, ["x"], {"a": 1}])
def test_the_browser_cannot_open_the_dialog(sent):  # noqa: ANN001
    state = substate(InvitationConfirmState)
    state.set_confirm_open(sent)
    assert state.confirm_open is False


@pytest.mark.parametrize("sent", [False, None, 0, "", "false"])
def test_closing_forgets_what_was_being_confirmed(sent):  # noqa: ANN001
    state = substate(CaregiversState)
    state.confirm_open, state._confirm_id = True, 42
    state.set_confirm_open(sent)
    assert state.confirm_open is False and state._confirm_id is None


def test_closing_an_invitation_confirmation_forgets_the_invitation():
    state = substate(InvitationConfirmState)
    state.confirm_open, state._confirm_invitation_id = True, 7
    state.set_confirm_open(False)
    assert state.confirm_open is False and state._confirm_invitation_id is None


@pytest.mark.parametrize("cls", (AppointmentsState, HistoryState, MeasuresState, RecordState))
def test_form_dialogs_open_only_from_the_server_and_close_from_anywhere(cls):  # noqa: ANN001
    assert issubclass(cls, FormMixin)
    state = substate(cls)
    state.set_form_open(True)
    assert state.form_open is False
    state.form_open = True
    state.set_form_open({"open": True})
    assert state.form_open is False


@pytest.mark.parametrize("cls", (AppointmentsState, DocumentDialogsState, MeasuresState, RecordState,
                                 RecordEntriesState))
def test_what_a_dialog_edits_or_deletes_is_never_a_view_var(cls):  # noqa: ANN001
    """The id of the entry being edited or deleted decides what changes: server side only."""
    public = set(cls.vars) - set(AppState.vars)  # what the browser receives, beyond the shell's
    suspicious = [name for name in public if name.endswith("_id") or name.startswith("confirm_")]
    assert suspicious in ([], ["confirm_open"]), suspicious
