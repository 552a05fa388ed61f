"""The kinds of record entries a patient (or a professional) adds, as data.

Each kind names its fields and their rules once; the service validates any form against
it and the pages draw their forms and lists from it, so a rule cannot differ between the
two. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from mes_app.domain.access import Section

TEXT_MAX = 200
NOTE_MAX = 2000


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # text | note | date | choice | coded | int
    required: bool = False
    max_len: int = TEXT_MAX
    choices: tuple[str, ...] = ()
    coded_kind: str = ""  # terminology kind or group (terminology.GROUPS) for "coded" fields
    not_future: bool = False  # dates: refused when after today
    not_before_birth: bool = False  # dates: refused when before the profile's birth
    after: str = ""  # dates: must not be before this other field (end after start)
    min_value: int = 0
    max_value: int = 0
    unit: str = ""  # ints: the unit the card shows the number with ("years" → "55 ans")

    @property
    def label_key(self) -> str:
        return f"field.{self.name}"


@dataclass(frozen=True)
class EntryKind:
    key: str
    section: Section
    fields: tuple[FieldSpec, ...]
    date_field: str  # what the list is sorted by, newest first
    group: str  # the record page it is shown on
    badge_field: str = ""  # a choice the card shows as a badge (relationship, severity…)

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def title_field(self) -> str:
        """The field a card shows as its title: the coded name, else the typed title."""
        coded = self.coded_field
        return coded.name if coded is not None else "title"

    @property
    def card_fields(self) -> tuple[FieldSpec, ...]:
        """Every other field, shown labelled on the card when set (a new field is never forgotten)."""
        shown_elsewhere = {self.title_field, self.date_field, self.badge_field}
        return tuple(f for f in self.fields if f.name not in shown_elsewhere)

    @property
    def coded_field(self) -> FieldSpec | None:
        return next((f for f in self.fields if f.type == "coded"), None)


NOTE = FieldSpec("note", "note", max_len=NOTE_MAX)


def _coded(kind: str) -> FieldSpec:
    return FieldSpec("code_text", "coded", required=True, max_len=255, coded_kind=kind)


def _past_date(name: str, *, required: bool = False, after: str = "") -> FieldSpec:
    return FieldSpec(name, "date", required=required, not_future=True, not_before_birth=True, after=after)


ENCOUNTER_KINDS = ("gp_visit", "specialist", "pharmacy", "lab", "emergency", "other")
CONDITION_STATUSES = ("active", "resolved", "inactive")
SEVERITIES = ("mild", "moderate", "severe", "unknown")
ALLERGY_STATUSES = ("active", "resolved")
RELATIONSHIPS = ("mother", "father", "sibling", "grandparent", "child", "other")
HABIT_KINDS = ("tobacco", "alcohol", "physical_activity", "diet", "other")

ENTRY_KINDS: dict[str, EntryKind] = {
    kind.key: kind
    for kind in (
        EntryKind(
            "encounters",
            Section.HISTORY,
            (
                FieldSpec("kind", "choice", required=True, choices=ENCOUNTER_KINDS),
                FieldSpec("title", "text", required=True),
                _past_date("occurred_on", required=True),
                FieldSpec("practitioner", "text"),
                FieldSpec("place", "text"),
                NOTE,
            ),
            "occurred_on",
            "history",
            badge_field="kind",
        ),
        EntryKind(
            "conditions",
            Section.CONDITIONS,
            (
                _coded("health_problem"),
                FieldSpec("status", "choice", required=True, choices=CONDITION_STATUSES),
                _past_date("onset_date"),
                _past_date("abatement_date", after="onset_date"),
                NOTE,
            ),
            "onset_date",
            "conditions",
            badge_field="status",
        ),
        EntryKind(
            "treatments",
            Section.TREATMENTS,
            (
                _coded("medication"),
                FieldSpec("dosage", "text", max_len=255),
                FieldSpec("start_date", "date", not_before_birth=True),
                FieldSpec("end_date", "date", not_before_birth=True, after="start_date"),
                NOTE,
            ),
            "start_date",
            "treatments",
        ),
        EntryKind(
            "hospitalisations",
            Section.HOSPITALISATIONS,
            (
                _coded("hospital_stay"),
                FieldSpec("facility", "text"),
                _past_date("admitted_on", required=True),
                _past_date("discharged_on", after="admitted_on"),
                NOTE,
            ),
            "admitted_on",
            "hospitalisations",
        ),
        EntryKind(
            "handicaps",
            Section.HOSPITALISATIONS,
            (_coded("handicap"), _past_date("since_date"), NOTE),
            "since_date",
            "hospitalisations",
        ),
        EntryKind(
            "allergies",
            Section.RISK_FACTORS,
            (
                _coded("allergy"),
                FieldSpec("reaction", "text", max_len=255),
                FieldSpec("severity", "choice", required=True, choices=SEVERITIES),
                FieldSpec("status", "choice", required=True, choices=ALLERGY_STATUSES),
                _past_date("onset_date"),
                NOTE,
            ),
            "onset_date",
            "risk_factors",
            badge_field="severity",
        ),
        EntryKind(
            "family_history",
            Section.RISK_FACTORS,
            (
                FieldSpec("relationship", "choice", required=True, choices=RELATIONSHIPS),
                _coded("health_problem"),
                FieldSpec("onset_age", "int", min_value=0, max_value=120, unit="years"),
                NOTE,
            ),
            "created_at",
            "risk_factors",
            badge_field="relationship",
        ),
        EntryKind(
            "habits",
            Section.RISK_FACTORS,
            (
                FieldSpec("kind", "choice", required=True, choices=HABIT_KINDS),
                _coded("smoking_status"),
                _past_date("start_date"),
                _past_date("end_date", after="start_date"),
                NOTE,
            ),
            "start_date",
            "risk_factors",
            badge_field="kind",
        ),
        EntryKind(
            "vaccinations",
            Section.VACCINATIONS,
            (
                _coded("vaccine"),
                _past_date("given_on", required=True),
                FieldSpec("dose_number", "int", min_value=1, max_value=10),
                FieldSpec("lot_number", "text", max_len=60),
                FieldSpec("performer", "text"),
                NOTE,
            ),
            "given_on",
            "vaccinations",
        ),
    )
}

# The record pages and the entry kinds each one shows.
RECORD_GROUPS: dict[str, tuple[str, ...]] = {
    "conditions": ("conditions",),
    "treatments": ("treatments",),
    "hospitalisations": ("hospitalisations", "handicaps"),
    "risk_factors": ("allergies", "family_history", "habits"),
    "vaccinations": ("vaccinations",),
}


def entry_kind(key: object) -> EntryKind | None:
    return ENTRY_KINDS.get(key) if isinstance(key, str) else None
