"""Bind every client state to who is on the connection; wipe it when that changes or ends.

Reflex keeps state per client token, and the token is chosen by the browser: anyone who
replays a token would get that state back, backend vars included. So each state is bound to
a key that only the server can vouch for, worked out again before *every* event, whatever
its name (``hydrate_and_load`` from the CONNECT packet, ``hydrate``, ``on_load_internal`` or
any handler sent as the first event of a connection):

- a signed-in account: its server-side session (from the HttpOnly session cookie);
- a visitor without an account (share link, emergency card): the HttpOnly visitor cookie set
  by :mod:`mes_app.web.visitor_cookie`;
- neither cookie: the websocket connection itself, so nothing outlives the connection.

When the key differs from the one the state was bound to, the whole state tree is loaded
(under Redis only the event's branch is loaded otherwise) and reset before the event runs.

When a connection closes, its view data is wiped after a short grace period (a reconnecting
phone keeps its place): only the binding, the language and the chosen profile survive, none
of which is health data. The disk state store never sees health data at rest for longer than
a page is open.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import TYPE_CHECKING

from reflex.middleware import Middleware
from reflex.state import State

from mes_app.db.engine import new_session
from mes_app.state.base import AppState, identity_from_cookie_header, utcnow
from mes_app.web.visitor_cookie import VISITOR_COOKIE, cookie_value

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState
    from reflex_base.event import Event

log = logging.getLogger(__name__)

# Seconds a closed connection's view data is kept for a reconnect (phone asleep, tunnel).
DISCONNECT_GRACE_SECONDS = 30.0
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
    root.reset()
    for name, value in kept.items():
        setattr(app_state, name, value)


class SessionBindingMiddleware(Middleware):
    async def preprocess(self, app: App, state: BaseState, event: Event):  # noqa: ANN201
        _watch_disconnects(app)
        app_state = await state.get_state(AppState)
        router = app_state.router
        cookie_header = router.headers.cookie
        with new_session() as session:
            identity = identity_from_cookie_header(session, cookie_header, utcnow())
        key = binding_key(
            identity.session_id if identity else None,
            cookie_value(cookie_header, VISITOR_COOKIE),
            router.session.session_id,
        )
        if app_state._binding != key:
            await wipe(state)
            app_state = await state.get_state(AppState)
            app_state._binding = key
            app_state._bound_user_id = identity.user_id if identity else None
        return None


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
    from reflex.istate.manager.token import BaseStateToken

    try:
        namespace = app.event_namespace
        if namespace is None or await namespace._token_manager.is_token_connected(token):
            return
        async with app.modify_state(BaseStateToken(ident=token, cls=State)) as root:
            await wipe(root, keep=_KEPT_ON_DISCONNECT)
    except Exception:  # noqa: BLE001 - a failed wipe must never break the server
        log.exception("could not wipe the state of a closed connection")
