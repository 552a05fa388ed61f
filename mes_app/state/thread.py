"""One conversation (/messages/thread?id=…), oldest message first, the composer below.

The thread id lives in a backend var (``_thread_id``) and is checked again by the service on
every event, so a professional removed from the care team or a revoked caregiver gets nothing
at their very next event.
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.message_view import AttachOption, localise_message, message_form
from mes_app.domain.validation import id_or_none
from mes_app.services import documents, messaging
from mes_app.services.messaging import MessageView
from mes_app.state.base import AppState
from mes_app.state.messages import UnreadState


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
        self.messages = [localise_message(m, lang) for m in detail.messages]
        self.can_reply = detail.can_reply
        self._profile_id = detail.thread.profile_id

    @rx.event
    def load_thread(self):
        self.error, self.compose_error = "", ""
        self._clear()
        raw = self.router.url.query_parameters.get("id", "")
        self._thread_id = id_or_none(raw) if isinstance(raw, str) else None

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
        data = message_form(form_data)
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
