"""Removal from the care team over the real websocket: the GP keeps Hugo's page open, the parent
removes him, and the GP's very next event shows nothing. The GP is put back at the end (the
demo data is shared by every browser test)."""

from __future__ import annotations

import asyncio
import re

import pytest

from mes_app.state.base import AppState
from mes_app.state.care_team import CareTeamState
from mes_app.state.records import RecordState
from tests.e2e.cluster import Cluster
from tests.e2e.ws_client import HYDRATE, handler_name, login_cookie

pytestmark = pytest.mark.e2e

PARENT = ("parent@demo.mes", "Demo-parent-2026")
DOCTOR = ("medecin@demo.mes", "Demo-medecin-2026")
LOAD_SHELL = handler_name(AppState, "load_shell")
SWITCH = handler_name(AppState, "switch_profile")
LOAD_GROUP = handler_name(RecordState, "load_group")
LOAD_TEAM = handler_name(CareTeamState, "load_care_team")
ASK_REMOVE = handler_name(CareTeamState, "ask_remove")
CONFIRM_REMOVE = handler_name(CareTeamState, "confirm_remove")
ADD = handler_name(CareTeamState, "add_professional")


def _profile_id(text: str, given: str) -> int:
    return int(re.search(r'"id": (\d+), "name": "' + given, text).group(1))


def test_a_removed_professional_sees_nothing_on_the_next_event(cluster: Cluster) -> None:
    """With two workers, the parent and the GP are served by different workers."""
    base = cluster.http
    parent_cookie, doctor_cookie = login_cookie(base, *PARENT), login_cookie(base, *DOCTOR)
    assert parent_cookie and doctor_cookie

    async def scenario() -> None:
        parent = cluster.client(cookie=parent_cookie)
        await parent.connect()
        await parent.call(HYDRATE)
        hugo = _profile_id(await parent.call(LOAD_SHELL), "Hugo")
        await parent.call(SWITCH, {"profile_id": str(hugo)})

        doctor = cluster.client(cookie=doctor_cookie)
        await doctor.connect()
        await doctor.call(HYDRATE)
        await doctor.call(LOAD_SHELL)
        await doctor.call(SWITCH, {"profile_id": str(hugo)})
        before = await doctor.call(LOAD_GROUP, path="/record/conditions")
        assert "Asthme" in before
        if cluster.redis_url:  # two workers: the state lives in Redis, not in either process
            assert cluster.holds_state(doctor.token) and doctor.base_url != parent.base_url

        team = await parent.call(LOAD_TEAM, path="/care-team")
        rid = int(re.search(r'"members_rx_state_": \[\{"id": (\d+)', team).group(1))
        await parent.call(ASK_REMOVE, {"relationship_id": rid}, path="/care-team")
        removed = await parent.call(CONFIRM_REMOVE, path="/care-team")
        assert '"members_rx_state_": []' in removed
        try:
            after = await doctor.call(LOAD_GROUP, path="/record/conditions")
            assert "Asthme" not in after and "Hugo" not in after
            assert "Asthme" not in await doctor.call(LOAD_SHELL)
        finally:  # put the GP back for the other browser tests
            back = await parent.call(ADD, {"form_data": {"identifier": DOCTOR[0]}}, path="/care-team")
            assert '"members_rx_state_": [{"id"' in back
        await doctor.call(SWITCH, {"profile_id": str(hugo)})  # his switcher had moved elsewhere
        assert "Asthme" in await doctor.call(LOAD_GROUP, path="/record/conditions")
        await parent.close()
        await doctor.close()

    asyncio.run(scenario())
