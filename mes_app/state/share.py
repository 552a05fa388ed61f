"""``/share``: share the active profile's summary by link and QR code; list and revoke links."""

from __future__ import annotations

import dataclasses

import reflex as rx
import segno

from mes_app import i18n
from mes_app.domain.errors import NotFound
from mes_app.services import share_links
from mes_app.services.share_links import LinkView
from mes_app.settings import settings
from mes_app.state.base import AppState
from mes_app.state.off_loop import cpu_bound

FOLDED_STATUSES = ("revoked", "expired")
SECTION_FIELDS = tuple(s.value for s in share_links.SHAREABLE_SECTIONS)


class ShareState(AppState):
    links: list[LinkView] = []
    error: str = ""
    form_error: str = ""
    form_key: int = 0
    created_url: str = ""
    created_qr: str = ""  # inline SVG made by segno from our own URL
    created_has_passcode: bool = False
    confirm_open: bool = False
    _confirm_id: int = 0

    @rx.var
    def current_links(self) -> list[LinkView]:
        """Links still in force (active, or locked by wrong passcodes: still revocable)."""
        return [v for v in self.links if v.status not in FOLDED_STATUSES]

    @rx.var
    def past_links(self) -> list[LinkView]:
        """Revoked and expired links: kept for the record, folded away on the page."""
        return [v for v in self.links if v.status in FOLDED_STATUSES]

    def _localise(self, views: list[LinkView]) -> list[LinkView]:
        lang = self._lang()
        return [
            dataclasses.replace(
                v,
                created=i18n.format_date(v.created, lang),
                expires=i18n.format_date(v.expires, lang),
                last_opened=i18n.format_date(v.last_opened, lang),
            )
            for v in views
        ]

    def _reload(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        if pid is None or not self.manages_active:
            self.links = []
            return
        self.links = self._localise(share_links.list_links(ctx.session, ctx.actor, pid, now=ctx.now))

    @rx.event
    def load_share(self):
        self.error, self.form_error, self.confirm_open = "", "", False
        self.created_url, self.created_qr = "", ""
        done = self._run_as_user(self._reload)
        if not done.ok and done.event is None:  # refused: no stale list
            self.links = []
        return done.event

    @rx.event
    @cpu_bound  # argon2: never on the event loop
    def create_link(self, form_data: dict):
        if not isinstance(form_data, dict):
            self.form_error = self._text("error.invalid_form")
            return
        sections = [name for name in SECTION_FIELDS if form_data.get(f"sec_{name}") in ("on", True, "true")]

        def create(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            created = share_links.create_link(
                ctx.session,
                ctx.actor,
                pid,
                sections=sections,
                expires_hours=form_data.get("expires"),
                passcode=form_data.get("passcode"),
                label=form_data.get("label"),
                now=ctx.now,
            )
            target = share_links.qr_target(settings.app_origin, created)
            self.created_url = target
            self.created_qr = segno.make(target, error="m").svg_inline(scale=4, border=2, omitsize=True)
            self.created_has_passcode = created.view.has_passcode
            self.form_error = ""
            self.form_key += 1
            self._reload(ctx)

        done = self._run_as_user(create, error_attr="form_error")
        return rx.toast.success(self._text("share.created")) if done.ok else done.event

    @rx.event
    def ask_revoke(self, link_id: int):
        if not isinstance(link_id, int) or isinstance(link_id, bool):
            return
        if not any(v.id == link_id and v.status == "active" for v in self.links):
            return
        self._confirm_id = link_id
        self.confirm_open = True

    @rx.event
    def set_confirm_open(self, value: bool):
        self.confirm_open = value if isinstance(value, bool) else False

    @rx.event
    def confirm_revoke(self):
        self.confirm_open = False

        def revoke(ctx) -> None:  # noqa: ANN001
            share_links.revoke_link(ctx.session, ctx.actor, self._confirm_id, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(revoke)
        if not done.ok:
            return done.event
        self.created_url, self.created_qr = "", ""
        return rx.toast.success(self._text("share.revoked"))
