"""The operator actions log: who did what to which account, and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mes_app.services import operator_log
from tests.factories import make_operator, make_professional

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_the_log_lists_decisions_newest_first_with_who_and_on_whom(session):
    operator = make_operator(session)
    pro = make_professional(session)
    operator_log.record(session, operator_user_id=None, action="operator_add", target_user_id=operator.id, now=NOW)
    operator_log.record(session, operator_user_id=operator.id, action="professional_verify",
                        target_user_id=pro.id, now=NOW + timedelta(minutes=5))
    session.commit()

    lines = operator_log.entries(session)

    assert [(line.operator_email, line.action, line.target_email) for line in lines] == [
        (operator.user.email, "professional_verify", pro.user.email),
        ("", "operator_add", operator.user.email),
    ]
    assert lines[0].occurred_at == NOW + timedelta(minutes=5)


def test_an_unknown_action_code_is_refused(session):
    with pytest.raises(ValueError):
        operator_log.record(session, operator_user_id=None, action="read_record", target_user_id=None, now=NOW)
