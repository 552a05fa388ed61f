"""Reset a connection's state whenever the user behind its cookie changes.

Reflex keeps state per client token, and the token is chosen by the browser: replaying a
logged-out user's token would hand over their state. This middleware runs before every
event (hydrate included): if the session cookie of *this connection* does not belong to the
user the state was bound to, the whole loaded state is wiped and rebound first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflex.middleware import Middleware
from reflex_base.event import get_hydrate_event

from mes_app.db.engine import new_session
from mes_app.state.base import AppState, identity_from_cookie_header, utcnow

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState
    from reflex_base.event import Event


class SessionBindingMiddleware(Middleware):
    async def preprocess(self, app: App, state: BaseState, event: Event):  # noqa: ANN201
        app_state = await state.get_state(AppState)
        with new_session() as session:
            identity = identity_from_cookie_header(session, app_state.router.headers.cookie, utcnow())
        user_id = identity.user_id if identity else None
        # Without an account, a (re)connecting page starts empty: a link visitor's replayed
        # token must not bring back a summary opened with a passcode. Every page's on_load
        # derives its data again from the URL secret.
        anonymous_hydrate = user_id is None and event.name == get_hydrate_event(state)
        if app_state._bound_user_id != user_id or anonymous_hydrate:
            lang = app_state.lang  # the language the browser chose is not a secret: keep it
            state.reset()
            app_state.lang = lang
            app_state._bound_user_id = user_id
        return None
