"""Record entries (conditions, treatments, allergies, vaccinations…): list, add, edit, delete.

Each use case: parse the arguments → load the target → ask the access policy → change →
record the access → commit. Forms are validated against :mod:`mes_app.domain.record_kinds`.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlmodel import Session, col, select

from mes_app.db import models
from mes_app.db.core import core
from mes_app.domain import validation as v
from mes_app.domain.access import Action, Decision, Target, UserActor, Via, decide, entry_target
from mes_app.domain.calendar import local_date
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.record_kinds import EntryKind, FieldSpec, entry_kind
from mes_app.domain.terminology import load_default
from mes_app.services import connected_software, minors
from mes_app.services.access_facts import authorize, load_profile_facts, record_access

MODELS: dict[str, type[models.Entry]] = {
    "encounters": models.Encounter,
    "conditions": models.Condition,
    "treatments": models.Treatment,
    "hospitalisations": models.Hospitalisation,
    "handicaps": models.Handicap,
    "allergies": models.Allergy,
    "family_history": models.FamilyHistory,
    "habits": models.Habit,
    "vaccinations": models.Vaccination,
}

# Encounters keep a timestamp; their form asks for the day only.
_DATETIME_COLUMNS = {"occurred_on": "occurred_at"}

MAX_FORM_FIELDS = 20


@dataclass(frozen=True)
class EntryFact:
    """One field of an entry as typed, for the card: raw values (the state localises them)."""

    name: str  # the field's name: its label is ``field.<name>``
    type: str  # the field's type (text | note | date | choice | int)
    value: str  # ISO date, choice key, number or text
    unit: str = ""  # ints: "years"…
    label: str = ""  # filled in the viewer's language by the state
    text: str = ""  # the value in the viewer's language, filled by the state


@dataclass(frozen=True)
class EntryView:
    """One entry as the browser sees it (no ids of anything but the entry itself)."""

    id: int
    kind: str
    title: str
    date: str  # ISO date, "" when unknown
    date_field: str  # what ``date`` is: its label is ``field.<date_field>``
    coded: bool
    code_label: str  # "SNOMED CT 195967001", "" when uncoded
    author_role: str
    author_name: str
    editable: bool  # the viewer may edit and delete it
    manageable: bool  # the viewer may hide it from professionals (the patient or a guardian)
    hidden_from_professionals: bool
    tag: str = ""  # a choice shown as a badge: "mother", "severe", "tobacco", "resolved"…
    values: dict[str, str] = field(default_factory=dict)  # to prefill the edit form
    facts: list[EntryFact] = field(default_factory=list)  # every other field that is set, in form order
    # Entered by a health professional (the page shows a badge with their name).
    by_professional: bool = field(init=False, default=False)
    via_software: str = ""  # FHIR API (issue 12 item 2): the connected software that added it
    imported_from: str = ""  # FHIR file import (issue 12 item 3): the source of the file it came from

    # teen: "invisible to legal representatives", and whether the viewer may switch it
    hidden_from_guardians: bool = False
    can_mark_hidden_from_guardians: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_professional", self.author_role == "professional")


def _kind(key: object) -> EntryKind:
    kind = entry_kind(key)
    if kind is None:
        raise ValidationError("error.invalid_choice")
    return kind


# --------------------------------------------------------------------------- validation


def parse_entry_form(kind: EntryKind, form: object, *, birth_date: date, today: date) -> dict:
    """Column values for an entry from an untrusted form, or ValidationError."""
    if not isinstance(form, dict) or len(form) > MAX_FORM_FIELDS:
        raise ValidationError("error.invalid_form")
    values: dict = {}
    for spec in kind.fields:
        values.update(_parse_field(spec, form, birth_date=birth_date, today=today))
    for spec in kind.fields:
        if spec.type == "date" and spec.after:
            v.check_range(values.get(spec.after), values.get(spec.name))
    return values


def _parse_field(spec: FieldSpec, form: dict, *, birth_date: date, today: date) -> dict:
    raw = form.get(spec.name)
    if spec.type in ("text", "note"):
        return {spec.name: v.clean_text(raw, field=spec.name, max_len=spec.max_len, required=spec.required)}
    if spec.type == "choice":
        if raw in (None, "") and not spec.required:
            return {spec.name: None}
        return {spec.name: v.parse_choice(raw, spec.choices, field=spec.name)}
    if spec.type == "int":
        return {
            spec.name: v.parse_optional_int(raw, field=spec.name, min_value=spec.min_value, max_value=spec.max_value)
        }
    if spec.type == "date":
        day = v.parse_date(raw, field=spec.name, required=spec.required)
        if day is not None:
            if spec.not_future:
                v.check_not_future(day, today)
            if spec.not_before_birth:
                v.check_not_before(day, birth_date)
        return {spec.name: day}
    if spec.type == "coded":
        return _parse_coded(spec, form)
    raise ValueError("unknown field type")


def _parse_coded(spec: FieldSpec, form: dict) -> dict:
    """A coded field: the text the user typed, plus the concept they picked (if any).

    ``form["code"]`` is ``"<system>|<code>"`` from the terminology search; it must name a
    real concept of the right kind. Without it the entry is kept as uncoded free text.
    """
    text = v.clean_text(form.get(spec.name), field=spec.name, max_len=spec.max_len, required=spec.required)
    picked = form.get("code")
    if picked in (None, ""):
        return {"code_system": None, "code": None, "code_display": None, "code_text": text}
    if not isinstance(picked, str) or "|" not in picked or len(picked) > 200:
        raise ValidationError("error.unknown_code")
    system, code = picked.rsplit("|", 1)
    concept = load_default().lookup(spec.coded_kind, system, code)
    if concept is None:
        raise ValidationError("error.unknown_code")
    return {
        "code_system": concept.system,
        "code": concept.code,
        "code_display": concept.display,
        "code_text": text or concept.display_fr or concept.display,
    }


def _to_columns(kind: EntryKind, values: dict) -> dict:
    columns = dict(values)
    for form_name, column in _DATETIME_COLUMNS.items():
        if form_name in columns:
            day = columns.pop(form_name)
            columns[column] = datetime.combine(day, time(12, 0), tzinfo=UTC) if day else None
    if kind.key == "vaccinations" and columns.get("code_system") == "http://www.whocc.no/atc":
        concept = load_default().lookup("vaccine", columns["code_system"], columns["code"])
        columns["cvx_code"] = (concept.extra.get("cvx") if concept else None) or None
    return columns


# --------------------------------------------------------------------------- use cases


def list_entries(
    session: Session, actor: UserActor, profile_id: object, kind_key: object, *, now: datetime
) -> list[EntryView]:
    """The entries of one kind the actor may see, newest first; the read is recorded once.

    One statement (:func:`_entries_statement`): the entries with their author's name and the
    software or file they came from, as plain rows (no ORM entity is built for a list)."""
    kind = _kind(kind_key)
    pid = v.parse_id(profile_id)
    authorize(session, actor, Action.READ, pid, Target(kind.section), now=now, target_kind=kind.key)
    session.commit()
    facts = load_profile_facts(session, pid)
    if facts is None:
        raise NotFound()
    rows = core(session).execute(_entries_statement(kind.key), {"pid": pid}).all()
    views = []
    for row in rows:
        target = _target(kind, row)
        if not decide(actor, Action.READ, facts, target, now).visible:
            continue
        editable = decide(actor, Action.UPDATE, facts, target, now).allowed
        manageable = decide(actor, Action.MANAGE, facts, target, now).allowed
        markable = minors.may_mark(session, actor, pid, target, now=now)
        view = _view(kind, row, editable, manageable, {row.author_user_id: row.mes_author_name or ""}, markable)
        views.append(dataclasses.replace(view, via_software=row.mes_via_software or "",
                                         imported_from=row.mes_imported_from or ""))
    views.sort(key=lambda e: (e.date or "0000", e.id), reverse=True)
    return views


@functools.cache
def _entries_statement(kind_key: str) -> sa.Select:
    """The entries of one kind of the profile ``pid``, each with its author's name, the name of
    the connected software that added it (FHIR API, issue 12 item 2) and the source of the file
    it was imported from (issue 12 item 3): what ``connected_software.with_via`` adds, in the
    same statement. Built once per kind."""
    model = MODELS[kind_key]
    table = model.__table__  # pyright: ignore[reportAttributeAccessIssue]
    intake, software, imported = models.FhirIntake, models.ConnectedSoftware, models.RecordImport
    via_software = (sa.select(col(software.name))
                    .join(intake, col(intake.software_id) == col(software.id))
                    .where(col(intake.target_kind) == kind_key, col(intake.target_id) == table.c.id)
                    .order_by(col(intake.id).desc()).limit(1).scalar_subquery())
    imported_from = (sa.select(col(imported.source))
                     .where(col(imported.target_kind) == kind_key, col(imported.target_id) == table.c.id)
                     .order_by(col(imported.id).desc()).limit(1).scalar_subquery())
    return (sa.select(table, col(models.User.display_name).label("mes_author_name"),
                      via_software.label("mes_via_software"), imported_from.label("mes_imported_from"))
            .outerjoin(models.User, col(models.User.id) == table.c.author_user_id)
            .where(table.c.profile_id == sa.bindparam("pid")))


def _author_names(session: Session, user_ids: set[int | None]) -> dict[int | None, str]:
    ids = [uid for uid in user_ids if uid is not None]
    if not ids:
        return {}
    return {u.id: u.display_name for u in session.exec(select(models.User).where(col(models.User.id).in_(ids))).all()}


def add_entry(
    session: Session, actor: UserActor, profile_id: object, kind_key: object, form: object, *, now: datetime,
    hidden_from_guardians: object = False,
) -> EntryView:
    """Add an entry; a professional of a minor's care team may keep it from the legal
    representatives at once (``hidden_from_guardians``, default off)."""
    kind = _kind(kind_key)
    pid = v.parse_id(profile_id)
    secret = minors.parse_mark(hidden_from_guardians)
    if secret:  # decided (and recorded with the new entry's id) below: no line without an id
        decision = authorize(session, actor, Action.READ, pid, Target(kind.section), now=now, target_kind=kind.key,
                             log_reads=False)
        minors.require_mark(session, actor, pid, Target(kind.section), now=now)
    else:
        decision = authorize(session, actor, Action.CREATE, pid, Target(kind.section), now=now, target_kind=kind.key)
    profile = session.get(models.Profile, pid)
    if profile is None:
        raise NotFound()
    values = parse_entry_form(kind, form, birth_date=profile.birth_date, today=local_date(now))
    row = MODELS[kind.key](
        profile_id=pid,
        author_user_id=actor.user_id,
        author_role=_author_role(decision.via),
        created_at=now,
        updated_at=now,
        hidden_from_guardians=secret,
        **_to_columns(kind, values),
    )
    session.add(row)
    session.flush()
    if secret:
        _record_mark(session, actor, decision, kind.key, row, "create", now)
    session.commit()
    return _single_view(session, actor, kind, row, now)


def set_hidden_from_guardians(
    session: Session, actor: UserActor, kind_key: object, entry_id: object, hidden: object, *, now: datetime
) -> EntryView:
    """teen: the professional's switch "invisible to legal representatives" on an entry they
    authored on a minor's profile (or the young adult owner clearing it)."""
    kind = _kind(kind_key)
    secret = minors.parse_mark(hidden)
    row = _load(session, kind, entry_id)
    decision = authorize(session, actor, Action.READ, row.profile_id, _target(kind, row), now=now,
                         target_kind=kind.key, target_id=row.id, log_reads=False)
    minors.require_mark(session, actor, row.profile_id, _target(kind, row), now=now)
    row.hidden_from_guardians = secret
    row.updated_at = now
    session.add(row)
    _record_mark(session, actor, decision, kind.key, row, "update", now)
    session.commit()
    return _single_view(session, actor, kind, row, now)


