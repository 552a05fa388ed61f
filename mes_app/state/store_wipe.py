"""Wiping client states: the whole tree of one client, every client of an ended session
(log-out, on any worker), a closed connection's after a grace period.

The rules are in :mod:`mes_app.state.binding`, whose middleware uses this before every event.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from typing import TYPE_CHECKING

from reflex.state import _ROUTER_FIELD_NAMES, State

from mes_app.settings import settings
from mes_app.state.base import AppState
from mes_app.web import auth

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState

log = logging.getLogger(__name__)

# Seconds a closed connection's view data is kept for a reconnect (phone asleep, tunnel).
DISCONNECT_GRACE_SECONDS = settings.disconnect_grace_seconds
# What survives a wipe after a disconnect: not health data, and it keeps a reconnect in place.
_KEPT_ON_DISCONNECT = ("_binding", "_bound_user_id", "_active_profile_id")


def binding_key(session_id: int | None, visitor_secret: str | None, connection_id: str | None) -> str:
    """Who a state belongs to: a session, a visitor's browser, or one connection."""
    if session_id is not None:
        return f"session:{session_id}"
    if visitor_secret:
        return "visitor:" + hashlib.sha256(visitor_secret.encode()).hexdigest()
    return f"connection:{connection_id or ''}"


def all_state_classes(root: type[BaseState] = State) -> list[type[BaseState]]:
    """Every state class of the app's tree, parents before children."""
    found = [root]
    for substate in root.get_substates():
        found.extend(all_state_classes(substate))
    return found


async def load_whole_tree(root: BaseState) -> None:
    """Make sure every substate is loaded, so that a reset reaches all of them.

    With the memory and disk managers the tree is always whole; under Redis an event loads
    only its own branch, and a reset of that branch would leave the rest for a later event.
    """
    for cls in all_state_classes(type(root))[1:]:
        await root.get_state(cls)


async def wipe(root: BaseState, keep: tuple[str, ...] = ()) -> None:
    """Reset every var of every substate; ``keep`` names AppState vars to carry over."""
    await load_whole_tree(root)
    app_state = await root.get_state(AppState)
    kept = {name: getattr(app_state, name) for name in ("lang", *keep)}
    _reset_tree(root)
    for name, value in kept.items():
        setattr(app_state, name, value)


def _reset_tree(state: BaseState) -> None:
    """``BaseState.reset`` of the whole tree, but a var already at its default is not set
    again: a state that holds nothing (a new client's, or one never used) then stays
    untouched, so the store does not keep a copy of every state class for every client."""
    cls = type(state)
    for name, field in cls.__fields__.items():
        if field._owner is cls and name not in _ROUTER_FIELD_NAMES:
            default = field.default_value()
            if getattr(state, name) != default:
                setattr(state, name, default)
    for substate in state.substates.values():
        _reset_tree(substate)


# --------------------------------------------------------------------------- logout

# Client tokens bound to each key, for the wipe at logout (in this process; under Redis, in
# Redis so that any worker's log-out route finds them).
_tokens_by_key: dict[str, set[str]] = {}
_app: App | None = None
_REGISTRY_SECONDS = 7 * 24 * 3600


def _redis_of(app: App):  # noqa: ANN202
    from reflex.istate.manager.redis import StateManagerRedis

    manager = app.state_manager
    return manager.redis if isinstance(manager, StateManagerRedis) else None


def _registry_key(key: str) -> str:
    return "mes:binding:" + hashlib.sha256(key.encode()).hexdigest()


def attach(app: App) -> None:
    """Called once per worker process when the app is built: the log-out route of *any*
    worker (several under Redis) must reach the state manager, even before its first event."""
    global _app
    _app = app
    auth.on_session_end(end_session_states)


async def _remember_token(app: App, key: str, token: str) -> None:
    if not token or not key.startswith("session:"):
        return
    redis = _redis_of(app)
    if redis is not None:
        # redis-py types its commands for the sync and async clients at once (int | Awaitable)
        await redis.sadd(_registry_key(key), token)  # pyright: ignore[reportGeneralTypeIssues]
        await redis.expire(_registry_key(key), _REGISTRY_SECONDS)
    else:
        _tokens_by_key.setdefault(key, set()).add(token)


async def end_session_states(session_id: int) -> None:
    """Wipe every client state bound to this (now revoked) session, at once."""
    app = _app
    if app is None:
        return
    key = binding_key(session_id, None, None)
    redis = _redis_of(app)
    if redis is not None:
        members = await redis.smembers(_registry_key(key))  # pyright: ignore[reportGeneralTypeIssues] - as sadd
        tokens = {t.decode() if isinstance(t, bytes) else t for t in members}
        await redis.delete(_registry_key(key))
    else:
        tokens = _tokens_by_key.pop(key, set())
    for token in tokens:
        await _wipe_token(app, token, only_if_bound_to=key)


async def _wipe_token(app: App, token: str, *, only_if_bound_to: str | None = None, keep: tuple[str, ...] = ()) -> None:
    from reflex.istate.manager.token import BaseStateToken

    state_token = BaseStateToken(ident=token, cls=State)
    try:
        async with app.modify_state(state_token) as root:
            app_state = await root.get_state(AppState)
            if only_if_bound_to is None or app_state._binding == only_if_bound_to:
                await wipe(root, keep=keep)
        await _end_lease(app, state_token.lock_key)
    except Exception:  # noqa: BLE001 - a failed wipe must never break the server
        log.exception("could not wipe a client state")


async def _end_lease(app: App, lock_key: str) -> None:
    """End this worker's lease on the client's state (Settings.redis_state_lease_seconds) now,
    so that Redis gets the wiped state at once, not the page's data until the lease ends.
    Reflex 0.10 keeps a task per leased lock key; cancelling it is how Reflex flushes on close."""
    leases = getattr(app.state_manager, "_local_leases", None)
    if (lease := leases.get(lock_key) if isinstance(leases, dict) else None) is not None:
        lease.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await lease


# --------------------------------------------------------------------------- disconnects

_watched: set[int] = set()


def _watch_disconnects(app: App) -> None:
    """Wrap the websocket namespace's disconnect handler once per process."""
    namespace = app.event_namespace
    if namespace is None or id(namespace) in _watched:
        return
    _watched.add(id(namespace))
    original = namespace.on_disconnect

    def on_disconnect(sid: str):  # noqa: ANN202
        token = namespace.sid_to_token.get(sid)
        result = original(sid)
        if token:
            loop = asyncio.get_running_loop()
            loop.call_later(DISCONNECT_GRACE_SECONDS, lambda: loop.create_task(_wipe_if_gone(app, token)))
        return result

    namespace.on_disconnect = on_disconnect


async def _wipe_if_gone(app: App, token: str) -> None:
    """Wipe a closed connection's view data, unless the client came back meanwhile."""
    namespace = app.event_namespace
    try:
        if namespace is None or await namespace._token_manager.is_token_connected(token):
            return
    except Exception:  # noqa: BLE001
        log.exception("could not check a closed connection")
        return
    await _wipe_token(app, token, keep=_KEPT_ON_DISCONNECT)
