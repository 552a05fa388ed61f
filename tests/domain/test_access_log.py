"""Who is a stranger to a profile (their refusals go to the security log), and the code registry."""

from datetime import UTC, datetime, timedelta

import pytest

from mes_app.domain.access import CareFacts, CaregiverFacts, ProfileFacts, Section
from mes_app.domain.access_log import LoggedAction, check_codes, is_stranger, line_key

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
OWNER, GUARDIAN, DR, EX_DR, NANNY, EX_NANNY, MALLORY = range(1, 8)

FACTS = ProfileFacts(
    profile_id=10,
    owner_user_id=OWNER,
    guardian_user_ids={GUARDIAN},
    care=(CareFacts(1, DR, "active", NOW - timedelta(days=9), None),
          CareFacts(2, EX_DR, "removed", NOW - timedelta(days=90), NOW - timedelta(days=30))),
    caregivers=(CaregiverFacts(3, NANNY, {Section.VACCINATIONS}, NOW - timedelta(days=9), None, None),
                CaregiverFacts(4, EX_NANNY, {Section.VACCINATIONS}, NOW - timedelta(days=90), None, NOW)),
)


@pytest.mark.parametrize("user_id", [OWNER, GUARDIAN, DR, EX_DR, NANNY, EX_NANNY])
def test_anyone_the_patient_knows_or_knew_is_not_a_stranger(user_id):
    assert not is_stranger(user_id, FACTS)


def test_an_account_with_no_relationship_is_a_stranger():
    assert is_stranger(MALLORY, FACTS)
    assert not is_stranger(MALLORY, FACTS, former=frozenset({MALLORY}))  # an ended guardianship
    assert is_stranger(OWNER, None)  # a profile that does not exist
    assert not is_stranger(None, FACTS)  # a link visitor: the patient gave the link


@pytest.mark.parametrize(("action", "kind", "via"), [("peek", "profile", None), ("read", "gizmo", None),
                                                      ("read", "profile", "back_door")])
def test_unregistered_codes_are_refused(action, kind, via):
    with pytest.raises(ValueError):
        check_codes(action, kind, via)


def test_registered_codes_pass():
    check_codes("denied", "measures_import", "none")
    check_codes("start_thread", "message_thread", "care_team")
    check_codes("read", "allergies")


def key_of(action: LoggedAction, target_id: int):  # noqa: ANN201 - a LineKey
    return line_key(actor_user_id=2, actor_label=None, action=action.value, target_kind="measures",
                    target_id=target_id, via="care_team", grant_id=7)


def test_a_software_s_deposits_in_a_row_share_a_line_but_reads_of_two_entries_do_not():
    assert key_of(LoggedAction.API_CREATE, 1) == key_of(LoggedAction.API_CREATE, 2)
    assert key_of(LoggedAction.READ, 1) != key_of(LoggedAction.READ, 2)
