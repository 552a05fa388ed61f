"""What the access history and the security log may record: one registry of codes, and who
counts as a stranger. Pure Python (no database, no Reflex, no clock).

Every access event (the patient's ledger) and every security event (the operator's log) uses
an action code from :class:`LoggedAction`, a target kind from :data:`TARGET_KINDS` and a
``via`` from :class:`LoggedVia`. ``record_access`` refuses any other code, and
``tests/test_i18n.py`` checks that each code has a French and an English label, so the access
history never shows a raw code.

Strangers
    A refusal by an account with no relationship at all to the profile — not its owner, not a
    guardian, never in its care team, never given a caregiver grant (current or past, any
    status) — is answered *not found* and goes to the operator's security log only. The patient
    is shown at most one grouped line for a run of such attempts, never who made them.
    Refusals by anyone the patient knows (a caregiver out of scope, a professional reaching a
    hidden entry, a blocked or former professional, a share link with a wrong passcode) stay
    in the patient's history, grouped when repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mes_app.domain.access import Action, ProfileFacts, Section
from mes_app.domain.record_kinds import ENTRY_KINDS


class LoggedAction(StrEnum):
    """Every action an access event can record: the policy's actions, plus two of its own."""

    READ = Action.READ.value
    CREATE = Action.CREATE.value
    UPDATE = Action.UPDATE.value
    DELETE = Action.DELETE.value
    MANAGE = Action.MANAGE.value
    START_THREAD = Action.START_THREAD.value
    REPLY = Action.REPLY.value
    DOWNLOAD = "download"  # a document's file was opened
    DENIED = "denied"  # a refused attempt (any action)
    INVITE = "invite"  # an invitation to manage a profile was sent ...
    INVITE_ACCEPT = "invite_accept"  # ... accepted
    INVITE_DECLINE = "invite_decline"  # ... declined
    INVITE_CANCEL = "invite_cancel"  # ... or cancelled
    REVOKE = "revoke"  # a caregiver's access was withdrawn
    EXPORT = "export"  # the record was taken out (FHIR export, issue 13)
    # closing and deleting (issue 13, item 3)
    ERASE = "erase"  # a profile was closed / an account deleted (the operator's log only)

    # --- FHIR API (issue 12 item 2) ---
    API_CREATE = "api_create"  # added by a professional's connected software (grant_id = the software)

    # teen (issue 13 item 4): a guardianship ended because the young person took the profile at 18
    HANDED_OVER = "handed_over"


class TargetKind(StrEnum):
    """Target kinds that are neither a section nor a record entry kind."""

    DOCUMENT = "document"
    ACCESS_HISTORY = "access_history"
    EMERGENCY_CARD = "emergency_card"
    SHARE_LINK = "share_link"
    CAREGIVERS = "caregivers"
    CARE_TEAM = "care_team"
    MESSAGE_THREAD = "message_thread"
    MEASURES_IMPORT = "measures_import"
    FHIR_IMPORT = "fhir_import"  # a FHIR file imported by the patient (issue 12 item 3)
    PASSCODE = "passcode"
    SUMMARY = "summary"
    SUMMARY_FHIR = "summary_fhir"  # the summary downloaded as an IPS Bundle (JSON)
    SHL_FILE = "shl_file"  # a SMART Health Links file fetched from its one-time location
    PREVENTION = "prevention"
    INVITATION = "invitation"
    CAREGIVER_INVITATION = "caregiver_invitation"
    CAREGIVER_GRANT = "caregiver_grant"
    VACCINATION_HISTORY = "vaccination_history"  # the answer "do you know your vaccinations?"
    RECORD_EXPORT = "record_export"  # the whole record as a FHIR Bundle
    # --- take-out archive (issue 13, item 2) ---
    TAKEOUT = "takeout"  # the zip of the record (Bundle, documents, calendar, PDF summary)

    # closing and deleting (issue 13, item 3)
    PROFILE_CLOSING = "profile_closing"  # closing a profile (erasing it)
    ACCOUNT = "account"  # an account deleted (the operator's log only)

    # teen (issue 13 item 4): the hand-over at majority
    MAJORITY_INVITATION = "majority_invitation"
    GUARDIANSHIP = "guardianship"


class LoggedVia(StrEnum):
    """Through which relationship an access happened (the owner's and guardians' own accesses
    are not recorded today; their codes are registered all the same)."""

    OWNER = "owner"
    GUARDIAN = "guardian"
    CARE_TEAM = "care_team"
    CAREGIVER = "caregiver"
    SHARE_LINK = "share_link"
    EMERGENCY = "emergency"
    INVITATION = "invitation"  # the invitee of a pending invitation
    NONE = "none"  # a refusal


ACTION_CODES: frozenset[str] = frozenset(a.value for a in LoggedAction)
TARGET_KINDS: frozenset[str] = frozenset(
    {t.value for t in TargetKind} | {s.value for s in Section} | set(ENTRY_KINDS)
)
VIA_CODES: frozenset[str] = frozenset(v.value for v in LoggedVia)


def check_codes(action: str, target_kind: str, via: str | None = None) -> None:
    """Refuse a code that is not in the registry (it would show raw in the access history)."""
    if action not in ACTION_CODES:
        raise ValueError(f"unregistered access action code: {action!r}")
    if target_kind not in TARGET_KINDS:
        raise ValueError(f"unregistered access target kind: {target_kind!r}")
    if via is not None and via not in VIA_CODES:
        raise ValueError(f"unregistered access via code: {via!r}")


def is_stranger(user_id: int | None, facts: ProfileFacts | None, *, former: frozenset[int] = frozenset()) -> bool:
    """True when the account has no relationship, now or in the past, with the profile.

    ``former`` holds the accounts whose relationship the facts no longer carry (an ended
    guardianship): they are known to the patient, so not strangers.

    ``user_id=None`` (a link visitor) is not a stranger: the patient handed out the link.
    A profile that does not exist (``facts=None``) has no one to tell: every account is a
    stranger to it.
    """
    if user_id is None:
        return False
    if facts is None:
        return True
    if user_id == facts.owner_user_id or user_id in facts.guardian_user_ids or user_id in former:
        return False
    if any(c.professional_user_id == user_id for c in facts.care):
        return False
    return not any(g.grantee_user_id == user_id for g in facts.caregivers)


# --------------------------------------------------------------------------- lines of the history

LEDGER = "ledger"
STRANGERS = "strangers"


@dataclass(frozen=True)
class LineKey:
    """What makes two consecutive events one line of the patient's access history."""

    source: str  # LEDGER | STRANGERS
    actor_user_id: int | None
    actor_label: str | None
    action: str
    target_kind: str
    key_target_id: int | None
    via: str
    grant_id: int | None


# Every stranger is the same "actor" to the patient, who never learns who tried.
STRANGERS_KEY = LineKey(STRANGERS, None, None, LoggedAction.DENIED.value, "", None, LoggedVia.NONE.value, None)


def line_key(*, actor_user_id: int | None, actor_label: str | None, action: str, target_kind: str,
             target_id: int | None, via: str, grant_id: int | None) -> LineKey:
    """The line of a ledger event. A refusal is the same line whatever entry id was tried, so
    probing hidden entries one id after another reads as one line. A connected software's
    deposits in a row are one line too ("added 1 000 entries to Measures"): the line keeps the
    range of ids, and still names the document when the run is one document."""
    key_target = None if action in (LoggedAction.DENIED, LoggedAction.API_CREATE) else target_id
    return LineKey(LEDGER, actor_user_id, actor_label, action, target_kind, key_target, via, grant_id)
