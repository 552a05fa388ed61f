"""A share link's visitor (``/s#shlink:/...``, no account): the one-page summary the link shows.

The visitor's state keeps the link id and "passcode given" in backend vars (never trusted from
the browser); nothing reaches a public var before the policy allowed it.
"""

from __future__ import annotations

import reflex as rx

from mes_app.db.engine import new_session
from mes_app.domain.errors import NotFound
from mes_app.domain.summary_view import summary_rows
from mes_app.services import share_links
from mes_app.state.base import AppState, utcnow
from mes_app.state.off_loop import cpu_bound
from mes_app.state.rate_limit import over_limit
from mes_app.state.summary import SummaryMixin


def link_secret(fragment: object, query_secret: object) -> str:
    """The secret of the link this page was opened with: from the ``#shlink:/...`` fragment
    (the form every link has now; the browser reads it and hands it over the websocket with
    the event, it is never in a request line), else from the old ``?k=`` form of links
    handed out before (still opened, so printed QR codes keep working)."""
    from mes_app.web.origin import allowed_origins

    secret = share_links.secret_from_shlink(fragment, allowed_origins())
    if secret is not None:
        return secret
    return query_secret if isinstance(query_secret, str) else ""


class LinkVisitState(SummaryMixin, AppState):
    """``/s#shlink:/...`` (or the old ``/s?k=<secret>``): a visitor without an account."""

    _link_id: int | None = None
    _secret: str = ""
    _passcode_ok: bool = False

    # "" (loading) | not_found | expired | revoked | locked | passcode | open
    link_status: str = ""
    passcode_error: str = ""
    rate_limit_message: str = ""  # shown when link_status is "rate_limited"

    def _forget(self) -> None:
        self._link_id, self._secret, self._passcode_ok = None, "", False
        self._clear_summary()

    def _open(self, session) -> None:  # noqa: ANN001
        link_id, secret = self._link_id, self._secret
        try:
            if link_id is None:  # the callers resolve the link first
                raise NotFound()
            result = share_links.open_summary(session, link_id, self._passcode_ok, now=utcnow())
        except NotFound:
            self._forget()
            self.link_status = "not_found"
            return

        def url(doc) -> str:  # noqa: ANN001
            ticket = share_links.document_ticket(session, link_id, doc.id, now=utcnow())
            return f"/api/s/{secret}/documents/{doc.id}?t={ticket}"

        self._show(summary_rows(result, self._lang(), url))
        self.link_status = "open"

    @rx.event
    def load_link(self):
        self.passcode_error = ""
        url = self.router.url
        secret = link_secret(url.fragment, url.query_parameters.get("k", ""))
        if secret != self._secret:
            self._forget()  # another link: nothing carries over
        self._clear_summary()
        if (refused := over_limit(self, "link_open")) is not None:
            self._forget()
            self.link_status, self.rate_limit_message = "rate_limited", refused
            return
        with new_session() as session:
            opening = share_links.resolve(session, secret, now=utcnow())
            if opening.status != "active":
                self._forget()
                self.link_status = opening.status
                return
            self._link_id, self._secret = opening.link_id, secret
            if opening.needs_passcode and not self._passcode_ok:
                self.link_status = "passcode"
                return
            self._open(session)

    @rx.event
    @cpu_bound  # argon2: never on the event loop
    def submit_passcode(self, form_data: dict):
        if self._link_id is None or not isinstance(form_data, dict):
            return
        passcode = form_data.get("passcode")
        if (refused := over_limit(self, "passcode")) is not None:
            self.passcode_error = refused
            return
        with new_session() as session:
            # the link may have been revoked since the page loaded: resolve it again
            opening = share_links.resolve(session, self._secret, now=utcnow())
            if opening.status != "active" or opening.link_id != self._link_id:
                self._forget()
                self.link_status = opening.status
                return
            result = share_links.check_passcode(session, self._link_id, passcode, now=utcnow())
            if result.ok:
                self._passcode_ok = True
                self.passcode_error = ""
                self._open(session)
                return
            if result.status != "active" or result.remaining_attempts == 0:
                self._forget()
                self.link_status = "locked"
                return
            self.passcode_error = self._text("share.wrong_passcode", n=result.remaining_attempts)
