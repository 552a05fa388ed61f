"""Caregiver invitations called straight over the websocket (security issue 9, item 5): the
parent gets the same answer for a known and an unknown address; a stranger who sends another
person's invitation id to any handler gets *not found* (or nothing) and changes nothing;
arguments of any type are refused quietly; the invitee reads nothing of Léa before accepting,
and only the shared section after."""

from __future__ import annotations

import asyncio
import json
import re
import uuid

import pytest

from mes_app.state.base import AppState
from mes_app.state.caregivers import CaregiversState
from mes_app.state.invitation_confirm import InvitationConfirmState
from mes_app.state.profiles import ProfilesState
from mes_app.state.records import RecordState
from tests.e2e.cluster import Cluster
from tests.e2e.test_invitation_websocket import PARENT, PASSWORD, _profiles, _register
from tests.e2e.ws_client import handler_name, login_cookie
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

# Léa's record in the demo seed: vaccinations (shared below) and the rest (never shared).
LEA_VACCINES = ("Vaxelis", "Rotarix")
LEA_OTHER = ("Bronchiolite", "Doliprane", "Vitamine D3")

LOAD_SHELL = handler_name(AppState, "load_shell")
SWITCH = handler_name(AppState, "switch_profile")
LOAD = handler_name(CaregiversState, "load_caregivers")
INVITE = handler_name(CaregiversState, "invite")
ASK_CANCEL = handler_name(CaregiversState, "ask_cancel")
ASK_REVOKE = handler_name(CaregiversState, "ask_revoke")
CONFIRM = handler_name(CaregiversState, "confirm")
SET_OPEN = handler_name(CaregiversState, "set_confirm_open")
LOAD_PROFILES = handler_name(ProfilesState, "load_profiles")
ASK = handler_name(InvitationConfirmState, "ask_confirm")
ANSWER = handler_name(InvitationConfirmState, "confirm")
LOAD_GROUP = handler_name(RecordState, "load_group")
NOTICE = "Si cette adresse a un compte MES"


def _pending(text: str) -> dict[str, str]:
    """email -> invitation id, from the pending rows sent back."""
    return {m.group(2): m.group(1) for m in re.finditer(r'"id": "(\d+)", "email": "([^"]+)"', text)}


