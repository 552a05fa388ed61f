"""The connected software page of a professional (issue 12 item 2): connect a care software
(name + public JWKS), see its client_id, revoke it. Thin: the service checks everything."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from mes_app import formatting
from mes_app.domain import smart_backend as smart
from mes_app.services import connected_software
from mes_app.settings import settings
from mes_app.state.base import AppState
from mes_app.state.mixins import ConfirmMixin


@dataclass(frozen=True)
class SoftwareRow:
    id: int
    name: str
    client_id: str
    key_count: int
    since: str
    last_used: str  # "" never


def _valid_id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


class ConnectedSoftwareState(ConfirmMixin, AppState):
    software: list[SoftwareRow] = []
    error: str = ""
    form_error: str = ""
    form_key: int = 0
    new_client_id: str = ""  # shown once, right after connecting
    fhir_url: str = ""
    token_url: str = ""
    _confirm_id: int = 0

    def _reload(self, ctx) -> None:  # noqa: ANN001
        lang = self._lang()
        origin = settings.app_origin.rstrip("/")
        self.fhir_url, self.token_url = origin + smart.FHIR_BASE_PATH, origin + smart.TOKEN_PATH
        self.software = [
            SoftwareRow(s.id, s.name, s.client_id, s.key_count, formatting.day(s.created_at[:10], lang),
                        formatting.day(s.last_used_at[:10], lang) if s.last_used_at else "")
            for s in connected_software.list_software(ctx.session, ctx.actor)
        ]

    @rx.event
    def load_software(self):
        self.error, self.form_error, self.new_client_id, self.confirm_open = "", "", "", False
        return self._run_as_user(self._reload).event

    @rx.event
    def connect(self, form_data: dict):
        if not isinstance(form_data, dict):
            return

        def add(ctx) -> str:  # noqa: ANN001
            made = connected_software.register_software(ctx.session, ctx.actor, form_data.get("name"),
                                                        form_data.get("jwks"), now=ctx.now)
            self._reload(ctx)
            return made.client_id

        done = self._run_as_user(add, error_attr="form_error")
        if not done.ok:
            return done.event
        self.form_error, self.new_client_id = "", done.value or ""
        self.form_key += 1
        return rx.toast.success(self._text("software.added"), duration=2500)

    @rx.event
    def ask_revoke(self, software_id: int):
        sid = _valid_id(software_id)
        if sid is not None and any(s.id == sid for s in self.software):
            self._confirm_id, self.confirm_open = sid, True

    def _confirm_closed(self) -> None:
        self._confirm_id = 0

    @rx.event
    def confirm_revoke(self):
        self.confirm_open = False
        sid = self._confirm_id
        self._confirm_id = 0
        if not sid:
            return

        def revoke(ctx) -> None:  # noqa: ANN001
            connected_software.revoke_software(ctx.session, ctx.actor, sid, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(revoke)
        if not done.ok:
            return done.event
        self.error, self.new_client_id = "", ""
        return rx.toast.success(self._text("software.revoked"), duration=2500)
