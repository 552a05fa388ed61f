"""Attacks over the websocket, against the real production server with the demo data.

Any browser can call any handler with any arguments and any client token: these tests do
exactly that and check that nothing of another family's record comes back or changes.
"""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from mes_app.services import share_links
from mes_app.state.base import AppState
from mes_app.state.home import HomeState
from mes_app.state.record_entries import RecordEntriesState
from mes_app.state.records import RecordState
from tests.e2e.cluster import Cluster
from tests.e2e.registration import activate_by_http
from tests.e2e.ws_client import HYDRATE, WsClient, handler_name, login_cookie, logout
from tests.smtp import Mailbox


def link_secret_in(created: str) -> str | None:
    """The secret of the link in a created-link answer (``<origin>/s#shlink:/...``)."""
    found = re.search(r"(https?://[^/\"]+)/s#(shlink:/[A-Za-z0-9_-]+)", created)
    return share_links.secret_from_shlink(found.group(2), (found.group(1),)) if found else None

pytestmark = pytest.mark.e2e

PARENT = ("parent@demo.mes", "Demo-parent-2026")
FAMILY_WORDS = ("Camille", "Léa", "Hugo", "Martin", "Asthme", "Pénicilline")

LOAD_SHELL = handler_name(AppState, "load_shell")
SWITCH = handler_name(AppState, "switch_profile")
LOAD_HOME = handler_name(HomeState, "load_home")
LOAD_GROUP = handler_name(RecordState, "load_group")
OPEN_EDIT = handler_name(RecordState, "open_edit")
ASK_DELETE = handler_name(RecordEntriesState, "ask_delete")
CONFIRM_DELETE = handler_name(RecordEntriesState, "confirm_delete")
SUBMIT = handler_name(RecordState, "submit_form")


def _leaks(text: str) -> list[str]:
    return [word for word in FAMILY_WORDS if word in text]


def _profiles(text: str) -> dict[str, int]:
    """Profile names → ids from the deltas that carry the profile list."""
    found: dict[str, int] = {}
    for line in text.splitlines():
        for match in re.finditer(r'"id": (\d+), "name": "([^"]+)"', line):
            found[match.group(2)] = int(match.group(1))
    return found


def _entry_ids(text: str) -> list[int]:
    return [int(m) for m in re.findall(r'"id": (\d+), "kind": "conditions"', text)]


def _register_stranger(cluster: Cluster, mailbox: Mailbox) -> str:
    """A new account of another family, created through the real registration handler."""
    from mes_app.state.auth import RegisterState

    base_url = cluster.http
    email = f"stranger-{cluster.name}@example.org"  # one mailbox serves both clusters

    async def register() -> None:
        client = cluster.client()
        await client.connect()
        await client.call(HYDRATE, path="/register")
        await client.call(
            handler_name(RegisterState, "submit"),
            {"form_data": {"email": email, "password": "Quiet-river-2026!",
                           "given_name": "Eve", "family_name": "Stranger", "birth_date": "1985-03-03",
                           "sex": "female"}},
            path="/register",
        )
        await client.close()

    asyncio.run(register())
    activate_by_http(mailbox, email)
    cookie = login_cookie(base_url, email, "Quiet-river-2026!")
    assert cookie, "the stranger could not log in"
    return cookie


