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

Health data stay in a state only as long as a page needs them:

- leaving a page (an event from another path) resets the states that page used;
- logging out wipes, at once, every client state bound to that session
  (:func:`end_session_states`, run by the log-out route through :func:`mes_app.web.auth.sessions_ended`);
- when a connection closes, its view data is wiped after a short grace period (a reconnecting
  phone keeps its place): only the binding, the language and the chosen profile survive, none
  of which is health data.

Whatever the state manager (memory, disk, Redis), the store therefore holds no health data
once a page is closed or its session has ended.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from reflex.event import fix_events
from reflex.middleware.middleware import Middleware
from reflex.state import StateUpdate
from sqlalchemy.exc import DBAPIError

from mes_app.db.engine import new_session, off_loop
from mes_app.state.admission import admit_in_turn
from mes_app.state.base import AppState, forget_event_identity, remember_event_identity, utcnow
from mes_app.state.store_wipe import _remember_token, _watch_disconnects, all_state_classes, binding_key, wipe
from mes_app.state.store_wipe import attach as attach
from mes_app.state.store_wipe import end_session_states as end_session_states
from mes_app.web import auth, unavailable
from mes_app.web.visitor_cookie import VISITOR_COOKIE

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState
    from reflex_base.event import Event

log = logging.getLogger(__name__)



class SessionBindingMiddleware(Middleware):
    async def preprocess(self, app: App, state: BaseState, event: Event):  # noqa: ANN201
        _watch_disconnects(app)
        admit_in_turn(app)  # from the next event on, a worker runs a few events at once
        forget_event_identity()  # nothing of a previous event is ever handed to this one
        app_state = await state.get_state(AppState)
        router = app_state.router
        cookie_header = router.headers.cookie
        unavailable.remember_event_lang(auth.lang_from_cookie_header(cookie_header))
        try:
            identity = await off_loop(_resolve, cookie_header)
        except DBAPIError as error:
            if not unavailable.is_unavailable(error):
                raise
            # The database is away: this event is not run, the user is told to try again.
            unavailable.log_unavailable(error)
            return StateUpdate(events=fix_events([unavailable.toast(auth.lang_from_cookie_header(cookie_header))],
                                                 router.session.client_token), final=True)
        # The handler of this event takes the identity from here instead of resolving it again.
        remember_event_identity(router.session.client_token, cookie_header, identity)
        key = binding_key(
            identity.session_id if identity else None,
            auth.cookie_value(cookie_header, VISITOR_COOKIE),
            router.session.session_id,
        )
        if app_state._binding != key:
            await wipe(state)
            app_state = await state.get_state(AppState)
            app_state._binding = key
            app_state._bound_user_id = identity.user_id if identity else None
            await _remember_token(app, key, router.session.client_token)
        await _forget_left_page(state, app_state, event)
        return None


def _resolve(cookie_header: str | None):  # noqa: ANN202 - auth.resolve's Identity | None
    with new_session() as session:
        return auth.resolve(session, cookie_header, utcnow(), enrolling=True)  # states check must_enrol


# --------------------------------------------------------------------------- pages left

# States the layout shows on every page (no health data): kept when the user changes page.
_SHELL_STATE_NAMES = ("unread_state",)


def _state_of_event(event_name: str) -> str:
    return event_name.rpartition(".")[0]


async def _forget_left_page(root: BaseState, app_state: AppState, event: Event) -> None:
    """Reset the states the previous page used once an event comes from another path.

    ``_page_states`` lists the states whose handlers ran since the page was opened; only
    those are loaded and reset, so this costs nothing on events of the same page.
    """
    path = str((event.router_data or {}).get("pathname") or "")
    if path and path != app_state._page_path:
        if app_state._page_path:
            by_name = {cls.get_full_name(): cls for cls in all_state_classes()}
            for name in app_state._page_states:
                cls = by_name.get(name)
                if cls is not None:
                    (await root.get_state(cls)).reset()
        app_state._page_path = path
        app_state._page_states = []
    name = _state_of_event(event.name)
    if name.startswith(AppState.get_full_name() + ".") and not name.endswith(_SHELL_STATE_NAMES) \
            and name not in app_state._page_states:
        app_state._page_states = [*app_state._page_states, name]


