"""The notification preferences page's state (issue 15 item 2): the session's own account only,
every argument checked, saved at once."""

from __future__ import annotations

from mes_app.db.models import NotificationPreference
from mes_app.domain.notifications import Cadence, Kind
from mes_app.services import notifications
from mes_app.state.notifications import NotificationsState
from tests.factories import committed_count, make_owner
from tests.state.test_app_state import login, redirect_path, state_for, test_database  # noqa: F401

ROUTE = "/account/notifications"


def _page(session, who, cookie=None):  # noqa: ANN001, ANN202
    state = state_for(cookie if cookie is not None else login(session, who), who, path=ROUTE)
    return state.get_substate(NotificationsState.get_full_name().split(".")[2:])


def test_every_kind_shows_on_and_immediate_at_first(session):
    alice = make_owner(session)
    page = _page(session, alice)
    assert page.load_notifications() is None
    assert [r.kind for r in page.rows] == [k.value for k in Kind]
    assert all(r.enabled and not r.weekly for r in page.rows)
    assert page.rows[0].label == "Nouveau document"


def test_switching_documents_to_weekly_and_messages_off_is_saved_for_this_account(session):
    alice = make_owner(session)
    bob = make_owner(session, "Bob")
    page = _page(session, alice)
    page.load_notifications()
    page.set_cadence("document", "weekly")
    page.set_enabled("message", False)
    rows = {r.kind: r for r in page.rows}
    assert rows["document"].weekly and rows["document"].enabled
    assert not rows["message"].enabled
    choices = {p.kind: p for p in notifications.preferences(session, alice.id)}
    assert choices[Kind.DOCUMENT].cadence is Cadence.WEEKLY and not choices[Kind.MESSAGE].enabled
    assert all(p.enabled for p in notifications.preferences(session, bob.id))  # Bob's untouched
    again = _page(session, alice)
    again.load_notifications()
    assert {r.kind: (r.enabled, r.weekly) for r in again.rows}["document"] == (True, True)


def test_a_bad_kind_or_cadence_is_refused_and_nothing_is_saved(session):
    alice = make_owner(session)
    page = _page(session, alice)
    page.load_notifications()
    for kind, cadence in (("documents", "weekly"), ("../x", "weekly"), (None, "weekly"), (["document"], "weekly"),
                          ("document", "daily"), ("document", None), ("document", {"a": 1})):
        page.set_cadence(kind, cadence)  # type: ignore[arg-type]
        assert page.error
    for junk in ("no", 0, None, [True]):
        page.set_enabled("document", junk)  # type: ignore[arg-type]
        assert page.error
    assert committed_count(session, NotificationPreference) == 0


def test_without_a_session_nothing_is_read_or_saved(session):
    alice = make_owner(session)
    page = _page(session, alice, cookie="")
    assert redirect_path(page.load_notifications()) == "/login"
    assert redirect_path(page.set_enabled("document", False)) == "/login"
    assert page.rows == []
    assert committed_count(session, NotificationPreference) == 0
