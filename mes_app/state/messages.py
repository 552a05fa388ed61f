"""Secure messaging: thin states over :mod:`mes_app.services.messaging`.

Every handler re-reads the identity; the thread id lives in a backend var (``_thread_id``)
and is checked again by the service on every event, so a professional removed from the care
team or a revoked caregiver gets nothing at their very next event.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from mes_app import formatting
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import documents, messaging
from mes_app.services.messaging import MessageView, ThreadView
from mes_app.services.profiles import ProfileView
from mes_app.state.base import AppState

FORM_FIELDS = ("profile", "subject", "body", "attachment")


@dataclasses.dataclass(frozen=True)
class AttachOption:
    id: str
    title: str


def when_label(iso: str, lang: str) -> str:
    """"2026-11-28T12:00:00+00:00" → "28/11/2026 13:00" (the service's time zone)."""
    return formatting.day_and_time(iso, lang)


def _localise_thread(view: ThreadView, lang: str) -> ThreadView:
    return dataclasses.replace(view, last_message_at=when_label(view.last_message_at, lang))


def _localise_message(view: MessageView, lang: str) -> MessageView:
    return dataclasses.replace(view, sent_at=when_label(view.sent_at, lang))


def _form(form_data: object) -> dict | None:
    if not isinstance(form_data, dict) or len(form_data) > 10:
        return None
    return {k: form_data.get(k) for k in FORM_FIELDS}


class UnreadState(AppState):
    """The unread badge of the header: one COUNT query when a page is shown."""

    unread: int = 0

    @rx.var
    def unread_label(self) -> str:
        return "99+" if self.unread > 99 else str(self.unread)

    @rx.event
    def refresh_unread(self):
        ran = self._run_as_user(lambda ctx: messaging.unread_total(ctx.session, ctx.actor, now=ctx.now),
                                error_attr=None)
        # A gone session: the page's own load sends the visitor to the login page.
        self.unread = ran.value if ran.ok and ran.value is not None else 0


class MessagesState(AppState):
    """/messages: the threads the user is in, newest first; a professional starts one."""

    threads: list[ThreadView] = []
    targets: list[ProfileView] = []  # patients the professional may write to
    error: str = ""
    new_open: bool = False
    new_error: str = ""
    new_key: int = 0
    new_profile: str = ""
    attach_options: list[AttachOption] = []

    @rx.var
    def can_start(self) -> bool:
        return self.follows_patients and len(self.targets) > 0

    def _reload(self, ctx) -> None:  # noqa: ANN001
        self._active_profile(ctx)
        self.targets = [p for p in self.profiles if p.relationship == "care_team"]
        lang = self._lang()
        self.threads = [_localise_thread(t, lang) for t in messaging.list_threads(ctx.session, ctx.actor, now=ctx.now)]

    @rx.event
    def load_messages(self):
        self.error, self.new_open = "", False
        done = self._run_as_user(self._reload)
        if not done.ok and done.event is None:  # refused: no stale list
            self.threads = []
        return done.event

    @rx.event
    def open_new(self):
        if not self.can_start:
            return
        ids = [str(p.id) for p in self.targets]
        self.new_profile = self.active_value if self.active_value in ids else ids[0]
        self.new_error, self.attach_options = "", []
        self.new_key += 1
        self.new_open = True

    @rx.event
    def set_new_open(self, value: bool):
        self.new_open = value if isinstance(value, bool) else False

    @rx.event
    def set_new_profile(self, value: str):
        """The patient picked in the form: the documents offered as attachment follow."""
        if isinstance(value, str) and value in [str(p.id) for p in self.targets]:
            self.new_profile = value
            self.attach_options = []

    @rx.event
    def load_attachments(self):
        """Explicit tap: the documents of the chosen patient that the user may read."""

        def load(ctx) -> None:  # noqa: ANN001
            views = documents.list_documents(ctx.session, ctx.actor, self.new_profile, now=ctx.now)
            self.attach_options = [AttachOption(str(d.id), d.title) for d in views[:100]]

        return self._run_as_user(load, error_attr="new_error").event

    @rx.event
    def submit_new(self, form_data: dict):
        data = _form(form_data)
        if data is None:
            self.new_error = self._text("error.invalid_form")
            return
        thread = None

        def start(ctx) -> None:  # noqa: ANN001
            nonlocal thread
            thread = messaging.start_thread(ctx.session, ctx.actor, data["profile"], data["subject"], data["body"],
                                            attachment_document_id=data["attachment"], now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(start, error_attr="new_error")
        if not done.ok or thread is None:
            return done.event
        self.new_open = False
        return [rx.toast.success(self._text("messages.sent"), duration=2500),
                rx.redirect(f"/messages/thread?id={thread.id}")]


class ThreadState(AppState):
    """/messages/thread?id=…: one conversation, oldest message first, the composer below."""

    _thread_id: int | None = None
    subject: str = ""
    about: str = ""  # given name of the patient
    professional_name: str = ""
    messages: list[MessageView] = []
    can_reply: bool = False
    error: str = ""
    compose_error: str = ""
    compose_key: int = 0
    attach_options: list[AttachOption] = []
    _profile_id: int | None = None

    def _clear(self) -> None:
        self.subject = self.about = self.professional_name = ""
        self.messages, self.can_reply, self.attach_options = [], False, []
        self._profile_id = None

    def _show(self, ctx) -> None:  # noqa: ANN001
        detail = messaging.open_thread(ctx.session, ctx.actor, self._thread_id, now=ctx.now)
        lang = self._lang()
        self.subject = detail.thread.subject
        self.about = detail.thread.profile_name
        self.professional_name = detail.thread.professional_name
        self.messages = [_localise_message(m, lang) for m in detail.messages]
        self.can_reply = detail.can_reply
        self._profile_id = detail.thread.profile_id

    @rx.event
    def load_thread(self):
        self.error, self.compose_error = "", ""
        self._clear()
        raw = self.router.url.query_parameters.get("id", "")
        self._thread_id = int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 19 else None

        def load(ctx) -> None:  # noqa: ANN001
            self._active_profile(ctx)
            if self._thread_id is None:
                raise NotFound()
            self._show(ctx)

        done = self._run_as_user(load)
        if not done.ok and done.event is None:  # refused: nothing of the thread stays
            self._clear()
        return done.event

    @rx.event
    def load_attachments(self):

        def load(ctx) -> None:  # noqa: ANN001
            if self._profile_id is None:
                raise NotFound()
            views = documents.list_documents(ctx.session, ctx.actor, self._profile_id, now=ctx.now)
            self.attach_options = [AttachOption(str(d.id), d.title) for d in views[:100]]

        return self._run_as_user(load, error_attr="compose_error").event

    @rx.event
    def send(self, form_data: dict):
        data = _form(form_data)
        if data is None:
            self.compose_error = self._text("error.invalid_form")
            return

        def reply(ctx) -> None:  # noqa: ANN001
            if self._thread_id is None:
                raise NotFound()
            messaging.reply(ctx.session, ctx.actor, self._thread_id, data["body"],
                            attachment_document_id=data["attachment"], now=ctx.now)
            self._show(ctx)

        ran = self._run_as_user(reply, error_attr=None)
        if ran.gone:
            return ran.event
        if isinstance(ran.error, ValidationError):
            self.compose_error = self._error_text(ran.error)
            return
        if ran.error is not None:
            # removed from the care team, revoked…: the thread disappears at once
            self._clear()
            self.error = self._error_text(ran.error)
            return
        self.compose_error, self.attach_options = "", []
        self.compose_key += 1  # empties the composer
        return [rx.toast.success(self._text("messages.sent"), duration=2000), UnreadState.refresh_unread]
