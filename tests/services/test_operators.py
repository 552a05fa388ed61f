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


# --------------------------------------------------------------------------- add_operator (the command line)


def test_add_operator_creates_an_activated_operator_and_logs_it(session):
    from mes_app.services.operator_log import entries
    from mes_app.services.operators import add_operator
    from tests.factories import NOW

    user = add_operator(session, " Olga@Example.org", "Olga", NOW)
    assert (user.email, user.role, user.display_name) == ("olga@example.org", "operator", "Olga")
    gate = operator_account(session, user.id)
    assert gate is not None and gate.id == user.id
    assert user.password_hash  # a random one: nobody can log in before choosing a password
    [line] = entries(session)
    assert (line.action, line.operator_email, line.target_email) == ("operator_add", "", "olga@example.org")


def test_add_operator_without_a_name_uses_the_local_part(session):
    from mes_app.services.operators import add_operator
    from tests.factories import NOW

    assert add_operator(session, "olga@example.org", None, NOW).display_name == "olga"


def test_add_operator_refuses_a_taken_or_invalid_email_and_changes_nothing(session):
    import pytest

    from mes_app.db.models import OperatorAction, User
    from mes_app.domain.errors import ValidationError
    from mes_app.services.operators import add_operator
    from tests.factories import NOW, committed_count

    alice = make_owner(session, "Alice")
    users = committed_count(session, User)
    for email, code in ((alice.user.email.upper(), "error.email_taken"), ("nope", "error.invalid_email"),
                        ("", "error.required"), (None, "error.required")):
        with pytest.raises(ValidationError) as refused:
            add_operator(session, email, "X", NOW)
        assert refused.value.code == code
        session.rollback()
    with pytest.raises(ValidationError):
        add_operator(session, "long@example.org", "x" * 121, NOW)
    session.rollback()
    assert committed_count(session, User) == users
    assert committed_count(session, OperatorAction) == 0
