"""Demo data: a French family (two parents, a baby, a teenager) and their GP.

Run it after the migrations::

    alembic upgrade head
    python -m mes_app.seed

:func:`seed_demo` writes only into an empty database (no user account at all) and is
deterministic: the same ``now`` always gives the same rows (``random.Random(42)``), and
every date is computed from ``now`` so the record always looks current (the baby is about
8.5 months old, the next check-up is in 10 days...).

Demo logins (also listed in the module constants below):

=====================  ======================  =====================================
e-mail                 password                who
=====================  ======================  =====================================
parent@demo.mes        Demo-parent-2026        Camille Martin, mother, patient
parent2@demo.mes       Demo-parent-2026        Julien Martin, father, co-guardian
medecin@demo.mes       Demo-medecin-2026       Dr Sophie Bernard, GP (professional)
=====================  ======================  =====================================

Codes come from the local terminology (:mod:`mes_app.domain.terminology`), the same lists
the forms accept; a code missing from it makes the seed fail loudly rather than store a
code the app would refuse. A few entries stay uncoded on purpose (free text, as a user
would type them).

This module never creates tables: the schema comes from the Alembic migrations.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from itertools import pairwise
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, SQLModel, create_engine, select

from mes_app.db import table_of
from mes_app.db.models import (
    Allergy,
    Appointment,
    CareRelationship,
    Condition,
    Encounter,
    Entry,
    FamilyHistory,
    Guardianship,
    Habit,
    Handicap,
    Hospitalisation,
    Measure,
    Profile,
    Treatment,
    User,
    Vaccination,
)
from mes_app.domain.prevention import load_schedule
from mes_app.domain.terminology import ATC, ICD10, LOINC, SNOMED, Terminology
from mes_app.services.passwords import hash_password
from mes_app.settings import settings

log = logging.getLogger("mes_app.seed")

_Row = TypeVar("_Row", bound=SQLModel)
_EntryRow = TypeVar("_EntryRow", bound=Entry)

PARENT_EMAIL = "parent@demo.mes"
PARENT2_EMAIL = "parent2@demo.mes"
PROFESSIONAL_EMAIL = "medecin@demo.mes"
PARENT_PASSWORD = "Demo-parent-2026"
PROFESSIONAL_PASSWORD = "Demo-medecin-2026"

RANDOM_SEED = 42

# Ages on `now`, in days.
LEA_AGE_DAYS = 262  # ~8.6 months: the "examen du 9e mois" is 10 days away
HUGO_AGE_DAYS = 14 * 365 + 110  # ~14.3 years
CAMILLE_AGE_DAYS = 13_300  # ~36.4 years (born around 1990 when now is 2026)
JULIEN_AGE_DAYS = 13_920  # ~38.1 years

# Account creation, in days before `now`: a little more than the three years of history.
PROFESSIONAL_SINCE_DAYS = 1_200
CAMILLE_SINCE_DAYS = 1_125
JULIEN_SINCE_DAYS = 1_100

# Tables this module writes; main() checks they exist before seeding.
SEEDED_TABLES = (
    User, Profile, Guardianship, CareRelationship, Encounter, Condition, Treatment,
    Hospitalisation, Handicap, Allergy, FamilyHistory, Habit, Vaccination, Measure, Appointment,
)

try:  # French wall-clock times, stored in UTC.
    PARIS: tzinfo = ZoneInfo("Europe/Paris")
except ZoneInfoNotFoundError:  # pragma: no cover - no tz database on this system
    PARIS = timezone(timedelta(hours=1))

# Places and practitioners (fictional).
GP_NAME = "Dr Sophie Bernard"
GP_PLACE = "Cabinet médical des Lilas"
PHARMACY = "Pharmacie du Marché"
LAB = "Laboratoire de biologie médicale des Lilas"
HOSPITAL = "Centre hospitalier"
PEDIATRIC_ER = "Centre hospitalier — urgences pédiatriques"
ADULT_ER = "Centre hospitalier — urgences"
MATERNITY = "Centre hospitalier — maternité"
GYNECOLOGIST = "Dr Claire Moreau, gynécologue-obstétricienne"
MIDWIFE = "Élodie Petit, sage-femme"
PHYSIO = "Thomas Roux, masseur-kinésithérapeute"
OPHTHALMOLOGIST = "Dr Henri Mercier, ophtalmologue"
PSYCHOLOGIST = "Laura Garnier, psychologue"
PEDIATRIC_PULMONOLOGIST = "Dr Antoine Girard, pneumo-pédiatre"
ALLERGIST = "Dr Nathalie Dubois, allergologue"
PEDIATRIC_SURGEON = "Dr Paul Lambert, chirurgien pédiatrique"
DENTIST = "Dr Julie Fontaine, chirurgien-dentiste"


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Author:
    user_id: int
    role: str  # patient | guardian | professional


@dataclass
class _Person:
    """A profile being seeded, with who writes in it."""

    profile: Profile
    own: _Author  # the patient herself, or the guardian
    pro: _Author  # the GP
    care_since: datetime  # entries by the GP are never older than her care relationship


class _Seeder:
    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now.astimezone(UTC)
        self.today = self.now.astimezone(PARIS).date()
        self.rng = random.Random(RANDOM_SEED)
        self.terms = Terminology.load()

    # -- time ---------------------------------------------------------------------------
    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    @staticmethod
    def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
        """A French wall-clock time on ``day``, as an aware UTC datetime."""
        return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)

    def slot(self, day: date, *, walk_in: bool = False) -> datetime:
        """A plausible time for an appointment, or for a walk-in (a pharmacy), from the seeded RNG."""
        slots = (
            [(10, 5), (12, 20), (17, 40), (18, 15), (18, 50)]
            if walk_in
            else [(8, 30), (9, 0), (9, 45), (10, 30), (11, 15), (14, 0), (14, 45), (15, 30), (16, 15), (17, 0)]
        )
        hour, minute = self.rng.choice(slots)
        return self.at(day, hour, minute)

    def jitter(self, spread: int = 3) -> int:
        return self.rng.randint(-spread, spread)

    # -- codes --------------------------------------------------------------------------
    def coded(self, kind: str, system: str, code: str) -> dict[str, str]:
        concept = self.terms.lookup(kind, system, code)
        if concept is None:
            raise LookupError(f"seed uses {kind} {system}|{code}, missing from the terminology")
        return {"code_system": concept.system, "code": concept.code, "code_display": concept.display}

    def vaccine(self, atc: str, cvx: str) -> dict[str, str]:
        concept = self.terms.lookup("vaccine", ATC, atc)
        if concept is None or cvx not in concept.extra_codes("cvx"):
            raise LookupError(f"seed uses vaccine ATC {atc} / CVX {cvx}, missing from the terminology")
        return {"code_system": ATC, "code": atc, "code_display": concept.display, "cvx_code": cvx}

    def measure_code(self, loinc: str) -> str:
        if self.terms.lookup("measure", LOINC, loinc) is None:
            raise LookupError(f"seed uses LOINC {loinc}, missing from the terminology")
        return loinc

    def lot(self) -> str:
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        return (
            "".join(self.rng.choice(letters) for _ in range(2))
            + "".join(self.rng.choice("0123456789") for _ in range(4))
            + self.rng.choice(letters)
        )

    # -- rows ---------------------------------------------------------------------------
    def add(self, row: _Row) -> _Row:
        self.session.add(row)
        return row

    def entry(self, model: type[_EntryRow], person: _Person, author: _Author, when: datetime, **fields) -> _EntryRow:
        """A record entry with its provenance; created/updated at the entry's own date."""
        if author.role == "professional" and when < person.care_since:
            raise ValueError(f"{model.__name__} by the GP predates her care relationship")
        return self.add(
            model(
                profile_id=person.profile.id,
                author_user_id=author.user_id,
                author_role=author.role,
                created_at=when,
                updated_at=when,
                **fields,
            )
        )

    def encounter(self, person: _Person, day: date, kind: str, title: str, *, place: str | None,
                  practitioner: str | None, by_pro: bool = False, when: datetime | None = None,
                  note: str | None = None, hidden: bool = False) -> Encounter:
        when = when or self.slot(day, walk_in=kind == "pharmacy")
        return self.entry(
            Encounter, person, person.pro if by_pro else person.own, when,
            kind=kind, title=title, occurred_at=when, place=place, practitioner=practitioner,
            note=note, hidden_from_professionals=hidden,
        )

    def measure(self, person: _Person, when: datetime, kind: str, loinc: str, value: float, unit: str,
                *, by_pro: bool = False, secondary: float | None = None) -> Measure:
        return self.entry(
            Measure, person, person.pro if by_pro else person.own, when,
            kind=kind, loinc_code=self.measure_code(loinc), value=value, value_secondary=secondary,
            unit=unit, measured_at=when, source="professional" if by_pro else "manual",
        )

    def vaccination(self, person: _Person, day: date, atc: str, cvx: str, text: str, dose: int | None,
                    *, by_pro: bool, performer: str) -> Vaccination:
        when = self.slot(day)
        return self.entry(
            Vaccination, person, person.pro if by_pro else person.own, when,
            **self.vaccine(atc, cvx), code_text=text, given_on=day, dose_number=dose,
            lot_number=self.lot(), performer=performer,
        )


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


