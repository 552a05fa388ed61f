"""The emergency card's opener, ``/urgence?k=<secret>``: someone without an account, in an
emergency, gives a name and a role, then sees the card.

The link id stays in a backend var; nothing reaches a public var before the opener gave a name
and a role and the policy allowed the opening.
"""

from __future__ import annotations

import reflex as rx

from mes_app import i18n
from mes_app.db.engine import new_session
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.services import emergency_card as cards
from mes_app.state.base import AppState, utcnow
from mes_app.state.rate_limit import over_limit


class EmergencyVisitState(AppState):
    """``/urgence?k=<secret>``: someone without an account, in an emergency."""

    _link_id: int | None = None
    _secret: str = ""

    # "" (loading) | not_found | off | ask | open
    card_status: str = ""
    ask_error: str = ""
    rate_limit_message: str = ""  # shown when card_status is "rate_limited"
    person: dict[str, str] = {}
    present: list[str] = []
    allergies: list[dict[str, str]] = []
    treatments: list[dict[str, str]] = []
    conditions: list[dict[str, str]] = []
    texts: list[dict[str, str]] = []  # [{"label": ..., "text": ...}] for the free-text fields filled in

    def _forget(self) -> None:
        self._link_id, self._secret = None, ""
        self.person, self.present, self.allergies, self.treatments, self.conditions, self.texts = {}, [], [], [], [], []

    @rx.event
    def load_card(self):
        self.ask_error = ""
        secret = self.router.url.query_parameters.get("k", "")
        self._forget()  # every load asks again who is opening
        if (refused := over_limit(self, "emergency_open")) is not None:
            self.card_status, self.rate_limit_message = "rate_limited", refused
            return
        with new_session() as session:
            opening = cards.resolve(session, secret, now=utcnow())
        if opening.status != "active":
            self.card_status = opening.status
            return
        self._link_id, self._secret = opening.link_id, secret
        self.card_status = "ask"

    @rx.event
    def submit_opener(self, form_data: dict):
        if self._link_id is None or not isinstance(form_data, dict):
            return
        lang = self._lang()
        if (refused := over_limit(self, "emergency_open")) is not None:
            self.ask_error = refused
            return
        with new_session() as session:
            # the card may have been turned off since the page loaded
            opening = cards.resolve(session, self._secret, now=utcnow())
            if opening.status != "active" or opening.link_id != self._link_id:
                self._forget()
                self.card_status = opening.status
                return
            try:
                view = cards.open_card(session, self._link_id, name=form_data.get("opener_name"),
                                       role=form_data.get("opener_role"), now=utcnow())
            except ValidationError as error:
                self.ask_error = self._error_text(error)
                return
            except NotFound:
                self._forget()
                self.card_status = "off"
                return

        def severity(value: str) -> str:
            return i18n.t(f"choice.{value}", lang) if value else ""

        self.person = {"name": f"{view.given_name} {view.family_name}",
                       "birth_date": i18n.format_date(view.birth_date, lang)}
        self.allergies = [{"title": a.title, "detail": " · ".join(x for x in (a.detail, severity(a.severity)) if x)}
                          for a in view.allergies or ()]
        self.treatments = [{"title": t.title, "detail": t.detail} for t in view.treatments or ()]
        self.conditions = [{"title": c.title, "detail": ""} for c in view.conditions or ()]
        self.present = [name for name in ("allergies", "treatments", "conditions") if getattr(view, name) is not None]
        self.texts = [{"label": i18n.t(f"emergency.field.{name}", lang), "text": getattr(view, name)}
                      for name in cards.TEXT_FIELDS if getattr(view, name)]
        self.ask_error = ""
        self.card_status = "open"
