"""Secure messaging: the header's unread badge (UnreadState) and /messages, the threads the
user is in (MessagesState); one conversation is :mod:`.thread`. Thin states over
:mod:`mes_app.services.messaging`: every handler re-reads the identity; the service checks
every id again.
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain.access import Action, Section
from mes_app.domain.message_view import AttachOption, localise_thread, message_form
from mes_app.services import capabilities, documents, messaging
from mes_app.services.messaging import ThreadView
from mes_app.services.profiles import ProfileView
from mes_app.state.base import AppState


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
        allowed = capabilities.profiles_allowing(ctx.session, ctx.actor, [p.id for p in self.profiles],
                                                 Action.START_THREAD, Section.MESSAGES, now=ctx.now)
        self.targets = [p for p in self.profiles if p.id in allowed]
        lang = self._lang()
        self.threads = [localise_thread(t, lang) for t in messaging.list_threads(ctx.session, ctx.actor, now=ctx.now)]

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
        data = message_form(form_data)
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
