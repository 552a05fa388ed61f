"""Invitation handlers called straight over the websocket (security issue 9): a stranger who
sends another person's invitation id gets *not found* and changes nothing; arguments of any
type are refused quietly; the invitee sees no health data and no profile before accepting."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest

from mes_app.state.auth import RegisterState
from mes_app.state.base import AppState
from mes_app.state.invitation_confirm import InvitationConfirmState
from mes_app.state.profiles import ProfilesState
from tests.e2e.cluster import Cluster
from tests.e2e.registration import activate_by_http
from tests.e2e.ws_client import HYDRATE, handler_name, login_cookie
from tests.smtp import Mailbox

pytestmark = pytest.mark.e2e

PARENT = ("parent@demo.mes", "Demo-parent-2026")
PASSWORD = "Quiet-river-2026!"
HEALTH_WORDS = ("Vaxelis", "Rotarix", "Asthme", "Pénicilline")

LOAD_SHELL = handler_name(AppState, "load_shell")
SWITCH = handler_name(AppState, "switch_profile")
LOAD = handler_name(ProfilesState, "load_profiles")
INVITE = handler_name(ProfilesState, "invite_guardian")
ASK = handler_name(InvitationConfirmState, "ask_confirm")
CONFIRM = handler_name(InvitationConfirmState, "confirm")
SET_OPEN = handler_name(InvitationConfirmState, "set_confirm_open")


def _profiles(text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for match in re.finditer(r'"id": (\d+), "name": "([^"]+)"', text):
        found[match.group(2)] = int(match.group(1))
    return found


def _sent_ids(text: str, email: str) -> list[str]:
    return re.findall(r'"id": "(\d+)", "email": "' + re.escape(email) + '"', text)


async def _register(cluster: Cluster, given: str, email: str, mailbox: Mailbox) -> None:
    client = cluster.client()
    await client.connect()
    await client.call(HYDRATE, path="/register")
    await client.call(
        handler_name(RegisterState, "submit"),
        {"form_data": {"email": email, "password": PASSWORD, "given_name": given, "family_name": "Test",
                       "birth_date": "1985-03-03", "sex": "female"}},
        path="/register",
    )
    await client.close()
    await asyncio.to_thread(activate_by_http, mailbox, email)


def test_only_the_invitee_can_answer_an_invitation_over_the_websocket(cluster: Cluster, mailbox: Mailbox) -> None:
    base = cluster.http
    tag = uuid.uuid4().hex[:8]
    iris_email, sam_email = f"iris.{tag}@example.org", f"sam.{tag}@example.org"

    async def scenario() -> None:
        await _register(cluster, "Iris", iris_email, mailbox)
        await _register(cluster, "Sam", sam_email, mailbox)
        parent_cookie = login_cookie(base, *PARENT)
        iris_cookie, sam_cookie = login_cookie(base, iris_email, PASSWORD), login_cookie(base, sam_email, PASSWORD)
        assert parent_cookie and iris_cookie and sam_cookie

        # The parent invites Iris to co-manage Léa.
        parent = cluster.client(cookie=parent_cookie)
        await parent.connect(path="/profiles")
        shell = await parent.call(LOAD_SHELL, path="/profiles")
        lea_id = next(i for name, i in _profiles(shell).items() if name.startswith("Léa"))
        await parent.call(SWITCH, {"profile_id": str(lea_id)}, path="/profiles")
        await parent.call(LOAD, path="/profiles")
        sent = await parent.call(INVITE, {"form_data": {"email": iris_email, "role": "co_guardian"}}, path="/profiles")
        [invitation_id] = _sent_ids(sent, iris_email)

        # Sam, a stranger, sends Iris's invitation id to every handler: not found, nothing changes.
        sam = cluster.client(cookie=sam_cookie)
        await sam.connect(path="/profiles")
        seen = await sam.call(LOAD, path="/profiles")
        for kind in ("accept", "decline", "cancel"):
            for value in (invitation_id, int(invitation_id)):
                got = await sam.call(ASK, {"kind": kind, "invitation_id": value}, path="/profiles")
                assert "Introuvable" in got
                seen += got
                seen += await sam.call(CONFIRM, path="/profiles", timeout=2)
        for kind, value in ((None, invitation_id), (["accept"], invitation_id), ("delete", invitation_id),
                            ("accept", None), ("accept", [invitation_id]), ("accept", {"id": 1}),
                            ("accept", True), ("accept", "abc"), ("accept", -1)):
            seen += await sam.call(ASK, {"kind": kind, "invitation_id": value}, path="/profiles", timeout=2)
        for value in (None, "yes", [True], 1):
            seen += await sam.call(SET_OPEN, {"value": value}, path="/profiles", timeout=2)
        seen += await sam.call(CONFIRM, path="/profiles", timeout=2)
        for payload in (None, [1], "x", {"email": ["a@b.fr"], "role": "handover"},
                        {"email": iris_email, "role": "owner"}):
            seen += await sam.call(INVITE, {"form_data": payload}, path="/profiles", timeout=2)
        assert "Léa" not in seen and "Camille" not in seen
        assert [w for w in HEALTH_WORDS if w in seen] == []
        assert "Sam Test" in await sam.call(LOAD_SHELL, path="/profiles")  # the connection still serves
        await sam.close()

        # Iris sees the invitation (a name and a first name), no health data and no Léa in her profiles.
        iris = cluster.client(cookie=iris_cookie)
        await iris.connect(path="/profiles")
        before = await iris.call(LOAD, path="/profiles")
        assert "Camille Martin vous invite à gérer le profil de Léa" in before
        assert "Léa" not in _profiles(before) and not any(n.startswith("Léa") for n in _profiles(before))
        await iris.call(SWITCH, {"profile_id": str(lea_id)}, path="/profiles")  # ignored: not hers yet
        before += await iris.call(LOAD, path="/profiles")
        assert not any(n.startswith("Léa") for n in _profiles(before))
        assert [w for w in HEALTH_WORDS if w in before] == []
        asked = await iris.call(ASK, {"kind": "accept", "invitation_id": invitation_id}, path="/profiles")
        assert "tout le dossier de santé de Léa" in asked
        accepted = await iris.call(CONFIRM, path="/profiles")
        assert any(n.startswith("Léa") for n in _profiles(accepted))
        # Accepting twice: the invitation is gone.
        again = await iris.call(ASK, {"kind": "accept", "invitation_id": invitation_id}, path="/profiles")
        assert "Introuvable" in again
        await iris.close()
        await parent.close()

    asyncio.run(scenario())
