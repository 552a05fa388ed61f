"""States of the care circle pages: care team, caregivers, "who can see my record", and the
professional's list of patients. Thin: every handler re-reads identity and active profile,
validates what the browser sent through the services, and keeps only small display rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from mes_app import formatting, i18n
from mes_app.domain.errors import NotFound
from mes_app.services import care_team, caregivers, who_can_see
from mes_app.services.caregivers import CAREGIVER_SECTIONS
from mes_app.state.base import AppState
from mes_app.state.mixins import ConfirmMixin


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    detail: str  # specialty · RPPS
    status: str  # active | blocked
    since: str
    last_used: str  # "" when never


@dataclass(frozen=True)
class GrantRow:
    id: int
    name: str
    email: str
    scope: str
    since: str
    until: str  # "" without an end
    last_used: str


@dataclass(frozen=True)
class PendingRow:
    """A caregiver invitation waiting for an answer: the address as typed and the scope."""

    id: str
    email: str
    scope: str
    line: str  # "Sans date de fin · envoyée par Alice · en attente jusqu'au 16 déc. 2026"


@dataclass(frozen=True)
class LinkRow:
    id: int
    label: str
    scope: str
    created: str
    expires: str
    last_used: str
    has_passcode: bool


@dataclass(frozen=True)
class PatientRow:
    id: str
    name: str
    given_name: str
    age_label: str
    last_access: str


def _day(value: str, lang: str) -> str:
    """An ISO date or timestamp, shown as a calendar day of the service's time zone."""
    return formatting.day(value, lang)


def _scope(sections: list[str], lang: str) -> str:
    return ", ".join(i18n.t(f"section.{s}", lang) for s in sections)


def _member_rows(members, lang: str) -> list[MemberRow]:  # noqa: ANN001
    return [
        MemberRow(
            id=m.id, name=m.name,
            detail=" · ".join(x for x in (m.specialty, f"RPPS {m.professional_id}" if m.professional_id else "") if x),
            status=m.status, since=_day(m.since, lang), last_used=_day(m.last_used, lang),
        )
        for m in members
    ]


def _grant_rows(grants, lang: str) -> list[GrantRow]:  # noqa: ANN001
    return [
        GrantRow(id=g.id, name=g.name, email=g.email, scope=_scope(g.sections, lang), since=_day(g.starts_at, lang),
                 until=_day(g.ends_on, lang), last_used=_day(g.last_used, lang))
        for g in grants
    ]


def _pending_rows(items, lang: str) -> list[PendingRow]:  # noqa: ANN001
    rows = []
    for p in items:
        access = (i18n.t("caregivers.until", lang) + " " + _day(p.ends_on, lang)) if p.ends_on else \
            i18n.t("caregivers.no_end", lang)
        rows.append(PendingRow(
            id=str(p.id), email=p.email, scope=_scope(p.sections, lang),
            line=i18n.t("caregivers.pending_line", lang, access=access, who=p.invited_by,
                        until=_day(p.expires_at, lang)),
        ))
    return rows


def _valid_id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