def _record_mark(session: Session, actor: UserActor, decision: Decision, target_kind: str, row: models.Entry,
                 action: str, now: datetime) -> None:
    """A professional's change, with the entry's id: the guardians' access history leaves out
    the lines about an entry kept from them (:mod:`mes_app.services.access_history`)."""
    if decision.via is not None and decision.via.value not in ("owner", "guardian"):
        record_access(session, actor_user_id=actor.user_id, profile_id=row.profile_id, action=action,
                      target_kind=target_kind, target_id=row.id, via=decision.via.value,
                      grant_id=decision.grant_id, now=now)


def update_entry(
    session: Session, actor: UserActor, kind_key: object, entry_id: object, form: object, *, now: datetime
) -> EntryView:
    kind = _kind(kind_key)
    row = _load(session, kind, entry_id)
    authorize(session, actor, Action.UPDATE, row.profile_id, _target(kind, row), now=now, target_kind=kind.key,
              target_id=row.id)
    profile = session.get(models.Profile, row.profile_id)
    if profile is None:
        raise NotFound()
    values = parse_entry_form(kind, form, birth_date=profile.birth_date, today=local_date(now))
    for column, value in _to_columns(kind, values).items():
        setattr(row, column, value)
    row.updated_at = now
    session.add(row)
    session.commit()
    return _single_view(session, actor, kind, row, now)


