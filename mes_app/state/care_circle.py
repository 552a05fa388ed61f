"""States of the care circle pages: care team, caregivers, "who can see my record", and the
professional's list of patients. Thin: every handler re-reads identity and active profile,
validates what the browser sent through the services, and keeps only small display rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import reflex as rx

from mes_app import i18n
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound
from mes_app.services import care_team, caregivers, who_can_see
from mes_app.services.caregivers import CAREGIVER_SECTIONS
from mes_app.state.base import AppState

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
    """An ISO date or timestamp, shown as a French calendar day."""
    if not value:
        return ""
    if len(value) > 10:
        value = local_date(datetime.fromisoformat(value)).isoformat()
    return i18n.format_date(value, lang)


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


def _valid_id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


class CareTeamState(AppState):
    members: list[MemberRow] = []
    error: str = ""
    form_error: str = ""
    form_key: int = 0
    confirm_open: bool = False
    confirm_id: int = 0

    def _reload(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        self.members = []
        if pid is None:
            raise NotFound()
        self.members = _member_rows(care_team.list_care_team(ctx.session, ctx.actor, pid, now=ctx.now), self._lang())

    @rx.event
    def load_care_team(self):
        self.error, self.form_error, self.confirm_open = "", "", False
        return self._attempt(self._reload).event

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

        done = self._attempt(add, error_attr="form_error")
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

        done = self._attempt(change)
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
            self.confirm_id, self.confirm_open = rid, True

    @rx.event
    def set_confirm_open(self, value: bool):
        self.confirm_open = value if isinstance(value, bool) else False

    @rx.event
    def confirm_remove(self):
        self.confirm_open = False
        return self._set(self.confirm_id, "removed", "care.removed_done")


class CaregiversState(AppState):
    grants: list[GrantRow] = []
    error: str = ""
    form_error: str = ""
    form_key: int = 0
    confirm_open: bool = False
    confirm_id: int = 0

    def _reload(self, ctx) -> None:  # noqa: ANN001
        pid = self._active_profile(ctx)
        self.grants = []
        if pid is None:
            raise NotFound()
        self.grants = _grant_rows(caregivers.list_caregivers(ctx.session, ctx.actor, pid, now=ctx.now), self._lang())

    @rx.event
    def load_caregivers(self):
        self.error, self.form_error, self.confirm_open = "", "", False
        return self._attempt(self._reload).event

    @rx.event
    def invite(self, form_data: dict):
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

        done = self._attempt(send, error_attr="form_error")
        if not done.ok:
            return done.event
        self.form_error = ""
        self.form_key += 1
        return rx.toast.success(self._text("caregivers.invited"), duration=2500)

    @rx.event
    def ask_revoke(self, grant_id: int):
        gid = _valid_id(grant_id)
        if gid is not None and any(g.id == gid for g in self.grants):
            self.confirm_id, self.confirm_open = gid, True

    @rx.event
    def set_confirm_open(self, value: bool):
        self.confirm_open = value if isinstance(value, bool) else False

    @rx.event
    def confirm_revoke(self):
        self.confirm_open = False

        def revoke(ctx) -> None:  # noqa: ANN001
            pid = self._active_profile(ctx)
            if pid is None:
                raise NotFound()
            caregivers.revoke_caregiver(ctx.session, ctx.actor, pid, self.confirm_id, now=ctx.now)
            self._reload(ctx)

        done = self._attempt(revoke)
        return rx.toast.success(self._text("caregivers.revoked"), duration=2500) if done.ok else done.event


REVOKE_KINDS = ("care_team", "caregiver", "link")


class WhoCanSeeState(AppState):
    members: list[MemberRow] = []
    grants: list[GrantRow] = []
    links: list[LinkRow] = []
    error: str = ""
    loaded: bool = False
    confirm_open: bool = False
    confirm_kind: str = ""
    confirm_id: int = 0

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
        return self._attempt(self._reload).event

    @rx.event
    def ask_revoke(self, kind: str, grant_id: int):
        gid = _valid_id(grant_id)
        if kind not in REVOKE_KINDS or gid is None:
            return
        rows = {"care_team": self.members, "caregiver": self.grants, "link": self.links}[kind]
        if any(r.id == gid for r in rows):
            self.confirm_kind, self.confirm_id, self.confirm_open = kind, gid, True

    @rx.event
    def set_confirm_open(self, value: bool):
        self.confirm_open = value if isinstance(value, bool) else False

    @rx.event
    def confirm_revoke(self):
        self.confirm_open = False
        kind, gid = self.confirm_kind, self.confirm_id
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

        done = self._attempt(revoke)
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

        return self._attempt(load).event

    @rx.event
    def open_patient(self, profile_id: str):
        """Open a patient's record: the id is re-checked against the care relationships now."""
        return self._switch_to(profile_id, "/record")