class CareTeamState(ConfirmMixin, AppState):
    members: list[MemberRow] = []
    error: str = ""
    form_error: str = ""
    form_key: int = 0
    _confirm_id: int = 0

    def _reload(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        self.members = []
        if pid is None:
            raise NotFound()
        self.members = _member_rows(care_team.list_care_team(ctx.session, ctx.actor, pid, now=ctx.now), self._lang())

    @rx.event
    def load_care_team(self):
        self.error, self.form_error, self.confirm_open = "", "", False
        return self._run_as_user(self._reload).event

    @rx.event
    def add_professional(self, form_data: dict):
        if not isinstance(form_data, dict):
            return

        def add(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            care_team.add_professional(ctx.session, ctx.actor, pid, form_data.get("identifier"), now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(add, error_attr="form_error")
        if not done.ok:
            return done.event
        self.form_error = ""
        self.form_key += 1
        return rx.toast.success(self._text("care.added"), duration=2500)

    def _set(self, relationship_id: object, status: str, done_key: str):  # noqa: ANN202
        rid = _valid_id(relationship_id)
        if rid is None:
            return

        def change(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            care_team.set_status(ctx.session, ctx.actor, pid, rid, status, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(change)
        if not done.ok:
            return done.event
        self.error = ""
        return rx.toast.success(self._text(done_key), duration=2500)

    @rx.event
    def block(self, relationship_id: int):
        return self._set(relationship_id, "blocked", "care.blocked_done")

    @rx.event
    def unblock(self, relationship_id: int):
        return self._set(relationship_id, "active", "care.unblocked_done")

    @rx.event
    def ask_remove(self, relationship_id: int):
        rid = _valid_id(relationship_id)
        if rid is not None and any(m.id == rid for m in self.members):
            self._confirm_id, self.confirm_open = rid, True

    @rx.event
    def confirm_remove(self):
        self.confirm_open = False
        return self._set(self._confirm_id, "removed", "care.removed_done")


CAREGIVER_CONFIRM_KINDS = ("revoke", "cancel")


class CaregiversState(ConfirmMixin, AppState):
    """Caregivers of the active profile: invite by e-mail (the same answer for any address),
    cancel a pending invitation, revoke an access. The id being confirmed stays on the server."""

    grants: list[GrantRow] = []
    pending: list[PendingRow] = []
    error: str = ""
    form_error: str = ""
    invite_notice: str = ""
    form_key: int = 0
    confirm_kind: str = ""  # revoke | cancel
    confirm_text: str = ""  # for a cancel: "x@y.fr will no longer be able to accept it."
    _confirm_id: int | None = None

    def _reload(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        self.grants, self.pending = [], []
        if pid is None:
            raise NotFound()
        lang = self._lang()
        self.grants = _grant_rows(caregivers.list_caregivers(ctx.session, ctx.actor, pid, now=ctx.now), lang)
        self.pending = _pending_rows(caregivers.pending_caregivers(ctx.session, ctx.actor, pid, now=ctx.now), lang)

    def _confirm_closed(self) -> None:
        self._confirm_id = None

    def _close_confirm(self) -> None:
        self.confirm_open, self.confirm_kind, self.confirm_text, self._confirm_id = False, "", "", None

    @rx.event
    def load_caregivers(self):
        self.error, self.form_error, self.invite_notice = "", "", ""
        self._close_confirm()
        return self._run_as_user(self._reload).event

    @rx.event
    def invite(self, form_data: dict):
        """Invite whoever has the address: nothing is shared before they accept."""
        self.invite_notice = ""
        if not isinstance(form_data, dict):
            return
        sections = [s for s in CAREGIVER_SECTIONS if form_data.get(f"scope_{s}") not in (None, "", False)]

        def send(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            caregivers.invite_caregiver(ctx.session, ctx.actor, pid, form_data.get("email"), sections,
                                        form_data.get("ends_on") or None, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(send, error_attr="form_error")
        if not done.ok:
            return done.event
        self.form_error = ""
        self.invite_notice = self._text("invite.sent")
        self.form_key += 1
        return None

    @rx.event
    def ask_revoke(self, grant_id: int):
        self._close_confirm()
        gid = _valid_id(grant_id)
        if gid is not None and any(g.id == gid for g in self.grants):
            self.confirm_kind, self._confirm_id, self.confirm_open = "revoke", gid, True

    @rx.event
    def ask_cancel(self, invitation_id: str):
        """Confirm withdrawing a pending invitation listed on this page (any other id: ignored)."""
        self._close_confirm()
        if not isinstance(invitation_id, str) or not invitation_id.isdigit() or len(invitation_id) > 18:
            return
        match = next((p for p in self.pending if p.id == invitation_id), None)
        if match is not None:
            self.confirm_kind, self._confirm_id = "cancel", int(invitation_id)
            self.confirm_text = self._text("invite.confirm_cancel_text", email=match.email)
            self.confirm_open = True

    @rx.event
    def confirm(self):
        """Revoke the access, or cancel the invitation, chosen in ``ask_revoke`` / ``ask_cancel``;
        the service re-checks it against the active profile."""
        kind, target = self.confirm_kind, self._confirm_id
        self._close_confirm()
        if target is None or kind not in CAREGIVER_CONFIRM_KINDS:
            return None

        def change(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            if kind == "revoke":
                caregivers.revoke_caregiver(ctx.session, ctx.actor, pid, target, now=ctx.now)
            else:
                caregivers.cancel_caregiver_invitation(ctx.session, ctx.actor, pid, target, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(change)
        if not done.ok:
            return done.event
        self.invite_notice = ""
        key = "caregivers.revoked" if kind == "revoke" else "invite.cancelled"
        return rx.toast.success(self._text(key), duration=2500)


REVOKE_KINDS = ("care_team", "caregiver", "link")


class WhoCanSeeState(ConfirmMixin, AppState):
    members: list[MemberRow] = []
    grants: list[GrantRow] = []
    links: list[LinkRow] = []
    error: str = ""
    loaded: bool = False
    confirm_kind: str = ""
    _confirm_id: int = 0

    @rx.var
    def nobody(self) -> bool:
        return self.loaded and not (self.members or self.grants or self.links)

    def _reload(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        self.members, self.grants, self.links, self.loaded = [], [], [], False
        if pid is None:
            raise NotFound()
        lang = self._lang()
        seen = who_can_see.who_can_see(ctx.session, ctx.actor, pid, now=ctx.now)
        self.members = _member_rows(seen.care_team, lang)
        self.grants = _grant_rows(seen.caregivers, lang)
        self.links = [
            LinkRow(id=x.id, label=x.label or i18n.t("who.link_default", lang), scope=_scope(x.sections, lang),
                    created=_day(x.created_at, lang), expires=_day(x.expires_at, lang),
                    last_used=_day(x.last_used, lang), has_passcode=x.has_passcode)
            for x in seen.links
        ]
        self.loaded = True

    @rx.event
    def load_who_can_see(self):
        self.error, self.confirm_open = "", False
        return self._run_as_user(self._reload).event

    @rx.event
    def ask_revoke(self, kind: str, grant_id: int):
        gid = _valid_id(grant_id)
        if kind not in REVOKE_KINDS or gid is None:
            return
        rows = {"care_team": self.members, "caregiver": self.grants, "link": self.links}[kind]
        if any(r.id == gid for r in rows):
            self.confirm_kind, self._confirm_id, self.confirm_open = kind, gid, True

    @rx.event
    def confirm_revoke(self):
        self.confirm_open = False
        kind, gid = self.confirm_kind, self._confirm_id
        if kind not in REVOKE_KINDS:
            return

        def revoke(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            if kind == "care_team":
                care_team.remove_professional(ctx.session, ctx.actor, pid, gid, now=ctx.now)
            elif kind == "caregiver":
                caregivers.revoke_caregiver(ctx.session, ctx.actor, pid, gid, now=ctx.now)
            else:
                who_can_see.revoke_link(ctx.session, ctx.actor, pid, gid, now=ctx.now)
            self._reload(ctx)

        done = self._run_as_user(revoke)
        return rx.toast.success(self._text("who.revoked"), duration=2500) if done.ok else done.event


class PatientsState(AppState):
    patients: list[PatientRow] = []
    error: str = ""

    @rx.event
    def load_patients(self):
        self.error = ""

        def load(ctx) -> None:  # noqa: ANN001
            self._active_profile(ctx)
            lang = self._lang()
            self.patients = [
                PatientRow(id=str(p.id), name=p.name, given_name=p.given_name, age_label=p.age_label,
                           last_access=_day(p.last_access, lang))
                for p in care_team.my_patients(ctx.session, ctx.actor, now=ctx.now, lang=lang)
            ]

        return self._run_as_user(load).event

    @rx.event
    def open_patient(self, profile_id: str):
        """Open a patient's record: the id is re-checked against the care relationships now."""
        return self._switch_to(profile_id, "/record")