# Kinds of contact whose day is never shifted: an emergency fixes the date of what follows it,
# and a pharmacy visit must stay after the prescription.
_ANCHORED = ("emergency", "pharmacy")


def _interpolate(table: Sequence[tuple[float, float]], x: float) -> float:
    """Linear interpolation in a (x, y) table sorted by x, clamped at both ends."""
    if x <= table[0][0]:
        return table[0][1]
    for (x0, y0), (x1, y1) in pairwise(table):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return table[-1][1]


# Approximate WHO medians (girls 0-8 months; months -> value) and French/WHO boys 11-15 years.
_GIRL_WEIGHT_KG = [(0, 3.2), (1, 4.2), (2, 5.1), (3, 5.8), (4, 6.4), (5, 6.9), (6, 7.3), (7, 7.6), (8, 7.9), (9, 8.2)]
_GIRL_LENGTH_CM = [(0, 49.1), (1, 53.7), (2, 57.1), (3, 59.8), (4, 62.1), (5, 64.0), (6, 65.7), (7, 67.3), (8, 68.7),
                   (9, 70.1)]
_GIRL_HEAD_CM = [(0, 33.9), (1, 36.5), (2, 38.3), (3, 39.5), (4, 40.6), (5, 41.5), (6, 42.2), (7, 42.8), (8, 43.4),
                 (9, 43.8)]
_BOY_HEIGHT_CM = [(11, 143.5), (12, 149.1), (13, 156.0), (14, 163.2), (15, 169.0)]
_BOY_WEIGHT_KG = [(11, 35.6), (12, 39.9), (13, 45.3), (14, 50.8), (15, 56.0)]


# --------------------------------------------------------------------------- public API