def delete_entry(session: Session, actor: UserActor, kind_key: object, entry_id: object, *, now: datetime) -> None:
    kind = _kind(kind_key)
    row = _load(session, kind, entry_id)
    authorize(session, actor, Action.DELETE, row.profile_id, _target(kind, row), now=now, target_kind=kind.key,
              target_id=row.id)
    session.delete(row)
    session.commit()


def set_hidden_from_professionals(
    session: Session, actor: UserActor, kind_key: object, entry_id: object, hidden: object, *, now: datetime
) -> EntryView:
    """The patient's switch: hide one entry from every professional (their own entries too)."""
    kind = _kind(kind_key)
    if not isinstance(hidden, bool):
        raise ValidationError("error.invalid_choice")
    row = _load(session, kind, entry_id)
    authorize(session, actor, Action.MANAGE, row.profile_id, _target(kind, row), now=now, target_kind=kind.key,
              target_id=row.id)
    row.hidden_from_professionals = hidden
    row.updated_at = now
    session.add(row)
    session.commit()
    return _single_view(session, actor, kind, row, now)


def _load(session: Session, kind: EntryKind, entry_id: object) -> models.Entry:
    row = session.get(MODELS[kind.key], v.parse_id(entry_id))
    if row is None:
        raise NotFound()
    return row


