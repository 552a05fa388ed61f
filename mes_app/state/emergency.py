"""The emergency card's own page, ``/emergency-card``: the patient or a guardian chooses what goes
on it, turns it on or off, renews or prints its QR code. The opener's side (``/urgence``) is
:mod:`.emergency_visit`.
"""

from __future__ import annotations

import reflex as rx
import segno

from mes_app import i18n
from mes_app.domain.errors import NotFound
from mes_app.services import emergency_card as cards
from mes_app.settings import settings
from mes_app.state.base import AppState
from mes_app.state.mixins import ConfirmMixin

CHOICES = tuple(s.value for s in cards.CARD_SECTIONS)


class EmergencyState(ConfirmMixin, AppState):
    error: str = ""
    form_error: str = ""
    form_key: int = 0
    card: dict[str, str] = {}
    chosen: list[str] = []
    active: bool = False
    active_since: str = ""
    last_opened: str = ""
    card_url: str = ""  # shown once, after turning the card on
    card_qr: str = ""  # inline SVG made by segno from our own URL
    confirm_action: str = ""  # off | renew

    def _set(self, view: cards.CardView) -> None:
        lang = self._lang()
        self.card = {name: getattr(view, name) for name in cards.TEXT_FIELDS}
        self.chosen = list(view.sections) if view.exists else ["risk_factors", "treatments", "conditions"]
        self.active = view.active
        self.active_since = i18n.format_date(view.active_since, lang)
        self.last_opened = i18n.format_date(view.last_opened, lang)

    def _clear(self) -> None:
        self.card, self.chosen, self.active, self.active_since, self.last_opened = {}, [], False, "", ""
        self.card_url, self.card_qr = "", ""

    @rx.event
    def load_emergency(self):
        self.error, self.form_error, self.confirm_open = "", "", False
        self._clear()

        def load(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None or not self.manages_active:
                return
            self._set(cards.get_card(ctx.session, ctx.actor, pid, now=ctx.now))
            self.form_key += 1

        return self._run_as_user(load).event

    def _show_qr(self, on: cards.TurnedOn) -> None:
        self._set(on.view)
        self.card_url = cards.card_url(settings.app_origin, on.secret)
        self.card_qr = segno.make(self.card_url, error="m").svg_inline(scale=4, border=2, omitsize=True)

    @rx.event
    def save_card(self, form_data: dict):
        """Save what goes on the card; an inactive card is turned on (its QR code shown once)."""
        if not isinstance(form_data, dict):
            self.form_error = self._text("error.invalid_form")
            return
        sections = [name for name in CHOICES if form_data.get(f"card_{name}") in ("on", True, "true")]
        texts = {name: form_data.get(name) for name in cards.TEXT_FIELDS}
        turned_on = False

        def save(ctx) -> None:  # noqa: ANN001
            nonlocal turned_on
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            view = cards.save_card(ctx.session, ctx.actor, pid, sections=sections, now=ctx.now, **texts)
            self._set(view)
            if not view.active:
                self._show_qr(cards.turn_on(ctx.session, ctx.actor, pid, now=ctx.now))
                turned_on = True
            self.form_error = ""

        done = self._run_as_user(save, error_attr="form_error")
        if not done.ok:
            return done.event
        return rx.toast.success(self._text("emergency.on" if turned_on else "emergency.saved"))

    @rx.event
    def ask_confirm(self, action: str):
        """Confirm before turning the card off or renewing its QR code (the printed one stops working)."""
        if action in ("off", "renew") and self.active:
            self.confirm_action = action
            self.confirm_open = True

    @rx.event
    def confirm(self):
        self.confirm_open = False
        action = self.confirm_action

        def apply(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            if action == "renew":
                self._show_qr(cards.turn_on(ctx.session, ctx.actor, pid, now=ctx.now))
            elif action == "off":
                self._set(cards.turn_off(ctx.session, ctx.actor, pid, now=ctx.now))
                self.card_url, self.card_qr = "", ""

        done = self._run_as_user(apply)
        if not done.ok:
            return done.event
        if action not in ("renew", "off"):
            return None
        return rx.toast.success(self._text("emergency.on" if action == "renew" else "emergency.off"))
