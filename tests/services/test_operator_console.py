"""The console's home: counts of what waits and the latest decisions; operators only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mes_app.domain.errors import NotFound
from mes_app.services import operator_accounts, operator_console, professionals
from tests.factories import NOW, make_child, make_operator, make_owner, make_professional, make_stranger

FORM = {"display_name": "Dr Claire Dubois", "profession": "infirmier", "rpps": "10003456786",
        "workplace": "Maison de santé, Vannes"}


def test_the_overview_counts_applications_and_locks_and_lists_the_latest_actions(session):
    olivia = make_operator(session)
    claire, bob = make_owner(session, "Claire"), make_owner(session, "Bob")
    make_child(session, bob, "Léa")
    professionals.apply(session, claire.id, FORM, NOW)
    for minutes in range(12):
        operator_accounts.end_sessions(session, olivia.id, bob.id, NOW + timedelta(minutes=minutes))
    operator_accounts.lock(session, olivia.id, bob.id, NOW + timedelta(hours=1))
    seen = operator_console.overview(session, olivia.id)
    assert (seen.applications_waiting, seen.accounts_locked) == (1, 1)
    assert len(seen.recent) == operator_console.RECENT_ACTIONS
    assert seen.recent[0].action == "account_lock" and seen.recent[0].target_email == bob.user.email
    assert "Léa" not in repr(seen)


@pytest.mark.parametrize("caller", ["owner", "professional", "stranger", None, "1", True])
def test_anyone_but_an_operator_gets_not_found(session, caller):
    make_operator(session)
    callers = {"owner": lambda: make_owner(session).id, "professional": lambda: make_professional(session).id,
               "stranger": lambda: make_stranger(session).id}
    who = callers[caller]() if caller in callers else caller
    with pytest.raises(NotFound):
        operator_console.overview(session, who)
