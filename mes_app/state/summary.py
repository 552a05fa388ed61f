"""The one-page summary: for the logged-in reader (``/summary``) and for a share link's visitor
(``/s#shlink:/...``, no account).

The visitor's state keeps the link id and "passcode given" in backend vars (never trusted from
the browser); nothing reaches a public var before the policy allowed it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import reflex as rx

from mes_app import formatting, i18n
from mes_app.db.engine import new_session
from mes_app.domain.errors import NotFound
from mes_app.services import share_links
from mes_app.services import summary as summaries
from mes_app.services.measures import UNIT_LABELS
from mes_app.state.base import AppState
from mes_app.state.rate_limit import over_limit

PARTS = ("allergies", "problems", "treatments", "vaccinations", "measures", "documents")


def _now() -> datetime:
    return datetime.now(UTC)


def _number(x: float, lang: str) -> str:
    return formatting.number(x, lang, 2)


def summary_rows(result: summaries.Summary, lang: str, document_url) -> dict:  # noqa: ANN001
    """Plain strings for the page: every value is shown as text (never as markup)."""
    d = lambda iso: i18n.format_date(iso, lang)  # noqa: E731
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    rows: dict[str, list[dict[str, str]]] = {p: [] for p in PARTS}
    for a in result.allergies or ():
        sev = t(f"choice.{a.severity}") if a.severity != "unknown" else ""
        rows["allergies"].append(
            {
                "title": a.substance.text,
                "detail": " · ".join(x for x in (a.reaction, sev) if x),
                "date": d(a.onset),
                "url": "",
            }
        )
    for p in result.problems or ():
        rows["problems"].append({"title": p.condition.text, "detail": "", "date": d(p.onset), "url": ""})
    for m in result.treatments or ():
        rows["treatments"].append({"title": m.medication.text, "detail": m.dosage, "date": d(m.start), "url": ""})
    for v in result.vaccinations or ():
        dose = i18n.t("summary.dose", lang, n=v.dose_number) if v.dose_number else ""
        rows["vaccinations"].append(
            {
                "title": v.vaccine.text,
                "detail": " · ".join(x for x in (dose, v.lot_number) if x),
                "date": d(v.given_on),
                "url": "",
            }
        )
    for m in result.measures or ():
        value = _number(m.value, lang) + (
            f"/{_number(m.value_secondary, lang)}" if m.value_secondary is not None else ""
        )
        rows["measures"].append(
            {
                "title": t(f"measure.{m.kind}"),
                "detail": f"{value} {UNIT_LABELS.get(m.unit, m.unit)}",
                "date": d(m.date),
                "url": "",
            }
        )
    for doc in result.documents or ():
        rows["documents"].append(
            {"title": doc.title, "detail": doc.category_display, "date": d(doc.date), "url": document_url(doc)}
        )
    identity = {}
    if result.identity is not None:
        i = result.identity
        identity = {"name": f"{i.given_name} {i.family_name}", "birth_date": d(i.birth_date), "sex": t(f"sex.{i.sex}")}
    present = [p for p in PARTS if getattr(result, p) is not None]  # each part is the Summary field of its name
    return {"rows": rows, "identity": identity, "present": present}


class SummaryMixin(rx.State, mixin=True):
    identity: dict[str, str] = {}
    present: list[str] = []
    allergies: list[dict[str, str]] = []
    problems: list[dict[str, str]] = []
    treatments: list[dict[str, str]] = []
    vaccinations: list[dict[str, str]] = []
    measures: list[dict[str, str]] = []
    documents: list[dict[str, str]] = []
    generated_on: str = ""

    if TYPE_CHECKING:  # given by AppState, which every user of the mixin also inherits

        def _lang(self) -> str: ...

    def _show(self, view: dict) -> None:
        self.identity, self.present = view["identity"], view["present"]
        for part in PARTS:
            setattr(self, part, view["rows"][part])
        self.generated_on = i18n.format_date(_now().date().isoformat(), self._lang())

    def _clear_summary(self) -> None:
        self._show({"identity": {}, "present": [], "rows": {p: [] for p in PARTS}})


class SummaryState(SummaryMixin, AppState):
    error: str = ""

    @rx.event
    def load_summary(self):
        self.error = ""
        self._clear_summary()

        def load(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                return
            result = summaries.build_summary(ctx.session, ctx.actor, pid, now=ctx.now)
            self._show(summary_rows(result, self._lang(), lambda doc: f"/api/documents/{doc.id}"))

        return self._run_as_user(load).event


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
            result = share_links.open_summary(session, link_id, self._passcode_ok, now=_now())
        except NotFound:
            self._forget()
            self.link_status = "not_found"
            return

        def url(doc) -> str:  # noqa: ANN001
            ticket = share_links.document_ticket(session, link_id, doc.id, now=_now())
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
            opening = share_links.resolve(session, secret, now=_now())
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
    def submit_passcode(self, form_data: dict):
        if self._link_id is None or not isinstance(form_data, dict):
            return
        passcode = form_data.get("passcode")
        if (refused := over_limit(self, "passcode")) is not None:
            self.passcode_error = refused
            return
        with new_session() as session:
            # the link may have been revoked since the page loaded: resolve it again
            opening = share_links.resolve(session, self._secret, now=_now())
            if opening.status != "active" or opening.link_id != self._link_id:
                self._forget()
                self.link_status = opening.status
                return
            result = share_links.check_passcode(session, self._link_id, passcode, now=_now())
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
