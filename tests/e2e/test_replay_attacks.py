"""Replayed client tokens, against the real production server, connecting exactly as Reflex's
browser client does (the boot event in the CONNECT packet).

A client token is a bearer key the browser chooses. Whoever replays one — with no cookie, or
with cookies of their own — must start from nothing, whatever the first event of their
connection is: a boot event (``hydrate_and_load``, ``hydrate``, ``on_load_internal``) or any
handler. Three victims: a share-link visitor who typed the passcode, an emergency-card opener,
and an account that logged out. Each runs against one process and against two workers sharing
Redis (``cluster``): the victim and the attacker are then served by different workers.
"""

from __future__ import annotations

import asyncio
import re

import pytest

from mes_app.services import share_links
from mes_app.state.base import AppState
from mes_app.state.binding import all_state_classes
from mes_app.state.emergency import EmergencyState
from mes_app.state.emergency_visit import EmergencyVisitState
from mes_app.state.home import HomeState
from mes_app.state.link_visit import LinkVisitState
from mes_app.state.records import RecordState
from mes_app.state.share import ShareState
from tests.e2e.cluster import Cluster
from tests.e2e.ws_client import (
    BOOT_EVENTS,
    HYDRATE,
    WsClient,
    handler_name,
    login_cookie,
    logout,
    visitor_cookie,
)


def link_secret_in(created: str) -> str | None:
    """The secret of the link in a created-link answer (``<origin>/s#shlink:/...``)."""
    found = re.search(r"(https?://[^/\"]+)/s#(shlink:/[A-Za-z0-9_-]+)", created)
    return share_links.secret_from_shlink(found.group(2), (found.group(1),)) if found else None

pytestmark = pytest.mark.e2e

PARENT = ("parent@demo.mes", "Demo-parent-2026")
PASSCODE = "4821-river"
# What the victims saw: the shared allergy, the family's names.
FAMILY_WORDS = ("Camille", "Léa", "Hugo", "Martin", "Pénicilline", "Asthme")


def _leaks(text: str, *secrets: str) -> list[str]:
    return [word for word in (*FAMILY_WORDS, *secrets) if word and word in text]


def _handlers(state_cls: type) -> list[str]:
    """Every event handler a browser can call on this state (inherited ones included)."""
    return sorted(handler_name(state_cls, name) for name in state_cls.event_handlers)


async def _replay(cluster: Cluster, token: str, first_event: str, path: str, visitor: str | None,
                  cookie: str | None = None) -> str:
    """Connect with a stolen token; ``first_event`` is the connection's very first event;
    then ask for the whole state. Returns everything the server sent."""
    cluster.wait_released(token)
    attacker = cluster.client(token=token, visitor=visitor, cookie=cookie)
    if first_event in BOOT_EVENTS and first_event != HYDRATE:
        seen = await attacker.connect(path=path, boot=first_event)
    else:
        seen = await attacker.connect(path=path, boot=None)
        seen += await attacker.call(first_event, path=path, timeout=3)
    seen += await attacker.call(HYDRATE, path=path)
    await attacker.close()
    cluster.check_replayed(attacker)
    return seen


def _first_events(*states: type) -> list[str]:
    events = list(BOOT_EVENTS)
    for state in states:
        events += [name for name in _handlers(state) if name not in events]
    return events


# --------------------------------------------------------------------------- share link


async def _create_passcode_link(cluster: Cluster) -> str:
    parent = cluster.client(cookie=login_cookie(cluster.http, *PARENT))
    await parent.connect(path="/share")
    created = await parent.call(
        handler_name(ShareState, "create_link"),
        {"form_data": {"sec_risk_factors": "on", "expires": "24", "passcode": PASSCODE}},
        path="/share",
    )
    await parent.close()
    return link_secret_in(created)


async def _visitor_unlocks(cluster: Cluster, page: str, visitor: str, token: str | None = None) -> WsClient:
    client = cluster.client(visitor=visitor, **({"token": token} if token else {}))
    asked = await client.connect(path=page)
    assert '"passcode"' in asked, "the link should ask for the passcode first"
    opened = await client.call(handler_name(LinkVisitState, "submit_passcode"),
                               {"form_data": {"passcode": PASSCODE}}, path=page)
    assert "Pénicilline" in opened, "the visitor should see the shared allergies"
    return client


def test_a_link_visitors_replayed_token_brings_back_nothing_whatever_the_first_event(cluster: Cluster) -> None:
    async def scenario() -> None:
        secret = await _create_passcode_link(cluster)
        page = f"/s?k={secret}"
        victim_cookie = visitor_cookie(cluster.http, page)
        other_cookie = visitor_cookie(cluster.http, "/")
        assert victim_cookie != other_cookie
        failures = []
        cases = [(event, None) for event in _first_events(LinkVisitState)]
        cases += [(event, other_cookie) for event in BOOT_EVENTS]
        for first_event, attacker_cookie in cases:
            victim = await _visitor_unlocks(cluster, page, victim_cookie)
            token = victim.token
            await victim.close()
            # Without the secret in the URL: any trace of it in what comes back is a leak.
            seen = await _replay(cluster, token, first_event, "/s", attacker_cookie)
            if leaked := _leaks(seen, secret):
                failures.append((first_event.rsplit(".", 1)[-1], attacker_cookie is not None, leaked))
            # The stolen token does not open the link without the passcode either.
            cluster.wait_released(token)
            again = cluster.client(token=token)
            reopened = await again.connect(path=page)
            await again.close()
            cluster.check_replayed(again)
            assert "Pénicilline" not in reopened and '"passcode"' in reopened, first_event
        assert failures == [], f"replayed visitor token leaked: {failures}"

        # The visitor's own browser (same token, same visitor cookie) keeps the open summary
        # across a reconnect: the binding is the cookie, not the connection.
        victim = await _visitor_unlocks(cluster, page, victim_cookie)
        token = victim.token
        await victim.close()
        cluster.wait_released(token)
        back = cluster.client(token=token, visitor=victim_cookie)
        seen = await back.connect(path=page)
        await back.close()
        cluster.check_replayed(back)
        assert "Pénicilline" in seen, "the visitor's own reconnect should keep the open summary"

    asyncio.run(scenario())


