"""The root of the app's states: identity, language, the profile switcher.

Identity never comes from Reflex's client token (the browser chooses it and can replay it):
every event re-reads the HttpOnly session cookie from the connection headers and looks the
session up in the database (:mod:`mes_app.web.auth`). The binding middleware
(:mod:`mes_app.state.binding`) does it once per event, before the handler runs, and hands the
result over in a context variable (:func:`remember_event_identity`): each event runs in its own
asyncio task, the middleware sets the variable afresh before every event, and a handler takes
it once, only when it was resolved for its own client token and the very same ``Cookie``
header. Otherwise (a unit test, a second use case in the same handler, a background task) the
session is resolved again.

Every handler that needs the user runs its use case through :meth:`AppState._run_as_user`.
Ids that decide access live in backend vars (``_name``).

Handlers are written as plain synchronous methods, and Reflex runs them in the database threads
(:func:`mes_app.db.engine.off_loop`, see :mod:`mes_app.state.off_loop`): their database round trips
never block the worker's event loop. An ``async`` handler runs its synchronous part through
:meth:`AppState._off_loop` (e.g. ``MeasuresState.load_measures``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Generic, TypeVar, cast

import reflex as rx
from reflex.state import _override_base_method
from reflex_base.event import EventHandler
from sqlmodel import Session

from mes_app import i18n
from mes_app.db.engine import new_session, off_loop
from mes_app.domain.access import UserActor, account_abilities
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import accounts, capabilities, profiles
from mes_app.services.profiles import ProfileView
from mes_app.state.off_loop import OffLoopHandler, in_db_thread, runs_off_loop
from mes_app.web import auth

log = logging.getLogger(__name__)

LOGIN_ROUTE = "/login"
SECURITY_ROUTE = "/account/security"  # issue 15 item 3: where an account that must enrol is sent


def utcnow() -> datetime:
    return datetime.now(UTC)


class SessionGone(Exception):
    """No valid session behind this event: the user must log in (again)."""


class EnrolmentNeeded(Exception):
    """The account must turn two-factor sign-in on before anything else (issue 15, item 3)."""


T = TypeVar("T")
PageState = TypeVar("PageState", bound="AppState")


@dataclass(frozen=True)
class Ran(Generic[T]):
    """How a use case run by :meth:`AppState._run_as_user` ended."""

    ok: bool
    value: T | None = None  # what the work returned (when ok)
    event: rx.event.EventSpec | None = None  # the redirect to /login when the session is gone
    error: Exception | None = None  # the refusal (not found, forbidden, invalid input)

    @property
    def gone(self) -> bool:
        return self.event is not None


Outcome = Ran  # the former name


@dataclass(frozen=True)
class Context:
    session: Session
    actor: UserActor
    identity: accounts.Identity
    now: datetime


identity_from_cookie_header = auth.resolve  # the former name


@dataclass(frozen=True)
class EventIdentity:
    """Who the binding middleware found on this event's connection, and for which client."""

    client_token: str
    cookie_header: str | None
    identity: accounts.Identity | None


_event_identity: ContextVar[EventIdentity | None] = ContextVar("mes_event_identity", default=None)


def remember_event_identity(client_token: str, cookie_header: str | None, identity: accounts.Identity | None) -> None:
    """Called by the binding middleware before every event (it replaces the previous one)."""
    _event_identity.set(EventIdentity(client_token or "", cookie_header, identity))


def forget_event_identity() -> None:
    _event_identity.set(None)


