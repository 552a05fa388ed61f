"""Pages offer an action where the access policy allows it, whoever asks: the upload button, the
profiles a professional may write to, those an appointment can be added to. The states read
capability flags from the services (``services.capabilities``), never
a relationship or role string."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from mes_app.db.models import CaregiverGrant
from mes_app.domain.access import format_sections
from mes_app.state.appointments import AppointmentsState
from mes_app.state.document_dialogs import DocumentDialogsState
from mes_app.state.documents import DocumentsState
from mes_app.state.messages import MessagesState
from tests.factories import give_care, make_caregiver, make_child, make_owner, make_professional
from tests.state.test_app_state import login, real_now, state_for, test_database  # noqa: F401

ROOT = Path(__file__).resolve().parents[2] / "mes_app"


@pytest.fixture()
def family(session):  # noqa: ANN001
    parent = make_owner(session, "Claire Martin", birth_date=date(1988, 4, 2))
    leo = make_child(session, parent, "Léo", birth_date=date(2019, 6, 1))
    return parent, leo


def _page(session, who, cls, path: str):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), who, path=path)
    return state.get_substate(cls.get_full_name().split(".")[2:])


def _documents(session, who, profile_id: int) -> DocumentsState:  # noqa: ANN001
    page = _page(session, who, DocumentsState, "/documents")
    page.get_substate(DocumentDialogsState.get_full_name().split(".")[3:])  # the tree the handler fills
    page.switch_profile(str(profile_id))
    asyncio.run(page.load_documents())
    return page


def test_the_owner_a_guardian_and_the_care_team_may_upload_a_caregiver_may_not(session, family):
    parent, leo = family
    doctor = make_professional(session, "Dr Durand")
    give_care(session, doctor, leo)
    grandma = make_caregiver(session, leo, sections=("documents",), now=real_now() - timedelta(days=1))
    assert _documents(session, parent, parent.profile.id).can_upload
    assert _documents(session, parent, leo.profile.id).can_upload
    assert _documents(session, doctor, leo.profile.id).can_upload
    shown = _documents(session, grandma, leo.profile.id)
    assert shown.active_relationship == "caregiver" and "documents" in shown.shared_sections
    assert not shown.can_upload  # she may read the documents shared with her, not add any


def test_a_professional_writes_to_the_care_team_s_patients_only(session, family):
    parent, leo = family
    doctor = make_professional(session, "Dr Durand")
    give_care(session, doctor, leo)
    neighbour = make_owner(session, "Nina Petit")
    # The doctor also holds a caregiver grant on a neighbour's profile: reading is not writing.
    since = real_now() - timedelta(days=1)
    session.add(CaregiverGrant(profile_id=neighbour.profile.id, grantee_user_id=doctor.id,
                               granted_by_user_id=neighbour.id, sections=format_sections(("vaccinations",)),
                               starts_at=since, created_at=since))
    session.commit()
    messages = _page(session, doctor, MessagesState, "/messages")
    assert messages.load_messages() is None
    assert {p.id for p in messages.profiles} == {leo.profile.id, neighbour.profile.id}
    assert [p.id for p in messages.targets] == [leo.profile.id] and messages.can_start

    unverified = make_professional(session, "Dr Faux", status="applied")
    give_care(session, unverified, leo)
    refused = _page(session, unverified, MessagesState, "/messages")
    refused.load_messages()
    assert refused.targets == [] and not refused.can_start
    refused.open_new()
    assert not refused.new_open

    patient = _page(session, parent, MessagesState, "/messages")
    patient.load_messages()
    assert patient.targets == [] and not patient.can_start  # only professionals start a thread


def test_an_appointment_can_be_added_to_the_family_s_profiles_not_to_one_only_shared(session, family):
    parent, leo = family
    other = make_owner(session, "Paul Roux")
    make_caregiver(session, other, sections=("appointments",), now=real_now() - timedelta(days=1))
    page = _page(session, parent, AppointmentsState, "/appointments")
    page.load_appointments()
    assert {p.id for p in page.targets} == {parent.profile.id, leo.profile.id}

    grandma = make_caregiver(session, leo, sections=("appointments",), now=real_now() - timedelta(days=1),
                             name="Mamie Jo")
    hers = _page(session, grandma, AppointmentsState, "/appointments")
    hers.load_appointments()
    assert [p.id for p in hers.profiles] == [leo.profile.id] and hers.targets == []


# What compares an actor's relationship or role to a string: the policy re-coded in a page.
RE_CODED_POLICY = re.compile(r"relationship\s*(==|!=|\bin\b|\bnot in\b)|\b(actor|identity|user)\.role\s*(==|!=|\bin\b)")


@pytest.mark.parametrize("layer", ["state", "pages", "components"])
def test_no_state_or_page_decides_from_a_relationship_or_role_string(layer):
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
             for path in sorted((ROOT / layer).rglob("*.py"))
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if RE_CODED_POLICY.search(line) and not line.lstrip().startswith("#")]
    assert found == []


def test_the_guard_sees_a_re_coded_policy():
    assert RE_CODED_POLICY.search('return self.active_relationship in ("owner", "guardian")')
    assert RE_CODED_POLICY.search('[p for p in self.profiles if p.relationship == "care_team"]')
    assert RE_CODED_POLICY.search('if identity.role == "operator":')
    assert not RE_CODED_POLICY.search('rx.badge(T["relationship." + AppState.active_relationship])')