# --------------------------------------------------------------------------- emergency card


async def _emergency_url(cluster: Cluster) -> str:
    parent = cluster.client(cookie=login_cookie(cluster.http, *PARENT))
    await parent.connect(path="/emergency-card")
    await parent.call(handler_name(EmergencyState, "ask_confirm"), {"action": "renew"}, path="/emergency-card",
                      timeout=3)
    seen = await parent.call(handler_name(EmergencyState, "save_card"),
                             {"form_data": {"card_risk_factors": "on"}}, path="/emergency-card")
    found = re.search(r"/urgence\?k=([A-Za-z0-9_-]{43})", seen)
    if found is None:  # the card was already on: renew it to see its link once
        await parent.call(handler_name(EmergencyState, "ask_confirm"), {"action": "renew"}, path="/emergency-card")
        seen = await parent.call(handler_name(EmergencyState, "confirm"), path="/emergency-card")
        found = re.search(r"/urgence\?k=([A-Za-z0-9_-]{43})", seen)
    await parent.close()
    assert found, "the card's link should be shown once when it is turned on"
    return found.group(1)


def test_an_emergency_openers_replayed_token_brings_back_nothing(cluster: Cluster) -> None:
    async def scenario() -> None:
        secret = await _emergency_url(cluster)
        page = f"/urgence?k={secret}"
        victim_cookie = visitor_cookie(cluster.http, page)
        failures = []
        cases = [(event, None) for event in _first_events(EmergencyVisitState)]
        cases += [(event, visitor_cookie(cluster.http, "/")) for event in BOOT_EVENTS]
        for first_event, attacker_cookie in cases:
            opener = cluster.client(visitor=victim_cookie)
            await opener.connect(path=page)
            opened = await opener.call(handler_name(EmergencyVisitState, "submit_opener"),
                                       {"form_data": {"opener_name": "Jean Secours", "opener_role": "pompier"}},
                                       path=page)
            assert "Pénicilline" in opened, "the opener should see the allergies on the card"
            token = opener.token
            await opener.close()
            seen = await _replay(cluster, token, first_event, "/urgence", attacker_cookie)
            if leaked := _leaks(seen, secret, "Jean Secours"):
                failures.append((first_event.rsplit(".", 1)[-1], attacker_cookie is not None, leaked))
        assert failures == [], f"replayed emergency-opener token leaked: {failures}"

    asyncio.run(scenario())


# --------------------------------------------------------------------------- logged-out account


def test_a_logged_out_accounts_replayed_token_brings_back_nothing(cluster: Cluster) -> None:
    async def scenario() -> None:
        stranger_cookie = None
        failures = []
        cases = [(event, "none") for event in _first_events(AppState, HomeState)]
        cases += [(event, "own-revoked") for event in BOOT_EVENTS]
        for first_event, attacker in cases:
            cookie = login_cookie(cluster.http, *PARENT)
            victim = cluster.client(cookie=cookie)
            home = await victim.connect(path="/")
            home += await victim.call(handler_name(RecordState, "load_group"), path="/record/risk_factors")
            assert "Pénicilline" in home, "the parent should see her record"
            token = victim.token
            await victim.close()
            logout(cluster.http, cookie)
            replay_cookie = cookie if attacker == "own-revoked" else stranger_cookie
            seen = await _replay(cluster, token, first_event, "/record/risk_factors", None, cookie=replay_cookie)
            if leaked := _leaks(seen):
                failures.append((first_event.rsplit(".", 1)[-1], attacker, leaked))
        assert failures == [], f"replayed logged-out token leaked: {failures}"

    asyncio.run(scenario())


def test_every_state_class_is_reset_by_a_binding_change() -> None:
    """The reset reaches every state of the tree (under Redis an event loads only its branch)."""
    import importlib
    import inspect
    import pkgutil

    from reflex.state import BaseState

    import mes_app.state as state_package

    defined = set()
    for module_info in pkgutil.iter_modules(state_package.__path__):
        module = importlib.import_module(f"mes_app.state.{module_info.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            is_mixin = getattr(obj, "_mixin", False)
            if issubclass(obj, BaseState) and obj.__module__ == module.__name__ and not is_mixin:
                defined.add(obj.get_full_name())
    reached = {cls.get_full_name() for cls in all_state_classes()}
    assert LinkVisitState.get_full_name() in reached
    assert EmergencyVisitState.get_full_name() in reached
    assert defined - reached == set()