class AppState(rx.State):
    """Shared by every page: who is logged in (as view data), language, active profile."""

    @classmethod
    @_override_base_method  # Reflex's own hook, overridden on purpose
    def _create_event_handler(cls, fn: Any, event_handler_cls: type[EventHandler] = EventHandler):  # noqa: ANN206
        if event_handler_cls is EventHandler and runs_off_loop(fn):
            return super()._create_event_handler(in_db_thread(fn), OffLoopHandler)
        return super()._create_event_handler(fn, event_handler_cls)

    async def _off_loop(self, work: Callable[..., T], *args: Any) -> T:
        """The synchronous part of an ``async`` handler, in the database threads."""
        return await off_loop(work, *args)

    _binding: str = ""  # who this state belongs to: see mes_app/state/binding.py
    # The page the last event came from, and the states its handlers used (see binding.py).
    _page_path: str = ""
    _page_states: list[str] = []
    _bound_user_id: int | None = None
    # Only the security page serves an account that must turn the second factor on first.
    _serves_enrolment: ClassVar[bool] = False
    _active_profile_id: int | None = None

    lang: str = rx.Cookie("fr", name="mes_lang", same_site="strict", max_age=365 * 24 * 3600)
    user_name: str = ""
    # What the account can do whatever profile is shown (domain.access.account_abilities).
    may_add_child: bool = False
    follows_patients: bool = False
    runs_the_service: bool = False  # an operator: the console's navigation, no record
    profiles: list[ProfileView] = []
    active_name: str = ""
    active_age: str = ""
    active_birth_date: str = ""
    active_relationship: str = ""
    active_kind: str = ""
    active_value: str = ""  # the switcher's selected option (a profile id as text)
    notice: str = ""
    # What the actor may do on the active profile, from services.capabilities (never from a
    # role string): pages show "not shared", an add button, the sharing pages accordingly.
    shared_sections: list[str] = []
    addable_sections: list[str] = []
    manages_active: bool = False
    own_record: bool = False
    can_start_thread: bool = False
    partial_share: bool = False  # only some sections are shared with the viewer (a caregiver)
    can_export: bool = False  # may download the record as FHIR (services.capabilities)
    # teen: the "invisible to legal representatives" switch; the hand-over at 18
    can_hide_from_guardians: bool = False
    can_hand_over: bool = False

    @rx.var
    def is_logged_in(self) -> bool:
        return bool(self.user_name)

    @rx.var
    def export_href(self) -> str:
        """The FHIR export of the active profile (the route checks the access again)."""
        return f"/api/profiles/{self.active_value}/export.fhir.json" if self.active_value else ""

    @rx.var
    def can_manage_active(self) -> bool:
        return self.manages_active

    @rx.var
    def record_title(self) -> str:
        """ "My record" on one's own profile, "<name>'s record" on anyone else's."""
        lang = self._lang()
        if self.own_record or not self.active_name:
            return i18n.t("record.title", lang)
        return i18n.t("record.title_of", lang, name=self.active_name)

    # ------------------------------------------------------------------ helpers (not events)

    def _lang(self) -> str:
        return self.lang if self.lang in i18n.LANGS else i18n.DEFAULT_LANG

    def _text(self, key: str, **params: object) -> str:
        return i18n.t(key, self._lang(), **params)

    def _error_text(self, error: Exception) -> str:
        if isinstance(error, ValidationError):
            return self._text(error.code, **error.params)
        if isinstance(error, NotFound):
            return self._text("error.not_found")
        if isinstance(error, Forbidden):
            return self._text("error.forbidden")
        return self._text("error.generic")

    @contextmanager
    def _context(self) -> Iterator[Context]:
        """A database session and the actor of *this* event, from the session cookie.

        Raises SessionGone when the cookie is missing, unknown, expired or revoked.
        """
        now = utcnow()
        with new_session() as session:
            identity = self._event_identity(session, now)
            if identity is None or identity.user_id != self._bound_user_id:
                raise SessionGone()
            if identity.must_enrol and not self._serves_enrolment:
                raise EnrolmentNeeded()
            yield Context(session, auth.actor_of(identity), identity, now)

    def _event_identity(self, session: Session, now: datetime) -> accounts.Identity | None:
        """The identity the middleware resolved for this very event, else resolved now.

        Taken once: a second use case in the same handler, or a background task still running
        later, looks the session up again (and so notices a log-out meanwhile).
        """
        cookie_header = self.router.headers.cookie
        found = _event_identity.get()
        _event_identity.set(None)
        if found is not None and found.client_token == (self.router.session.client_token or "") \
                and found.cookie_header == cookie_header:
            return found.identity
        return auth.resolve(session, cookie_header, now, enrolling=True)  # _context checks must_enrol

    def _run_as_user(
        self,
        work: Callable[[Context], T],
        *,
        error_attr: str | None = "error",
        format_error: Callable[[Exception], str] | None = None,
    ) -> Ran[T]:
        """Run one use case as the user of this event's session, and say how it ended.

        ``work(ctx)`` gets the database session, the actor and the time; what it returns is
        ``Ran.value``. A gone session (no cookie, unknown, expired, revoked, another user than
        the one this state is bound to) gives ``Ran.event``, the redirect to the log-in page,
        and clears the user's view data. A refusal (not found, forbidden, invalid input) is
        ``Ran.error``, and its text (``format_error``, by default :meth:`_error_text`) goes
        into ``error_attr`` unless that is None.
        """
        try:
            with self._context() as ctx:
                self._show_identity(ctx)
                value = work(ctx)
        except SessionGone:
            return Ran(False, event=self._to_login())
        except EnrolmentNeeded:
            self._clear_user()
            on_page = (self.router.url.path or "").rstrip("/") == SECURITY_ROUTE
            return Ran(False, event=None if on_page else rx.redirect(SECURITY_ROUTE))
        except (NotFound, Forbidden, ValidationError) as error:
            if error_attr is not None:
                setattr(self, error_attr, (format_error or self._error_text)(error))
            return Ran(False, error=error)
        return Ran(True, value)

    async def _fill_other_state(self, cls: type[PageState]) -> PageState:
        """Another page state this handler fills (e.g. the chart, from the measures page's one
        on_load). Listed with the page's states, so leaving the page wipes it too (binding.py
        only sees the states whose own handlers ran)."""
        name = cls.get_full_name()
        if name not in self._page_states:
            self._page_states = [*self._page_states, name]
        return cast(PageState, await self.get_state(cls))

    def _active_profile(self, ctx: Context) -> int | None:
        """The active profile id, re-checked against what the actor may open now."""
        views = profiles.accessible_profiles(ctx.session, ctx.actor, now=ctx.now)
        self._set_profiles(views)
        self._set_capabilities(ctx)
        return self._active_profile_id

    def _set_capabilities(self, ctx: Context) -> None:
        caps = None
        if self._active_profile_id is not None:
            try:
                caps = capabilities.capabilities(ctx.session, ctx.actor, self._active_profile_id, now=ctx.now)
            except NotFound:
                caps = None
        self.shared_sections = list(caps.shared_sections) if caps else []
        self.addable_sections = list(caps.addable_sections) if caps else []
        self.manages_active = bool(caps and caps.manages)
        self.own_record = bool(caps and caps.own_record)
        self.can_start_thread = bool(caps and caps.can_start_thread)
        self.partial_share = bool(caps and not caps.shares_everything)
        self.can_export = bool(caps and caps.can_export)
        self.can_hide_from_guardians = bool(caps and caps.can_hide_from_guardians)
        self.can_hand_over = bool(caps and caps.can_hand_over)

    def _set_profiles(self, views: list[ProfileView]) -> None:
        today = local_date(utcnow())
        lang = self._lang()
        views = [
            dataclasses.replace(p, age_label=profiles.age_label(date.fromisoformat(p.birth_date), today, lang))
            for p in views
        ]
        self.profiles = views
        ids = [p.id for p in views]
        if self._active_profile_id not in ids:
            self._active_profile_id = ids[0] if ids else None
        active = next((p for p in views if p.id == self._active_profile_id), None)
        self.active_name = active.name if active else ""
        self.active_age = active.age_label if active else ""
        self.active_birth_date = i18n.format_date(active.birth_date, lang) if active else ""
        self.active_relationship = active.relationship if active else ""
        self.active_kind = active.kind if active else ""
        self.active_value = str(active.id) if active else ""

    def _show_identity(self, ctx: Context) -> None:
        """Who is signed in, as the header and the pages need it: a name and what the account can do."""
        abilities = account_abilities(ctx.actor)
        self.user_name = ctx.identity.display_name
        self.may_add_child = abilities.keeps_a_family_record
        self.follows_patients = abilities.follows_patients
        self.runs_the_service = abilities.runs_the_service

    def _clear_user(self) -> None:
        self.user_name = ""
        self.may_add_child = self.follows_patients = self.runs_the_service = False
        self._active_profile_id = None
        self._set_profiles([])
        self.shared_sections, self.addable_sections = [], []
        self.manages_active = self.own_record = self.can_start_thread = self.partial_share = False
        self.can_export = False
        self.can_hide_from_guardians = self.can_hand_over = False

    def _to_login(self) -> rx.event.EventSpec:
        self._clear_user()
        return rx.redirect(LOGIN_ROUTE)

    # ------------------------------------------------------------------ events

    @rx.event
    def load_shell(self):
        """on_load of every signed-in page: who am I, which profiles, which one is shown."""
        return self._run_as_user(self._active_profile, error_attr="notice").event

    def _switch_to(self, profile_id: object, then: str) -> rx.event.EventSpec:
        """Show another profile. The id comes from the browser: it must be one the user may open."""

        def switch(ctx: Context) -> None:
            views = profiles.accessible_profiles(ctx.session, ctx.actor, now=ctx.now)
            wanted = str(profile_id) if isinstance(profile_id, (str, int)) and not isinstance(profile_id, bool) else ""
            match = next((p for p in views if str(p.id) == wanted), None)
            if match is not None:
                self._active_profile_id = match.id
            self._set_profiles(views)
            self._set_capabilities(ctx)

        ran = self._run_as_user(switch, error_attr="notice")
        return ran.event or rx.redirect(then)

    @rx.event
    def switch_profile(self, profile_id: str):
        """The header's switcher: same page, other profile."""
        return self._switch_to(profile_id, self.router.url.path or "/")

    @rx.event
    def toggle_lang(self):
        """Switch language, then reload the page so data formatted on the server follows."""
        self.lang = "en" if self._lang() == "fr" else "fr"
        return rx.redirect(self.router.url.path or "/")