def _target(kind: EntryKind, row: models.Entry | sa.Row) -> Target:
    return entry_target(kind.section, row)


def _author_role(via: Via | None) -> str:
    if via is None:
        return "patient"
    return {Via.OWNER: "patient", Via.GUARDIAN: "guardian", Via.CARE_TEAM: "professional"}.get(via, "patient")


# --------------------------------------------------------------------------- views

_SYSTEM_NAMES = {
    "http://snomed.info/sct": "SNOMED CT",
    "http://www.whocc.no/atc": "ATC",
    "http://loinc.org": "LOINC",
    "http://hl7.org/fhir/sid/cvx": "CVX",
    "http://hl7.org/fhir/sid/icd-10": "CIM-10",
}


def _single_view(session: Session, actor: UserActor, kind: EntryKind, row: models.Entry, now: datetime) -> EntryView:
    facts = load_profile_facts(session, row.profile_id)
    if facts is None:
        raise NotFound()
    editable = decide(actor, Action.UPDATE, facts, _target(kind, row), now).allowed
    manageable = decide(actor, Action.MANAGE, facts, _target(kind, row), now).allowed
    markable = minors.may_mark(session, actor, row.profile_id, _target(kind, row), now=now)
    view = _view(kind, row, editable, manageable, _author_names(session, {row.author_user_id}), markable)
    return connected_software.with_via(session, kind.key, [view])[0]


def _view(
    kind: EntryKind, row: models.Entry | sa.Row, editable: bool, manageable: bool, authors: dict[int | None, str],
    markable: bool = False,
) -> EntryView:
    values = _form_values(kind, row)
    return EntryView(
        id=row.id,
        kind=kind.key,
        title=values.get(kind.title_field, ""),
        date=values.get(kind.date_field, "")
        or (local_date(row.created_at).isoformat() if kind.date_field == "created_at" else ""),
        date_field=kind.date_field,
        coded=getattr(row, "code", None) is not None or kind.coded_field is None,
        code_label=_code_label(row),
        author_role=row.author_role,
        author_name=authors.get(row.author_user_id, ""),
        editable=editable,
        manageable=manageable,
        hidden_from_professionals=row.hidden_from_professionals,
        hidden_from_guardians=row.hidden_from_guardians,
        can_mark_hidden_from_guardians=markable,
        tag=_tag(kind, values),
        values=values,
        facts=[EntryFact(f.name, f.type, values[f.name], f.unit) for f in kind.card_fields if values.get(f.name)],
    )


def _form_values(kind: EntryKind, row: models.Entry | sa.Row) -> dict[str, str]:
    values: dict[str, str] = {}
    for spec in kind.fields:
        if spec.name in _DATETIME_COLUMNS:
            stamp = getattr(row, _DATETIME_COLUMNS[spec.name])
            values[spec.name] = local_date(stamp).isoformat() if stamp else ""
            continue
        value = getattr(row, spec.name, None)
        values[spec.name] = value.isoformat() if isinstance(value, date) else ("" if value is None else str(value))
    code = getattr(row, "code", None)
    if code:
        values["code"] = f"{getattr(row, 'code_system', None)}|{code}"
    return values


def _code_label(row: models.Entry | sa.Row) -> str:
    code = getattr(row, "code", None)
    if not code:
        return ""
    system = getattr(row, "code_system", None)
    name = _SYSTEM_NAMES.get(system, system) if isinstance(system, str) else system
    return f"{name} {code}"


def _tag(kind: EntryKind, values: dict[str, str]) -> str:
    value = values.get(kind.badge_field, "") if kind.badge_field else ""
    return value if value != "unknown" else ""
