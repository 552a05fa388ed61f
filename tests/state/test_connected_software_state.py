"""The connected software page (issue 12 item 2): a professional connects a software with its
public keys, sees its client_id, revokes it after confirming; a private key is refused."""

from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlmodel import select

from mes_app.db.models import ConnectedSoftware
from mes_app.state.connected_software import ConnectedSoftwareState
from tests.factories import make_owner, make_professional
from tests.state.test_app_state import login, state_for, test_database  # noqa: F401


def _b64(n: int) -> str:
    return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()


def _jwks(private: bool = False) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.private_numbers()
    jwk = {"kty": "RSA", "kid": "k1", "n": _b64(numbers.public_numbers.n), "e": _b64(numbers.public_numbers.e)}
    if private:
        jwk["d"] = _b64(numbers.d)
    return json.dumps({"keys": [jwk]})


def _page(session, who):  # noqa: ANN001, ANN202
    state = state_for(login(session, who), who, path="/connected-software")
    return state.get_substate(ConnectedSoftwareState.get_full_name().split(".")[2:])


def test_connect_then_revoke(session):  # noqa: ANN001
    doctor = make_professional(session)
    page = _page(session, doctor)
    page.load_software()
    assert page.software == [] and page.fhir_url.endswith("/fhir/r4")
    page.connect({"name": "  CabinetSoft ", "jwks": _jwks()})
    assert page.form_error == ""
    assert [s.name for s in page.software] == ["CabinetSoft"]
    assert page.new_client_id == page.software[0].client_id != ""
    page.ask_revoke(page.software[0].id)
    assert page.confirm_open
    page.confirm_revoke()
    assert page.software == [] and not page.confirm_open
    session.expire_all()
    assert session.exec(select(ConnectedSoftware)).one().revoked_at is not None


def test_a_private_key_is_refused_and_never_stored(session):  # noqa: ANN001
    doctor = make_professional(session)
    page = _page(session, doctor)
    page.load_software()
    page.connect({"name": "CabinetSoft", "jwks": _jwks(private=True)})
    assert "privée" in page.form_error or "private" in page.form_error
    assert session.exec(select(ConnectedSoftware)).all() == []


def test_revoking_someone_else_s_software_or_a_made_up_id_does_nothing(session):  # noqa: ANN001
    doctor, other = make_professional(session), make_professional(session, "Dr Autre")
    mine = _page(session, doctor)
    mine.load_software()
    mine.connect({"name": "CabinetSoft", "jwks": _jwks()})
    theirs = _page(session, other)
    theirs.load_software()
    theirs.ask_revoke(mine.software[0].id)  # not in their list: the dialog does not open
    assert not theirs.confirm_open
    theirs._confirm_id = mine.software[0].id  # even forced, the service refuses
    theirs.confirm_revoke()
    session.expire_all()
    assert session.exec(select(ConnectedSoftware)).one().revoked_at is None


def test_a_patient_cannot_connect_software(session):  # noqa: ANN001
    alice = make_owner(session, "Alice")
    page = _page(session, alice)
    page.load_software()
    page.connect({"name": "X", "jwks": _jwks()})
    assert page.form_error != ""
    assert session.exec(select(ConnectedSoftware)).all() == []
