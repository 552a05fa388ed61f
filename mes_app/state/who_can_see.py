""""Who can see my record": the care team, the caregivers and the share links of the active
profile on one page, each revocable. The kind and id being confirmed stay on the server;
the service checks them against the active profile.
"""

from __future__ import annotations

import reflex as rx

from mes_app.domain.care_circle_view import GrantRow, LinkRow, MemberRow, grant_rows, link_rows, member_rows
from mes_app.domain.errors import NotFound
from mes_app.domain.validation import id_or_none
from mes_app.services import care_team, caregivers, who_can_see
from mes_app.state.base import AppState
from mes_app.state.mixins import ConfirmMixin

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
        self.members = member_rows(seen.care_team, lang)
        self.grants = grant_rows(seen.caregivers, lang)
        self.links = link_rows(seen.links, lang)
        self.loaded = True

    @rx.event
    def load_who_can_see(self):
        self.error, self.confirm_open = "", False
        return self._run_as_user(self._reload).event

    @rx.event
    def ask_revoke(self, kind: str, grant_id: int):
        gid = id_or_none(grant_id)
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
