"""The one gate of the operator console: only an activated account with the role operator."""

from __future__ import annotations

from mes_app.services.operators import operator_account
from tests.factories import make_operator, make_owner, make_professional, make_stranger


def test_an_operator_passes_the_gate(session):
    olivia = make_operator(session)
    assert operator_account(session, olivia.id).id == olivia.id


def test_patients_professionals_and_strangers_do_not(session):
    for persona in (make_owner(session, "Alice"), make_professional(session), make_stranger(session)):
        assert operator_account(session, persona.id) is None


def test_an_operator_not_activated_yet_does_not(session):
    olivia = make_operator(session)
    olivia.user.activated_at = None
    session.add(olivia.user)
    session.commit()
    assert operator_account(session, olivia.id) is None


def test_ids_that_are_not_integers_are_nobody(session):
    olivia = make_operator(session)
    for forged in (str(olivia.id), float(olivia.id), True, None, [olivia.id]):
        assert operator_account(session, forged) is None  # type: ignore[arg-type]