def seed_demo(session: Session, *, now: datetime) -> bool:
    """Create the demo family when the database has no user; return whether it did.

    Idempotent: with any user present nothing is written and ``False`` is returned. The
    rows are committed here. ``now`` must be timezone-aware.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if session.exec(select(User.id).limit(1)).first() is not None:
        return False
    try:
        _seed(_Seeder(session, now))
        session.commit()
    except IntegrityError:
        # Another process seeded at the same time: the unique e-mails refused our copy.
        session.rollback()
        return False
    return True


def _seed(s: _Seeder) -> None:
    # One argon2 hash per distinct password (each costs ~0.15 s).
    parent_hash = hash_password(PARENT_PASSWORD)
    professional_hash = hash_password(PROFESSIONAL_PASSWORD)

    # ---------------------------------------------------------------- accounts
    doctor = s.add(User(
        email=PROFESSIONAL_EMAIL, password_hash=professional_hash, display_name="Dr Sophie Bernard",
        role="professional", professional_id="10101010105", specialty="Médecine générale",
        professional_status="verified", profession="medecin",
        created_at=s.at(s.ago(PROFESSIONAL_SINCE_DAYS), 9, 0), activated_at=s.at(s.ago(PROFESSIONAL_SINCE_DAYS), 9, 0),
    ))
    camille = s.add(User(
        email=PARENT_EMAIL, password_hash=parent_hash, display_name="Camille Martin", role="patient",
        created_at=s.at(s.ago(CAMILLE_SINCE_DAYS), 20, 30), activated_at=s.at(s.ago(CAMILLE_SINCE_DAYS), 20, 30),
    ))
    julien = s.add(User(
        email=PARENT2_EMAIL, password_hash=parent_hash, display_name="Julien Martin", role="patient",
        created_at=s.at(s.ago(JULIEN_SINCE_DAYS), 21, 10), activated_at=s.at(s.ago(JULIEN_SINCE_DAYS), 21, 10),
    ))
    s.session.flush()

    # ---------------------------------------------------------------- profiles
    lea_birth = s.ago(LEA_AGE_DAYS)
    camille_profile = s.add(Profile(
        given_name="Camille", family_name="Martin", birth_date=s.ago(CAMILLE_AGE_DAYS), sex="female",
        kind="self", owner_user_id=camille.id, created_by_user_id=camille.id, created_at=camille.created_at,
    ))
    julien_profile = s.add(Profile(
        given_name="Julien", family_name="Martin", birth_date=s.ago(JULIEN_AGE_DAYS), sex="male",
        kind="self", owner_user_id=julien.id, created_by_user_id=julien.id, created_at=julien.created_at,
    ))
    hugo_profile = s.add(Profile(
        given_name="Hugo", family_name="Martin", birth_date=s.ago(HUGO_AGE_DAYS), sex="male",
        kind="child", owner_user_id=None, created_by_user_id=camille.id,
        created_at=camille.created_at + timedelta(minutes=12),
    ))
    lea_created = s.at(lea_birth + timedelta(days=3), 21, 0)  # back home from the maternity
    lea_profile = s.add(Profile(
        given_name="Léa", family_name="Martin", birth_date=lea_birth, sex="female",
        kind="child", owner_user_id=None, created_by_user_id=camille.id, created_at=lea_created,
    ))
    s.session.flush()

    # Both parents are guardians of both children.
    for child, created in ((hugo_profile, hugo_profile.created_at), (lea_profile, lea_created)):
        s.add(Guardianship(profile_id=child.id, user_id=camille.id, added_by_user_id=camille.id,
                           created_at=created))
        s.add(Guardianship(profile_id=child.id, user_id=julien.id, added_by_user_id=camille.id,
                           created_at=max(created, julien.created_at) + timedelta(minutes=5)))

    # The GP is in the care team of the mother and of both children, granted by the mother.
    care_since = {
        camille_profile.id: camille.created_at + timedelta(days=5),
        hugo_profile.id: camille.created_at + timedelta(days=5, minutes=2),
        lea_profile.id: lea_created + timedelta(minutes=10),
    }
    for profile_id, since in care_since.items():
        s.add(CareRelationship(profile_id=profile_id, professional_user_id=doctor.id,
                               granted_by_user_id=camille.id, status="active", starts_at=since,
                               created_at=since))

    gp = _Author(doctor.id, "professional")
    mother = _Person(camille_profile, _Author(camille.id, "patient"), gp, care_since[camille_profile.id])
    hugo = _Person(hugo_profile, _Author(camille.id, "guardian"), gp, care_since[hugo_profile.id])
    lea = _Person(lea_profile, _Author(camille.id, "guardian"), gp, care_since[lea_profile.id])
    father = _Person(julien_profile, _Author(julien.id, "patient"), gp, datetime.max.replace(tzinfo=UTC))

    _seed_mother(s, mother)
    _seed_hugo(s, hugo)
    _seed_lea(s, lea)
    _seed_father(s, father)
    _seed_lab_results(s, mother)  # lab results (issue 12)
    # Documents, share links and message threads are added by their own features (later
    # issues): this seed stores no file, no link and no message.
    s.session.flush()


# --------------------------------------------------------------------------- Camille (mother)


def _seed_mother(s: _Seeder, p: _Person) -> None:
    birth = p.profile.birth_date
    lea_born = LEA_AGE_DAYS  # days ago
    lmp = lea_born + 280  # last menstrual period, days ago (SA = weeks since it)

    def sa_day(weeks: int) -> int:  # days ago at `weeks` SA
        return lmp - 7 * weeks

    # ---- health history: ~27 contacts over three years, newest last.
    visits = [
        (1_105, "lab", "Bilan sanguin — TSH", LAB, None, False, "TSH 2,1 mUI/l : équilibre correct."),
        (1_100, "gp_visit", "Consultation médecin traitant — suivi thyroïde", GP_PLACE, GP_NAME, True,
         "Hypothyroïdie équilibrée, poursuite Lévothyrox 75 µg."),
        (1_097, "pharmacy", "Pharmacie — délivrance", PHARMACY, None, False, "Lévothyrox 75 µg, 3 mois."),
        (1_010, "specialist", "Consultation gynécologique — suivi annuel", GYNECOLOGIST.split(",")[0],
         GYNECOLOGIST, False, "Frottis de dépistage normal."),
        (905, "specialist", "Consultation ophtalmologique", OPHTHALMOLOGIST.split(",")[0], OPHTHALMOLOGIST,
         False, "Myopie stable, renouvellement des lunettes."),
        (812, "gp_visit", "Consultation médecin traitant — rhinite allergique", GP_PLACE, GP_NAME, True,
         "Rhinite saisonnière aux graminées, cétirizine pendant la saison."),
        (761, "emergency", "Urgences — entorse de la cheville droite", ADULT_ER, None, False,
         "Radiographie sans fracture. Attelle et repos 10 jours."),
        (761, "pharmacy", "Pharmacie — délivrance", PHARMACY, None, False, "Paracétamol, attelle de cheville."),
        (742, "other", "Kinésithérapie — rééducation de la cheville", PHYSIO.split(",")[0], PHYSIO, False,
         "10 séances prescrites."),
        (722, "gp_visit", "Consultation médecin traitant — contrôle", GP_PLACE, GP_NAME, False, None),
        (700, "lab", "Bilan sanguin — TSH", LAB, None, False, None),
        (lmp - 30, "specialist", "Consultation préconceptionnelle", GYNECOLOGIST.split(",")[0], GYNECOLOGIST,
         False, "Acide folique débuté, TSH à surveiller pendant la grossesse."),
        (sa_day(7), "lab", "Bilan sanguin — début de grossesse", LAB, None, False,
         "Groupe sanguin, sérologies, TSH (dose de Lévothyrox augmentée)."),
        (sa_day(12), "specialist", "Échographie du 1er trimestre", "Cabinet d'échographie", GYNECOLOGIST,
         False, None),
        (sa_day(16), "specialist", "Entretien prénatal précoce", "Cabinet de sages-femmes", MIDWIFE, False,
         None),
        (sa_day(22), "specialist", "Échographie du 2e trimestre", "Cabinet d'échographie", GYNECOLOGIST,
         False, None),
        (sa_day(26), "gp_visit", "Consultation médecin traitant — vaccination coqueluche", GP_PLACE, GP_NAME,
         True, "Vaccination dTcaP recommandée pendant la grossesse."),
        (sa_day(32), "specialist", "Échographie du 3e trimestre", "Cabinet d'échographie", GYNECOLOGIST,
         False, None),
        (lea_born, "other", "Maternité — accouchement", MATERNITY, None, False,
         "Naissance de Léa, accouchement par voie basse."),
        (lea_born - 45, "specialist", "Consultation postnatale", "Cabinet de sages-femmes", MIDWIFE, False,
         None),
        (lea_born - 70, "specialist", "Sage-femme — rééducation périnéale", "Cabinet de sages-femmes",
         MIDWIFE, False, None),
        (150, "lab", "Bilan sanguin — TSH post-partum", LAB, None, False, None),
        (144, "gp_visit", "Consultation médecin traitant — suivi thyroïde", GP_PLACE, GP_NAME, True,
         "Retour à Lévothyrox 75 µg après l'accouchement."),
        (141, "pharmacy", "Pharmacie — délivrance", PHARMACY, None, False, "Lévothyrox 75 µg, 3 mois."),
        (96, "other", "Consultation psychologue", PSYCHOLOGIST.split(",")[0], PSYCHOLOGIST, False, None),
        (33, "gp_visit", "Consultation médecin traitant — renouvellement d'ordonnance", GP_PLACE, GP_NAME,
         False, None),
        (30, "pharmacy", "Pharmacie — délivrance", PHARMACY, None, False, "Lévothyrox 75 µg, 3 mois."),
    ]
    visit_day: dict[str, date] = {}
    for days_ago, kind, title, place, practitioner, by_pro, note in visits:
        delivery = title == "Maternité — accouchement"
        day = s.ago(days_ago if delivery or kind in _ANCHORED else days_ago + s.jitter(2))
        visit_day[title] = day
        s.encounter(p, day, kind, title, place=place, practitioner=practitioner, by_pro=by_pro,
                    when=s.at(day, 4, 10) if delivery else None, note=note,
                    # The patient hid this one from professionals (a per-entry choice MES offers).
                    hidden=title == "Consultation psychologue")

    # ---- conditions
    s.entry(Condition, p, p.own, s.at(s.ago(2_200)),
            **s.coded("condition", SNOMED, "40930008"), code_text="Hypothyroïdie (thyroïdite de Hashimoto)",
            status="active", onset_date=s.ago(2_200))
    allergic_onset = birth + timedelta(days=365 * 19)
    s.entry(Condition, p, p.own, s.at(allergic_onset),
            **s.coded("condition", SNOMED, "61582004"), code_text="Rhinite allergique aux pollens de graminées",
            status="active", onset_date=allergic_onset)
    # Uncoded on purpose: typed as free text.
    s.entry(Condition, p, p.own, s.at(s.ago(760)), code_text="Entorse de la cheville droite",
            status="resolved", onset_date=s.ago(761), abatement_date=s.ago(700))

    # ---- treatments
    s.entry(Treatment, p, p.pro, s.at(s.ago(1_100), 10, 0),
            **s.coded("medication", ATC, "H03AA01"), code_text="Lévothyrox 75 µg, comprimé",
            dosage="1 comprimé le matin à jeun", start_date=s.ago(2_190))
    s.entry(Treatment, p, p.own, s.at(s.ago(760), 19, 0),
            **s.coded("medication", ATC, "N02BE01"), code_text="Doliprane 1000 mg, comprimé",
            dosage="1 comprimé toutes les 6 heures si douleur, 4 par jour au maximum",
            start_date=s.ago(761), end_date=s.ago(751))
    for start in (812, 447, 82):
        s.entry(Treatment, p, p.own, s.at(s.ago(start), 20, 0),
                **s.coded("medication", ATC, "R06AE07"), code_text="Cétirizine 10 mg, comprimé",
                dosage="1 comprimé le soir pendant la saison des pollens",
                start_date=s.ago(start), end_date=s.ago(start - 60) if start > 60 else None)

    # ---- allergies
    s.entry(Allergy, p, p.own, s.at(birth + timedelta(days=365 * 18)),
            **s.coded("allergy", SNOMED, "764146007"), code_text="Pénicilline",
            reaction="Urticaire généralisée après amoxicilline", severity="moderate", status="active",
            onset_date=birth + timedelta(days=365 * 18))
    s.entry(Allergy, p, p.own, s.at(allergic_onset),
            **s.coded("allergy", SNOMED, "256277009"), code_text="Pollens de graminées",
            reaction="Rhinite, conjonctivite", severity="mild", status="active", onset_date=allergic_onset)

    # ---- family history
    s.entry(FamilyHistory, p, p.own, s.at(s.ago(1_120)), relationship="mother",
            **s.coded("condition", SNOMED, "44054006"), code_text="Diabète de type 2", onset_age=58)
    s.entry(FamilyHistory, p, p.own, s.at(s.ago(1_120)), relationship="father",
            **s.coded("condition", SNOMED, "59621000"), code_text="Hypertension artérielle", onset_age=52)

    # ---- habits
    s.entry(Habit, p, p.own, s.at(s.ago(1_120)), kind="tobacco",
            **s.coded("smoking_status", LOINC, "LA18978-9"), code_text="Non-fumeuse")
    s.entry(Habit, p, p.own, s.at(s.ago(1_120)), kind="alcohol",
            code_text="Occasionnel : 1 à 2 verres par semaine (aucun pendant la grossesse)")
    s.entry(Habit, p, p.own, s.at(s.ago(1_120)), kind="physical_activity",
            code_text="Course à pied, 2 fois 30 minutes par semaine", start_date=s.ago(1_500))

    # ---- vaccinations: dTcaP booster at 25 years, and pertussis again during the pregnancy.
    s.vaccination(p, birth + timedelta(days=int(25 * 365.25) + 20), "J07AJ52", "115",
                  "Boostrix (dTcaP) — rappel de 25 ans", None, by_pro=False,
                  performer="Dr Anne Leroy, médecin traitant")
    s.vaccination(p, visit_day["Consultation médecin traitant — vaccination coqueluche"], "J07AJ52", "115",
                  "Boostrix (dTcaP) — pendant la grossesse", None,
                  by_pro=True, performer=GP_NAME)
    # Her childhood MMR, copied from her carnet de santé (without it the prevention
    # calendar rightly reports MMR as overdue for anyone born after 1980).
    for dose, months in ((1, 12), (2, 18)):
        s.vaccination(p, _add_months(birth, months), "J07BD52", "03", "ROR (rougeole, oreillons, rubéole)", dose,
                      by_pro=False, performer="Dr Anne Leroy, médecin traitant")

    # ---- measures: monthly weight, blood pressure and pulse for three years (home scale and
    # cuff). Weight follows the pregnancy: +12 kg at term, then back to ~+1 kg.
    conception = lmp - 14
    for k in range(37):
        days_ago = 1_100 - round(k * 30.4) + s.jitter(2)
        when = s.at(s.ago(days_ago), 7, 30)
        weight = 62.5 + s.rng.gauss(0, 0.4)
        if lea_born < days_ago <= conception:
            weeks = (conception - days_ago) / 7
            weight += 12.0 * (weeks / 38) ** 1.5
        elif days_ago <= lea_born:
            weight += 1.0 + 5.5 * math.exp(-(lea_born - days_ago) / 90)
        s.measure(p, when, "weight", "29463-7", round(weight, 1), "kg")
        s.measure(p, when + timedelta(minutes=5), "blood_pressure", "85354-9",
                  round(116 + s.rng.gauss(0, 5)), "mm[Hg]", secondary=round(73 + s.rng.gauss(0, 4)))
        s.measure(p, when + timedelta(minutes=5), "heart_rate", "8867-4", round(68 + s.rng.gauss(0, 4)), "/min")


# --------------------------------------------------------------------------- Hugo (teenager)


def _seed_hugo(s: _Seeder, p: _Person) -> None:
    birth = p.profile.birth_date

    def age(years: float) -> date:
        return birth + timedelta(days=round(years * 365.25))

    def age_months(months: float) -> date:
        return birth + timedelta(days=round(months * 30.44))

    appendicitis = 731 + s.jitter(2)  # days ago: two years ago
    allergy_found = 612
    visits = [
        (1_094, "gp_visit", "Consultation médecin traitant — suivi asthme", GP_PLACE, GP_NAME, True, None),
        (1_091, "pharmacy", "Pharmacie — délivrance", PHARMACY, None, False, "Ventoline, chambre d'inhalation."),
        (1_000, "gp_visit", "Consultation médecin traitant — vaccination HPV", GP_PLACE, GP_NAME, True,
         "2e dose de Gardasil 9."),
        (950, "specialist", "Consultation pneumo-pédiatre", "Centre hospitalier — consultations",
         PEDIATRIC_PULMONOLOGIST, False, "EFR : asthme bien contrôlé, traitement de fond débuté en hiver."),
        (850, "specialist", "Bilan bucco-dentaire M'T dents", "Cabinet dentaire", DENTIST, False, None),
        (appendicitis, "emergency", "Urgences pédiatriques — douleurs abdominales", PEDIATRIC_ER, None, False,
         "Appendicite aiguë : hospitalisé en chirurgie pédiatrique."),
        (appendicitis - 15, "specialist", "Consultation de chirurgie pédiatrique — contrôle post-opératoire",
         "Centre hospitalier — consultations", PEDIATRIC_SURGEON, False, "Cicatrisation normale."),
        (allergy_found + 14, "emergency", "Urgences pédiatriques — réaction allergique", PEDIATRIC_ER, None,
         False, "Urticaire et œdème des lèvres après un gâteau aux cacahuètes."),
        (allergy_found + 8, "lab", "Prise de sang — IgE spécifiques arachide", LAB, None, False, None),
        (allergy_found, "specialist", "Consultation allergologue", "Cabinet d'allergologie", ALLERGIST, False,
         "Allergie à l'arachide confirmée, stylo d'adrénaline et PAI au collège."),
        (allergy_found - 3, "pharmacy", "Pharmacie — délivrance", PHARMACY, None, False,
         "2 stylos auto-injecteurs d'adrénaline."),
        (505, "gp_visit", "Examen de santé obligatoire (11-13 ans)", GP_PLACE, GP_NAME, True,
         "Croissance harmonieuse, rappel dTcaP-polio fait."),
        (402, "gp_visit", "Consultation médecin traitant — otite", GP_PLACE, GP_NAME, False, None),
        (399, "pharmacy", "Pharmacie — délivrance", PHARMACY, None, False, "Amoxicilline."),
        (220, "specialist", "Consultation pneumo-pédiatre — suivi annuel", "Centre hospitalier — consultations",
         PEDIATRIC_PULMONOLOGIST, False, None),
        (88, "gp_visit", "Consultation médecin traitant — crise d'asthme", GP_PLACE, GP_NAME, True,
         "Crise modérée après un rhume, bonne réponse à la Ventoline."),
    ]
    visit_day: dict[str, date] = {}
    gp_visits: list[datetime] = []  # when the GP saw him (and measured him)
    for days_ago, kind, title, place, practitioner, by_pro, note in visits:
        day = s.ago(days_ago if kind in _ANCHORED else days_ago + s.jitter(2))
        visit_day[title] = day
        emergency_at = s.at(day, 21, 40) if kind == "emergency" else None
        encounter = s.encounter(p, day, kind, title, place=place, practitioner=practitioner, by_pro=by_pro,
                                when=emergency_at, note=note)
        if by_pro:
            gp_visits.append(encounter.occurred_at)

    # ---- emergency vitals
    s.measure(p, s.at(s.ago(appendicitis), 21, 55), "temperature", "8310-5", 38.4, "Cel")
    s.measure(p, s.at(s.ago(appendicitis), 21, 55), "heart_rate", "8867-4", 104, "/min")

    # ---- hospitalisation: appendicectomy two years ago, coded by its reason (ICD-10 K35.8).
    s.entry(Hospitalisation, p, p.own, s.at(s.ago(appendicitis - 3), 18, 0),
            **s.coded("hospital_stay", ICD10, "K35.8"),
            code_text="Appendicite aiguë — appendicectomie sous cœlioscopie",
            facility=f"{HOSPITAL} — chirurgie pédiatrique",
            admitted_on=s.ago(appendicitis), discharged_on=s.ago(appendicitis - 3),
            note="Sortie à J3, pas de complication.")

    # ---- handicap: dyslexia recognised by the school (PAP), ICD-10 F81.0.
    s.entry(Handicap, p, p.own, s.at(s.ago(1_110)),
            **s.coded("handicap", ICD10, "F81.0"),
            code_text="Dyslexie-dysorthographie (trouble spécifique des apprentissages)",
            since_date=age(8), note="Plan d'accompagnement personnalisé (PAP) au collège, suivi orthophonique.")

    # ---- conditions
    s.entry(Condition, p, p.own, s.at(age(6)),
            **s.coded("condition", SNOMED, "195967001"), code_text="Asthme", status="active",
            onset_date=age(6))
    s.entry(Condition, p, p.own, s.at(age_months(5)),
            **s.coded("condition", SNOMED, "24079001"), code_text="Eczéma atopique du nourrisson",
            status="resolved", onset_date=age_months(5), abatement_date=age(5))

    # ---- treatments
    s.entry(Treatment, p, p.own, s.at(age(6)),
            **s.coded("medication", ATC, "R03AC02"), code_text="Ventoline 100 µg/dose, suspension pour inhalation",
            dosage="2 bouffées avec chambre d'inhalation si gêne respiratoire", start_date=age(6))
    s.entry(Treatment, p, p.own, s.at(s.ago(950), 19, 0),
            **s.coded("medication", ATC, "R03BA02"), code_text="Pulmicort Turbuhaler 200 µg/dose",
            dosage="1 inhalation matin et soir d'octobre à avril", start_date=s.ago(950))
    s.entry(Treatment, p, p.own, s.at(s.ago(399), 19, 0),
            **s.coded("medication", ATC, "J01CA04"), code_text="Amoxicilline 1 g, comprimé dispersible",
            dosage="1 g matin et soir pendant 6 jours", start_date=s.ago(399), end_date=s.ago(393))
    s.entry(Treatment, p, p.own, s.at(s.ago(allergy_found - 3), 19, 0),
            **s.coded("medication", ATC, "C01CA24"), code_text="Stylo auto-injecteur d'adrénaline 0,3 mg",
            dosage="1 injection dans la cuisse en cas de réaction allergique grave, puis appeler le 15",
            start_date=s.ago(allergy_found - 3))

    # ---- allergy
    s.entry(Allergy, p, p.own, s.at(s.ago(allergy_found), 18, 0),
            **s.coded("allergy", SNOMED, "762952008"), code_text="Arachide (cacahuète)",
            reaction="Urticaire et œdème des lèvres (angio-œdème)", severity="severe", status="active",
            onset_date=s.ago(allergy_found + 14))

    # ---- family history and habits
    s.entry(FamilyHistory, p, p.own, s.at(s.ago(1_115)), relationship="mother",
            **s.coded("condition", SNOMED, "40930008"), code_text="Hypothyroïdie", onset_age=30)
    s.entry(Habit, p, p.own, s.at(s.ago(505)), kind="tobacco",
            **s.coded("smoking_status", LOINC, "LA18978-9"), code_text="Non-fumeur")
    s.entry(Habit, p, p.own, s.at(s.ago(1_115)), kind="physical_activity",
            code_text="Football en club : 2 entraînements et 1 match par semaine", start_date=age(8))

    # ---- vaccinations: childhood series (hexavalent 2-4-11 months, PCV13, MenC, MMR), DTaP-IPV at
    # 6 years, HPV at 11 (two doses), dTcaP-IPV at 11-13. Old ones copied from the carnet de santé
    # by the mother; recent ones entered by the GP who gave them.
    # The 11-13-year booster is the adult-dose dTcaP-IPV (Repevax); ATC J07CA02 covers it, its
    # CVX 130 (DTaP-IPV) is the closest US code.
    childhood_gp = "Dr Anne Leroy, médecin traitant"
    for dose, months in enumerate((2, 4, 11), start=1):
        day = age_months(months)
        s.vaccination(p, day, "J07CA09", "146", "Infanrix Hexa", dose, by_pro=False, performer=childhood_gp)
        s.vaccination(p, day, "J07AL02", "133", "Prevenar 13", dose, by_pro=False, performer=childhood_gp)
    s.vaccination(p, age_months(12), "J07AH07", "103", "Neisvac", 1, by_pro=False, performer=childhood_gp)
    s.vaccination(p, age_months(12), "J07BD52", "03", "Priorix (ROR)", 1, by_pro=False, performer=childhood_gp)
    s.vaccination(p, age_months(17), "J07BD52", "03", "Priorix (ROR)", 2, by_pro=False, performer=childhood_gp)
    s.vaccination(p, age(6), "J07CA02", "130", "Tetravac (DTCaP-polio) — rappel de 6 ans", 4, by_pro=False,
                  performer=childhood_gp)
    hpv2 = visit_day["Consultation médecin traitant — vaccination HPV"]
    booster = visit_day["Examen de santé obligatoire (11-13 ans)"]
    s.vaccination(p, hpv2 - timedelta(days=183), "J07BM03", "165", "Gardasil 9", 1, by_pro=False,
                  performer=childhood_gp)
    s.vaccination(p, hpv2, "J07BM03", "165", "Gardasil 9", 2, by_pro=True, performer=GP_NAME)
    s.vaccination(p, booster, "J07CA02", "130", "Repevax (dTcaP-polio) — rappel 11-13 ans", 5, by_pro=True,
                  performer=GP_NAME)

    # ---- measures: weight and height twice a year for three years
    # (at home, entered by his mother, or at a GP visit close to the planned date).
    for k in range(7):
        when = s.at(s.ago(1_080 - k * 178 + s.jitter(3)), 18, 30)
        visit = min(gp_visits, key=lambda seen: abs(seen - when))
        by_pro = abs(visit - when) <= timedelta(days=45)
        if by_pro:
            when = visit + timedelta(minutes=10)
        years = (when.astimezone(PARIS).date() - birth).days / 365.25
        height = _interpolate(_BOY_HEIGHT_CM, years) + 2.0 + s.rng.gauss(0, 0.3)
        weight = _interpolate(_BOY_WEIGHT_KG, years) + 1.0 + s.rng.gauss(0, 0.4)
        s.measure(p, when, "weight", "29463-7", round(weight, 1), "kg", by_pro=by_pro)
        s.measure(p, when, "height", "8302-2", round(height, 1), "cm", by_pro=by_pro)


# --------------------------------------------------------------------------- Léa (infant)


def _seed_lea(s: _Seeder, p: _Person) -> None:
    birth = p.profile.birth_date

    def age_days(months: float) -> int:
        return round(months * 30.44)

    # Mandatory check-ups (examens obligatoires de l'enfant), by the GP, with the growth measures.
    checkups = [(8, "Examen du 8e jour")] + [
        (age_days(m) + s.rng.randint(0, 3), title)
        for m, title in ((1, "Examen du 1er mois"), (2, "Examen du 2e mois"), (3, "Examen du 3e mois"),
                         (4, "Examen du 4e mois"), (5, "Examen du 5e mois"), (6, "Examen du 6e mois"))
    ]
    notes = {
        "Examen du 8e jour": "Certificat de santé du 8e jour établi. Allaitement maternel.",
        "Examen du 2e mois": "Vaccins : hexavalent, pneumocoque, rotavirus.",
        "Examen du 4e mois": "Vaccins : hexavalent et pneumocoque (2e doses).",
        "Examen du 6e mois": "Diversification alimentaire débutée.",
    }
    checkup_when: dict[str, datetime] = {}
    for day_of_life, title in checkups:
        when = s.slot(birth + timedelta(days=day_of_life))
        checkup_when[title] = when
        s.encounter(p, when.date(), "gp_visit", title, place=GP_PLACE, practitioner=GP_NAME, by_pro=True,
                    when=when, note=notes.get(title))

    bronchiolitis = birth + timedelta(days=139)
    s.encounter(p, bronchiolitis, "emergency", "Urgences pédiatriques — bronchiolite", place=PEDIATRIC_ER,
                practitioner=None, when=s.at(bronchiolitis, 3, 20),
                note="Saturation correcte, retour à domicile avec lavages de nez et fractionnement des repas.")
    s.encounter(p, bronchiolitis, "pharmacy", "Pharmacie — délivrance", place=PHARMACY, practitioner=None,
                note="Doliprane 2,4 % suspension buvable, sérum physiologique.")
    s.measure(p, s.at(bronchiolitis, 3, 30), "temperature", "8310-5", 38.7, "Cel")
    s.measure(p, s.at(bronchiolitis, 3, 30), "heart_rate", "8867-4", 152, "/min")

    # Uncoded: typed by the parent.
    s.entry(Condition, p, p.own, s.at(bronchiolitis, 12, 0), code_text="Bronchiolite", status="resolved",
            onset_date=bronchiolitis - timedelta(days=1), abatement_date=bronchiolitis + timedelta(days=10))
    s.entry(Treatment, p, p.own, s.at(bronchiolitis, 12, 5),
            **s.coded("medication", ATC, "N02BE01"), code_text="Doliprane 2,4 % suspension buvable",
            dosage="1 dose-poids toutes les 6 heures si fièvre", start_date=bronchiolitis,
            end_date=bronchiolitis + timedelta(days=3))
    s.entry(Treatment, p, p.pro, checkup_when["Examen du 8e jour"],
            code_text="Vitamine D3 (cholécalciférol) en gouttes", dosage="400 à 800 UI par jour jusqu'à 18 mois",
            start_date=birth + timedelta(days=8))
    s.entry(FamilyHistory, p, p.own, s.at(birth + timedelta(days=3), 21, 30), relationship="sibling",
            **s.coded("condition", SNOMED, "195967001"), code_text="Asthme (frère)", onset_age=6)

    # Vaccinations (French schedule for babies born from 2025): hexavalent and PCV at 2 and 4
    # months, rotavirus at 2 and 3 months, meningococcal B at 3 and 5 months, meningococcal ACWY
    # at 6 months (it replaced MenC in 2025).
    given = [
        ("Examen du 2e mois", "J07CA09", "146", "Vaxelis (hexavalent)", 1),
        ("Examen du 2e mois", "J07AL02", "216", "Prevenar 20", 1),
        ("Examen du 2e mois", "J07BH01", "119", "Rotarix", 1),
        ("Examen du 3e mois", "J07AH09", "163", "Bexsero", 1),
        ("Examen du 3e mois", "J07BH01", "119", "Rotarix", 2),
        ("Examen du 4e mois", "J07CA09", "146", "Vaxelis (hexavalent)", 2),
        ("Examen du 4e mois", "J07AL02", "216", "Prevenar 20", 2),
        ("Examen du 5e mois", "J07AH09", "163", "Bexsero", 2),
        ("Examen du 6e mois", "J07AH08", "147", "Nimenrix (méningocoque ACWY)", 1),
    ]
    for title, atc, cvx, text, dose in given:
        s.vaccination(p, checkup_when[title].astimezone(PARIS).date(), atc, cvx, text, dose, by_pro=True,
                      performer=GP_NAME)
    # Bronchiolitis (RSV): one dose of Beyfortus in her first RSV season (at the maternity if
    # born during it, else when it opens), as the 2025 schedule recommends.
    rsv_season = next(x for x in load_schedule().series if x.id == "rsv_infant").season
    if rsv_season is None:
        raise ValueError("the schedule's RSV series has no season")
    rsv_day, _ = rsv_season.first_for(birth)
    if rsv_day <= s.today:
        s.vaccination(p, rsv_day, "J06BD08", "306", "Beyfortus (nirsévimab)", 1, by_pro=True, performer=GP_NAME)

    # Growth: at birth (maternity, copied by the parent), day 8, then monthly. Slightly above the
    # WHO median: 3.3 kg, 50 cm, 34.5 cm at birth.
    points: list[tuple[datetime, float, bool]] = [(s.at(birth, 4, 30), 0.0, False)]
    points.append((checkup_when["Examen du 8e jour"], 8 / 30.44, True))
    for m in range(1, 10):
        title = {1: "Examen du 1er mois"}.get(m, f"Examen du {m}e mois")
        if title in checkup_when:
            when, by_pro = checkup_when[title], True
        else:  # weighed at the PMI, entered by the parent
            when, by_pro = s.at(birth + timedelta(days=age_days(m) + 2), 10, 0), False
        if when >= s.now:
            break
        points.append((when, (when.astimezone(PARIS).date() - birth).days / 30.44, by_pro))

    last = (0.0, 0.0, 0.0)
    for when, months, by_pro in points:
        if months == 0:
            weight, length, head = 3.3, 50.0, 34.5
        elif months < 0.5:  # day 8: back to birth weight after the physiological loss
            weight, length, head = 3.28, 50.2, 34.8
        else:
            weight = _interpolate(_GIRL_WEIGHT_KG, months) * 1.03 + s.rng.gauss(0, 0.05)
            length = _interpolate(_GIRL_LENGTH_CM, months) + 0.9 + s.rng.gauss(0, 0.3)
            head = _interpolate(_GIRL_HEAD_CM, months) + 0.6 + s.rng.gauss(0, 0.15)
        if months >= 0.5:  # the day-8 weight may still be under the birth weight
            weight = max(weight, last[0])
        length, head = max(length, last[1]), max(head, last[2])
        last = (weight, length, head)
        s.measure(p, when, "weight", "29463-7", round(weight, 2), "kg", by_pro=by_pro)
        # Recumbent length (8306-3) under 2 years, stored under the "height" kind.
        s.measure(p, when, "height", "8306-3", round(length, 1), "cm", by_pro=by_pro)
        s.measure(p, when, "head_circumference", "9843-4", round(head, 1), "cm", by_pro=by_pro)

    # Appointments: the 6-month check-up (past) and the 9-month one in 10 days.
    six = checkup_when["Examen du 6e mois"]
    s.entry(Appointment, p, p.own, six - timedelta(days=28, hours=2), title="Examen du 6e mois",
            starts_at=six, ends_at=six + timedelta(minutes=30), location=GP_PLACE, practitioner=GP_NAME,
            reason="Examen obligatoire du 6e mois", status="planned")
    nine = s.at(s.today + timedelta(days=10), 9, 30)
    s.entry(Appointment, p, p.own, s.now - timedelta(days=12), title="Examen du 9e mois",
            starts_at=nine, ends_at=nine + timedelta(minutes=30), location=GP_PLACE, practitioner=GP_NAME,
            reason="Examen obligatoire du 9e mois (certificat de santé)", status="planned")


# --------------------------------------------------------------------------- Julien (father)


def _seed_father(s: _Seeder, p: _Person) -> None:
    since = s.at(s.ago(JULIEN_SINCE_DAYS), 21, 20)
    s.entry(Allergy, p, p.own, since, **s.coded("allergy", SNOMED, "716186003"),
            code_text="Aucune allergie connue", severity="unknown", status="active")
    s.entry(Habit, p, p.own, since, kind="tobacco", **s.coded("smoking_status", LOINC, "LA15920-4"),
            code_text="Ancien fumeur (10 paquets-années)", start_date=p.profile.birth_date + timedelta(days=365 * 17),
            end_date=s.ago(2_900))


# --------------------------------------------------------------------------- command line


# --------------------------------------------------------------------------- lab results (issue 12)

# (days ago, lab, title, [(catalogue key, UCUM unit, value, low, high)]): Camille's thyroid
# follow-up and a yearly check-up, with one value out of range (LDL, a little high).
LAB_REPORTS: tuple[tuple[int, str, str, tuple[tuple[str, str, float, float | None, float | None], ...]], ...] = (
    (1_105, LAB, "Bilan thyroïdien", (("tsh", "m[IU]/L", 2.1, 0.4, 4.0),)),
    (740, LAB, "Bilan thyroïdien", (("tsh", "m[IU]/L", 1.8, 0.4, 4.0),)),
    (380, LAB, "Bilan annuel", (
        ("tsh", "m[IU]/L", 2.4, 0.4, 4.0),
        ("glucose_fasting", "g/L", 0.88, 0.70, 1.05),
        ("cholesterol_total", "g/L", 2.05, 1.50, 2.20),
        ("cholesterol_ldl", "g/L", 1.38, None, 1.60),
        ("hemoglobin", "g/dL", 12.9, 12.0, 16.0),
    )),
    (40, LAB, "Bilan annuel", (
        ("tsh", "m[IU]/L", 2.9, 0.4, 4.0),
        ("glucose_fasting", "g/L", 0.92, 0.70, 1.05),
        ("cholesterol_total", "g/L", 2.31, 1.50, 2.20),
        ("cholesterol_ldl", "g/L", 1.64, None, 1.60),
        ("cholesterol_hdl", "g/L", 0.62, 0.40, None),
        ("triglycerides", "g/L", 1.12, None, 1.50),
        ("ferritin", "ug/L", 38.0, 15.0, 150.0),
    )),
)


def _seed_lab_results(s: _Seeder, p: _Person) -> None:
    from mes_app.db.models import LabReport, LabResult
    from mes_app.domain import lab_results as lab

    catalogue = lab.catalogue()
    for days_ago, lab_name, title, values in LAB_REPORTS:
        collected = s.at(s.ago(days_ago), 8, 10)
        issued = collected + timedelta(hours=7)
        report = s.entry(LabReport, p, p.own, issued, title=title, lab_name=lab_name, status="final",
                         collected_at=collected, issued_at=issued, source="manual")
        s.session.flush()
        for position, (key, unit, value, low, high) in enumerate(values):
            test = catalogue.tests[key]
            code = next(u.loinc for u in test.units if u.code == unit)
            checked = lab.check_value(lab.LabValueInput(code, unit, value, low=low, high=high), catalogue)
            s.add(LabResult(report_id=report.id, profile_id=p.profile.id, position=position, test_key=key,
                            loinc_code=code, name=test.name_fr, value=value, unit=unit, ref_low=low, ref_high=high,
                            interpretation=checked.interpretation,
                            interpretation_computed=checked.interpretation_computed, collected_at=collected))


def _missing_schema(engine: sa.Engine) -> list[str]:
    """Tables the seed needs that the database lacks (all of them when it cannot be opened)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not url.database.startswith("file:") and not Path(url.database).exists():
        return [table_of(model).name for model in SEEDED_TABLES]
    existing = set(sa.inspect(engine).get_table_names())
    return [table_of(model).name for model in SEEDED_TABLES if table_of(model).name not in existing]


def main(database_url: str | None = None) -> None:
    """Seed the configured database (``MES_DATABASE_URL``) with the demo family, once."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    url = database_url or settings.database_url
    engine = create_engine(url)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        try:
            missing = _missing_schema(engine)
        except OperationalError as exc:
            raise SystemExit(f"cannot open the database {shown}: {exc.orig}") from exc
        if missing:
            raise SystemExit(
                f"The database {shown} has no MES schema yet (missing: {', '.join(missing)}). "
                "Run `alembic upgrade head` first, then `python -m mes_app.seed`."
            )
        with Session(engine) as session:
            seeded = seed_demo(session, now=datetime.now(UTC))
        if seeded:
            log.info("demo data seeded")
        else:
            log.info("database not empty: demo data left alone")
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