def test_attacks_over_the_websocket(cluster: Cluster, mailbox: Mailbox) -> None:
    """With two workers, the parent and the stranger are served by different workers, and each
    replay of the parent's token goes to the next one."""
    base = cluster.http
    parent_cookie = login_cookie(base, *PARENT)
    assert parent_cookie
    stranger_cookie = _register_stranger(cluster, mailbox)

    async def scenario() -> None:
        # The parent opens the app: we learn the ids an attacker would try.
        parent = cluster.client(cookie=parent_cookie)
        await parent.connect()
        await parent.call(HYDRATE)
        shell = await parent.call(LOAD_SHELL)
        ids = _profiles(shell)
        hugo_id = next(i for name, i in ids.items() if name.startswith("Hugo"))
        await parent.call(SWITCH, {"profile_id": str(hugo_id)})
        conditions = await parent.call(LOAD_GROUP, path="/record/conditions")
        condition_ids = _entry_ids(conditions)
        assert condition_ids and "Asthme" in conditions

        # 1. Another family's ids sent straight to handlers: nothing comes back, nothing changes.
        stranger = cluster.client(cookie=stranger_cookie)
        await stranger.connect()
        seen = await stranger.call(HYDRATE)
        seen += await stranger.call(LOAD_SHELL)
        assert "Eve Stranger" in seen
        seen += await stranger.call(SWITCH, {"profile_id": str(hugo_id)})
        seen += await stranger.call(SWITCH, {"profile_id": hugo_id})
        seen += await stranger.call(LOAD_GROUP, path="/record/conditions")
        seen += await stranger.call(OPEN_EDIT, {"kind": "conditions", "entry_id": condition_ids[0]}, timeout=3)
        seen += await stranger.call(ASK_DELETE, {"kind": "conditions", "entry_id": condition_ids[0]})
        seen += await stranger.call(CONFIRM_DELETE, path="/record/conditions")
        assert _leaks(seen) == []

        # 2. Arguments of the wrong type: refused quietly, the connection still serves.
        # (A refused no-op changes nothing, so Reflex may send no update: short waits.)
        for payload in ([1, 2], None, {"x": 1}, True, "abc"):
            seen += await stranger.call(SWITCH, {"profile_id": payload}, timeout=3)
            seen += await stranger.call(OPEN_EDIT, {"kind": "conditions", "entry_id": payload}, timeout=2)
            seen += await stranger.call(ASK_DELETE, {"kind": payload, "entry_id": payload}, timeout=2)
            seen += await stranger.call(SUBMIT, {"form_data": payload}, path="/record/conditions", timeout=3)
        assert _leaks(seen) == []
        assert "Eve Stranger" in await stranger.call(LOAD_SHELL)

        still_there = await parent.call(LOAD_GROUP, path="/record/conditions")
        assert set(_entry_ids(still_there)) == set(condition_ids), "a stranger changed the record"

        # 3. Revoking the session (log out elsewhere) stops the very next event.
        token = parent.token
        logout(base, parent_cookie)
        after_logout = await parent.call(LOAD_HOME)
        assert _leaks(after_logout) == []
        assert "/login" in after_logout
        await parent.close()
        await stranger.close()

        # 4. The logged-out parent's client token replayed, without a cookie and with another's.
        for cookie in (None, stranger_cookie, parent_cookie):
            cluster.wait_released(token)
            replay = cluster.client(cookie=cookie, token=token)
            await replay.connect()
            cluster.check_replayed(replay)
            got = await replay.call(HYDRATE)
            got += await replay.call(LOAD_HOME)
            got += await replay.call(LOAD_GROUP, path="/record/conditions")
            assert _leaks(got) == [], f"replayed token leaked with cookie={cookie is not None}"
            await replay.close()

    asyncio.run(scenario())


def test_unknown_event_does_not_log_the_session_cookie(live_server: str) -> None:
    from tests.e2e import server as server_module

    cookie = login_cookie(live_server, *PARENT)

    async def poke() -> None:
        client = WsClient(live_server, cookie=cookie)
        await client.connect()
        await client.call(f"{AppState.get_full_name()}.no_such_handler", timeout=3)
        await client.close()

    asyncio.run(poke())
    log_text = server_module.current_log_text()
    assert "No registered handler" in log_text or "no_such_handler" in log_text
    assert cookie not in log_text
    assert json.dumps(cookie) not in log_text


def test_a_websocket_from_another_site_is_refused(live_server: str) -> None:
    """Cross-site websocket hijacking: the browser would send our cookie, the server refuses."""
    cookie = login_cookie(live_server, *PARENT)

    async def attempt() -> bool:
        client = WsClient(live_server, cookie=cookie)
        client.origin = "https://evil.example"
        try:
            await client.connect()
        except Exception:  # noqa: BLE001 - socketio raises ConnectionError on refusal
            return False
        await client.close()
        return True

    assert asyncio.run(attempt()) is False, "a websocket from another origin was accepted"


def test_a_link_visitors_replayed_token_does_not_bring_back_the_summary(cluster: Cluster) -> None:
    """A visitor opened a passcode link; whoever replays their client token starts from zero."""
    from mes_app.state.link_visit import LinkVisitState
    from mes_app.state.share import ShareState

    parent_cookie = login_cookie(cluster.http, *PARENT)

    async def scenario() -> None:
        parent = cluster.client(cookie=parent_cookie)
        await parent.connect()
        await parent.call(HYDRATE, path="/share")
        await parent.call(LOAD_SHELL, path="/share")
        created = await parent.call(
            handler_name(ShareState, "create_link"),
            {"form_data": {"sec_risk_factors": "on", "expires": "24", "passcode": "4821-river"}},
            path="/share",
        )
        await parent.close()
        secret = link_secret_in(created)
        page = f"/s?k={secret}"

        visitor = cluster.client()
        await visitor.connect()
        await visitor.call(HYDRATE, path=page)
        await visitor.call(handler_name(LinkVisitState, "load_link"), path=page)
        opened = await visitor.call(handler_name(LinkVisitState, "submit_passcode"),
                                    {"form_data": {"passcode": "4821-river"}}, path=page)
        assert "Pénicilline" in opened, "the visitor should see the shared allergies"
        token = visitor.token
        await visitor.close()

        cluster.wait_released(token)
        replay = cluster.client(token=token)
        await replay.connect()
        cluster.check_replayed(replay)
        got = await replay.call(HYDRATE, path=page)
        assert _leaks(got) == [], "a replayed visitor token brought the summary back"
        got = await replay.call(handler_name(LinkVisitState, "load_link"), path=page)
        assert "Pénicilline" not in got  # the passcode is asked again
        await replay.close()

    asyncio.run(scenario())
