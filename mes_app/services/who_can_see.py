""""Who can see my record": every grant of a profile in one place (a consent receipt),
each with a one-tap revoke.

Care team members, caregivers, and share links (``ShareLink`` rows of purpose ``summary``
that are neither revoked nor expired). Owner or guardians only (MANAGE on the profile).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from mes_app.db.models import ShareLink
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Section, Target, UserActor, parse_sections
from mes_app.domain.errors import NotFound
from mes_app.services import care_team, caregivers, share_links
from mes_app.services.access_facts import authorize
from mes_app.services.care_team import CareMemberView
from mes_app.services.caregivers import CaregiverView


@dataclass(frozen=True)
class LinkView:
    id: int
    label: str
    sections: list[str]
    created_at: str  # ISO timestamp
    expires_at: str  # ISO timestamp
    last_used: str  # ISO timestamp of the last opening, "" if never
    has_passcode: bool


@dataclass(frozen=True)
class WhoCanSee:
    care_team: list[CareMemberView]
    caregivers: list[CaregiverView]
    links: list[LinkView]


def who_can_see(session: Session, actor: UserActor, profile_id: object, *, now: datetime) -> WhoCanSee:
    pid = v.parse_id(profile_id)
    members = [m for m in care_team.list_care_team(session, actor, pid, now=now) if m.status == "active"]
    grants = caregivers.list_caregivers(session, actor, pid, now=now)
    rows = session.exec(
        select(ShareLink)
        .where(
            ShareLink.profile_id == pid, ShareLink.purpose == "summary",
            col(ShareLink.revoked_at).is_(None), ShareLink.expires_at > now,
        )
        .order_by(col(ShareLink.created_at).desc(), col(ShareLink.id).desc())
    ).all()
    links = [
        LinkView(
            id=link.id,
            label=link.label,
            sections=[s.value for s in Section if s in parse_sections(link.sections)],
            created_at=link.created_at.isoformat(),
            expires_at=link.expires_at.isoformat(),
            last_used=link.last_opened_at.isoformat() if link.last_opened_at else "",
            has_passcode=link.passcode_hash is not None,
        )
        for link in rows
    ]
    return WhoCanSee(members, grants, links)


def revoke_link(session: Session, actor: UserActor, profile_id: object, link_id: object, *, now: datetime) -> None:
    """Revoke a share link of this profile now: it then says "revoked" and shows nothing."""
    pid = v.parse_id(profile_id)
    lid = v.parse_id(link_id)
    authorize(session, actor, Action.MANAGE, pid, Target(Section.PROFILE), now=now, target_kind="share_link")
    link = session.get(ShareLink, lid)
    if link is None or link.profile_id != pid or link.revoked_at is not None:
        raise NotFound()
    share_links.revoke_link(session, actor, lid, now=now)  # one revocation path for every page