def test_only_the_invitee_can_answer_a_caregiver_invitation_over_the_websocket(
    cluster: Cluster, mailbox: Mailbox
) -> None:
    base = cluster.http
    tag = uuid.uuid4().hex[:8]
    iris_email, sam_email, nobody_email = f"iris.{tag}@example.org", f"sam.{tag}@example.org", f"x.{tag}@example.org"

    async def scenario() -> None:
        await _register(cluster, "Iris", iris_email, mailbox)
        await _register(cluster, "Sam", sam_email, mailbox)
        parent_cookie = login_cookie(base, *PARENT)
        iris_cookie, sam_cookie = login_cookie(base, iris_email, PASSWORD), login_cookie(base, sam_email, PASSWORD)
        assert parent_cookie and iris_cookie and sam_cookie

        # The parent invites Iris (an account) and an address without one: the same answer.
        parent = cluster.client(cookie=parent_cookie)
        await parent.connect(path="/caregivers")
        shell = await parent.call(LOAD_SHELL, path="/caregivers")
        lea_id = next(i for name, i in _profiles(shell).items() if name.startswith("Léa"))
        await parent.call(SWITCH, {"profile_id": str(lea_id)}, path="/caregivers")
        await parent.call(LOAD, path="/caregivers")
        to_iris = await parent.call(
            INVITE, {"form_data": {"email": iris_email, "scope_vaccinations": "on"}}, path="/caregivers"
        )
        to_nobody = await parent.call(
            INVITE, {"form_data": {"email": nobody_email, "scope_vaccinations": "on"}}, path="/caregivers"
        )
        assert NOTICE in to_iris and NOTICE in to_nobody
        assert "Iris" not in to_iris  # the pending row shows the address, not the account's name
        pending = _pending(to_nobody)
        invitation_id = pending[iris_email]
        assert nobody_email in pending
        # The parent cannot accept in Iris's place.
        got = await parent.call(ASK, {"kind": "accept", "invitation_id": invitation_id}, path="/profiles")
        assert "Introuvable" in got

        # Sam, a stranger, sends Iris's invitation id everywhere: not found or ignored, nothing changes.
        sam = cluster.client(cookie=sam_cookie)
        await sam.connect(path="/profiles")
        seen = await sam.call(LOAD_PROFILES, path="/profiles")
        for kind in ("accept", "decline", "cancel"):
            for value in (invitation_id, int(invitation_id)):
                got = await sam.call(ASK, {"kind": kind, "invitation_id": value}, path="/profiles")
                assert "Introuvable" in got
                seen += got
                seen += await sam.call(ANSWER, path="/profiles", timeout=2)
        seen += await sam.call(LOAD, path="/caregivers")
        for value in (invitation_id, int(invitation_id), None, ["1"], {"id": 1}, True, "-1", "1" * 40):
            seen += await sam.call(ASK_CANCEL, {"invitation_id": value}, path="/caregivers", timeout=2)
            seen += await sam.call(ASK_REVOKE, {"grant_id": value}, path="/caregivers", timeout=2)
            seen += await sam.call(CONFIRM, path="/caregivers", timeout=2)
        for value in (None, "yes", [True], 1):
            seen += await sam.call(SET_OPEN, {"value": value}, path="/caregivers", timeout=2)
        seen += await sam.call(CONFIRM, path="/caregivers", timeout=2)
        for payload in (
            None,
            [1],
            "x",
            {"email": ["a@b.fr"], "scope_vaccinations": "on"},
            {"email": iris_email, "scope_messages": "on"},
            {"email": iris_email},
        ):
            seen += await sam.call(INVITE, {"form_data": payload}, path="/caregivers", timeout=2)
        await sam.call(SWITCH, {"profile_id": str(lea_id)}, path="/caregivers")  # not his: ignored
        seen += await sam.call(LOAD, path="/caregivers")
        assert "Léa" not in seen and "Camille" not in seen and iris_email not in seen
        assert [w for w in LEA_VACCINES + LEA_OTHER if w in seen] == []
        assert "Sam Test" in await sam.call(LOAD_SHELL, path="/profiles")  # the connection still serves
        await sam.close()

        # The parent still sees both invitations pending.
        listed = await parent.call(LOAD, path="/caregivers")
        assert set(_pending(listed)) == {iris_email, nobody_email}

        # Iris sees the invitation (a name and a first name only); Léa is out of reach.
        iris = cluster.client(cookie=iris_cookie)
        await iris.connect(path="/profiles")
        before = await iris.call(LOAD_PROFILES, path="/profiles")
        assert "Camille Martin vous invite à voir une partie du dossier de santé de Léa" in before
        await iris.call(SWITCH, {"profile_id": str(lea_id)}, path="/profiles")  # ignored: not shared yet
        before += await iris.call(LOAD_PROFILES, path="/profiles")
        before += await iris.call(LOAD_GROUP, path="/record/vaccinations")
        assert not any(n.startswith("Léa") for n in _profiles(before))
        assert [w for w in LEA_VACCINES + LEA_OTHER if w in before] == []

        # She accepts; then she reads Léa's vaccinations and nothing else.
        asked = await iris.call(ASK, {"kind": "accept", "invitation_id": invitation_id}, path="/profiles")
        assert "en lecture seule" in asked
        accepted = await iris.call(ANSWER, path="/profiles")
        assert any(n.startswith("Léa") for n in _profiles(accepted))
        await iris.call(SWITCH, {"profile_id": str(lea_id)}, path="/record/vaccinations")
        shared = await iris.call(LOAD_GROUP, path="/record/vaccinations")
        assert "Vaxelis" in shared
        other = await iris.call(LOAD_GROUP, path="/record/conditions")
        # Outside her scope: nothing read, and the page is told the section is not shared with her.
        assert "Bronchiolite" not in other
        flags = re.findall(r'"shared_sections_rx_state_": (\[[^\]]*\])', "\n".join(iris.received))
        assert flags and "vaccinations" in json.loads(flags[-1]) and "conditions" not in json.loads(flags[-1])
        again = await iris.call(ASK, {"kind": "accept", "invitation_id": invitation_id}, path="/profiles")
        assert "Introuvable" in again
        await iris.close()

        # The parent lists Iris as an active caregiver; the other address is still pending.
        listed = await parent.call(LOAD, path="/caregivers")
        assert "Iris Test" in listed and set(_pending(listed)) == {nobody_email}
        await parent.close()

    asyncio.run(scenario())
