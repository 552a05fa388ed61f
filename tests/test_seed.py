"""The demo seed: who exists, what their record holds, and that it runs only once.

The database is the one the Alembic migrations build (``tests/conftest.py``): the app never
creates tables itself, and the seed is checked against the real schema.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from alembic import command
from mes_app import seed
from mes_app.db.models import (
    Allergy,
    Appointment,
    CareRelationship,
    Condition,
    Encounter,
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
from mes_app.domain import rpps
from mes_app.domain.terminology import ATC, LOINC, SNOMED, Terminology
from mes_app.seed import seed_demo
from mes_app.services.passwords import verify_password
from tests.conftest import NOW, alembic_config

ENTRY_MODELS = (Encounter, Condition, Treatment, Hospitalisation, Handicap, Allergy, FamilyHistory, Habit,
                Vaccination, Measure, Appointment)


def _years(born: date, on: date) -> float:
    return (on - born).days / 365.25


def _counts(db: Session) -> dict[str, int]:
    return {
        table.name: db.exec(sa.select(sa.func.count()).select_from(table)).one()[0]
        for table in SQLModel.metadata.sorted_tables
    }


@pytest.fixture(scope="module")
def db(engine: sa.Engine) -> Iterator[Session]:
    """The shared migrated database, seeded once for this module, emptied afterwards."""
    with Session(engine, expire_on_commit=False) as session:
        assert session.exec(select(User)).first() is None, "the test database should start empty"
        assert seed_demo(session, now=NOW) is True
    with Session(engine, expire_on_commit=False) as session:  # read back through a fresh session
        yield session
        session.rollback()
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


def _user(db: Session, email: str) -> User:
    return db.exec(select(User).where(User.email == email)).one()


def _profile(db: Session, given_name: str) -> Profile:
    return db.exec(select(Profile).where(Profile.given_name == given_name)).one()


# --------------------------------------------------------------------------- accounts


def test_three_demo_accounts_whose_passwords_work(db: Session) -> None:
    users = db.exec(select(User)).all()
    assert {u.email for u in users} == {"parent@demo.mes", "parent2@demo.mes", "medecin@demo.mes"}

    parent = _user(db, "parent@demo.mes")
    assert (parent.display_name, parent.role) == ("Camille Martin", "patient")
    assert verify_password("Demo-parent-2026", parent.password_hash)
    assert not verify_password("demo-parent-2026", parent.password_hash)

    parent2 = _user(db, "parent2@demo.mes")
    assert (parent2.display_name, parent2.role) == ("Julien Martin", "patient")
    assert verify_password("Demo-parent-2026", parent2.password_hash)

    doctor = _user(db, "medecin@demo.mes")
    assert (doctor.display_name, doctor.role) == ("Dr Sophie Bernard", "professional")
    assert (doctor.professional_id, doctor.specialty) == ("10101010105", "Médecine générale")
    assert rpps.is_luhn_valid(doctor.professional_id)  # the demo doctor passes the check applicants face
    assert verify_password("Demo-medecin-2026", doctor.password_hash)
    assert all(u.activated_at is not None for u in users)  # the demo logs in without a mailbox


def test_each_parent_owns_a_profile_and_the_professional_none(db: Session) -> None:
    parent, parent2, doctor = (_user(db, e) for e in ("parent@demo.mes", "parent2@demo.mes", "medecin@demo.mes"))
    camille = db.exec(select(Profile).where(Profile.owner_user_id == parent.id)).one()
    assert (camille.given_name, camille.family_name) == ("Camille", "Martin")
    assert (camille.kind, camille.sex) == ("self", "female")
    assert 1985 <= camille.birth_date.year <= 1995 and 30 <= _years(camille.birth_date, NOW.date()) <= 40
    julien = db.exec(select(Profile).where(Profile.owner_user_id == parent2.id)).one()
    assert (julien.given_name, julien.kind) == ("Julien", "self")
    assert db.exec(select(Profile).where(Profile.owner_user_id == doctor.id)).first() is None


def test_both_parents_are_guardians_of_exactly_the_two_children(db: Session) -> None:
    parent, parent2 = _user(db, "parent@demo.mes"), _user(db, "parent2@demo.mes")
    children = {_profile(db, "Léa").id, _profile(db, "Hugo").id}
    for user in (parent, parent2):
        rows = db.exec(select(Guardianship).where(Guardianship.user_id == user.id)).all()
        assert {g.profile_id for g in rows} == children
        assert all(g.ended_at is None and g.added_by_user_id == parent.id for g in rows)
    for given_name in ("Léa", "Hugo"):
        child = _profile(db, given_name)
        assert (child.kind, child.owner_user_id, child.created_by_user_id) == ("child", None, parent.id)


def test_children_ages(db: Session) -> None:
    lea, hugo = _profile(db, "Léa"), _profile(db, "Hugo")
    assert 0.5 < _years(lea.birth_date, NOW.date()) < 1
    assert 13 <= _years(hugo.birth_date, NOW.date()) < 15
    assert (lea.sex, hugo.sex) == ("female", "male")


def test_the_gp_is_in_the_care_team_of_the_mother_and_both_children(db: Session) -> None:
    doctor, parent = _user(db, "medecin@demo.mes"), _user(db, "parent@demo.mes")
    rows = db.exec(select(CareRelationship)).all()
    assert {r.profile_id for r in rows} == {_profile(db, n).id for n in ("Camille", "Hugo", "Léa")}
    for row in rows:
        assert (row.professional_user_id, row.granted_by_user_id, row.status) == (doctor.id, parent.id, "active")
        assert row.starts_at <= NOW and row.ends_at is None


# --------------------------------------------------------------------------- the record


def test_parent_history_spans_three_years(db: Session) -> None:
    camille = _profile(db, "Camille")
    encounters = db.exec(select(Encounter).where(Encounter.profile_id == camille.id)).all()
    assert 20 <= len(encounters) <= 30
    first, last = min(e.occurred_at for e in encounters), max(e.occurred_at for e in encounters)
    assert first <= NOW.replace(year=NOW.year - 3)
    assert NOW - timedelta(days=60) <= last <= NOW
    assert {"gp_visit", "specialist", "pharmacy", "lab", "emergency"} <= {e.kind for e in encounters}
    weights = db.exec(select(Measure).where(Measure.profile_id == camille.id, Measure.kind == "weight")).all()
    assert len(weights) >= 36
    assert min(m.measured_at for m in weights) <= NOW.replace(year=NOW.year - 3) + timedelta(days=30)


def test_children_histories(db: Session) -> None:
    hugo, lea = _profile(db, "Hugo"), _profile(db, "Léa")
    hugo_encounters = db.exec(select(Encounter).where(Encounter.profile_id == hugo.id)).all()
    lea_encounters = db.exec(select(Encounter).where(Encounter.profile_id == lea.id)).all()
    assert 12 <= len(hugo_encounters) <= 20
    assert 6 <= len(lea_encounters) <= 12
    assert min(e.occurred_at for e in hugo_encounters) <= NOW.replace(year=NOW.year - 3) + timedelta(days=30)
    lea_birth = datetime.combine(lea.birth_date, datetime.min.time(), tzinfo=UTC)
    assert all(e.occurred_at >= lea_birth for e in lea_encounters)
    assert {"Examen du 8e jour", "Examen du 2e mois", "Examen du 4e mois"} <= {e.title for e in lea_encounters}
    assert any(e.kind == "emergency" and "pédiatriques" in e.title for e in hugo_encounters + lea_encounters)

    stays = db.exec(select(Hospitalisation)).all()
    assert len(stays) == 1 and stays[0].profile_id == hugo.id
    assert 1.8 <= _years(stays[0].admitted_on, NOW.date()) <= 2.2


def test_lea_vaccinations_follow_the_french_schedule(db: Session) -> None:
    lea = _profile(db, "Léa")
    shots = db.exec(select(Vaccination).where(Vaccination.profile_id == lea.id)).all()
    assert len(shots) >= 2
    hexavalent = sorted((v for v in shots if v.code == "J07CA09"), key=lambda v: v.given_on)
    assert [v.dose_number for v in hexavalent] == [1, 2]
    assert [round((v.given_on - lea.birth_date).days / 30.44) for v in hexavalent] == [2, 4]
    pneumococcal = [v for v in shots if v.code == "J07AL02"]
    assert len(pneumococcal) == 2
    assert all(v.lot_number and v.dose_number and v.given_on <= NOW.date() for v in shots)


def test_hugo_and_parent_vaccinations(db: Session) -> None:
    hugo, camille = _profile(db, "Hugo"), _profile(db, "Camille")
    hugo_shots = db.exec(select(Vaccination).where(Vaccination.profile_id == hugo.id)).all()
    codes = {v.code for v in hugo_shots}
    assert {"J07CA09", "J07AL02", "J07BD52", "J07CA02", "J07BM03"} <= codes
    hpv = [v for v in hugo_shots if v.code == "J07BM03"]
    assert len(hpv) == 2 and all(11 <= _years(hugo.birth_date, v.given_on) < 13 for v in hpv)
    booster = max((v for v in hugo_shots if v.code == "J07CA02"), key=lambda v: v.given_on)
    assert 11 <= _years(hugo.birth_date, booster.given_on) < 14
    camille_shots = db.exec(select(Vaccination).where(Vaccination.profile_id == camille.id)).all()
    assert any(v.code == "J07AJ52" and 25 <= _years(camille.birth_date, v.given_on) < 26 for v in camille_shots)


def test_lea_growth_measures(db: Session) -> None:
    lea = _profile(db, "Léa")
    rows = db.exec(select(Measure).where(Measure.profile_id == lea.id).order_by(Measure.measured_at)).all()
    by_kind: dict[str, list[Measure]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    weights, lengths, heads = by_kind["weight"], by_kind["height"], by_kind["head_circumference"]
    assert len(weights) >= 8 and len(lengths) >= 8 and len(heads) >= 8
    assert weights[0].value == pytest.approx(3.3) and lengths[0].value == pytest.approx(50)
    assert heads[0].value == pytest.approx(34.5)
    assert 7 <= weights[-1].value <= 9.5 and 64 <= lengths[-1].value <= 74
    assert all(b.value >= a.value for a, b in zip(lengths, lengths[1:], strict=False))
    assert {(m.loinc_code, m.unit) for m in weights} == {("29463-7", "kg")}
    assert {(m.loinc_code, m.unit) for m in lengths} == {("8306-3", "cm")}  # recumbent length under 2
    assert {(m.loinc_code, m.unit) for m in heads} == {("9843-4", "cm")}


def test_measure_units_and_blood_pressure(db: Session) -> None:
    expected = {
        "weight": ({"29463-7"}, "kg"),
        "height": ({"8302-2", "8306-3"}, "cm"),
        "blood_pressure": ({"85354-9"}, "mm[Hg]"),
        "heart_rate": ({"8867-4"}, "/min"),
        "temperature": ({"8310-5"}, "Cel"),
        "head_circumference": ({"9843-4"}, "cm"),
    }
    rows = db.exec(select(Measure)).all()
    assert {m.kind for m in rows} == set(expected)
    for m in rows:
        codes, unit = expected[m.kind]
        assert m.loinc_code in codes and m.unit == unit
        assert (m.value_secondary is not None) == (m.kind == "blood_pressure")
        if m.kind == "blood_pressure":
            assert 90 <= m.value <= 150 and 50 <= m.value_secondary <= 100 and m.value > m.value_secondary


def test_codes_come_from_the_terminology(db: Session) -> None:
    terms = Terminology.load()
    conditions = db.exec(select(Condition)).all()
    coded = [c for c in conditions if c.code]
    assert coded and any(c.code is None and c.code_system is None and c.code_text for c in conditions)
    for c in coded:
        concept = terms.lookup("condition", SNOMED, c.code)
        assert c.code_system == SNOMED and concept is not None and c.code_display == concept.display
        assert c.code_text
    for t in db.exec(select(Treatment)).all():
        assert t.code is None or (t.code_system == ATC and terms.lookup("medication", ATC, t.code))
    for v in db.exec(select(Vaccination)).all():
        concept = terms.lookup("vaccine", ATC, v.code)
        assert v.code_system == ATC and concept is not None and v.cvx_code in concept.extra_codes("cvx")
    for a in db.exec(select(Allergy)).all():
        assert a.code_system == SNOMED and terms.lookup("allergy", SNOMED, a.code)
    for m in db.exec(select(Measure)).all():
        assert terms.lookup("measure", LOINC, m.loinc_code)
    treatments = {t.code for t in db.exec(select(Treatment)).all()}
    assert {"R03AC02", "N02BE01", "H03AA01"} <= treatments


def test_risk_factors(db: Session) -> None:
    camille, hugo = _profile(db, "Camille"), _profile(db, "Hugo")
    penicillin = db.exec(select(Allergy).where(Allergy.profile_id == camille.id, Allergy.code == "764146007")).one()
    assert penicillin.severity in {"mild", "moderate", "severe"} and penicillin.reaction
    peanut = db.exec(select(Allergy).where(Allergy.profile_id == hugo.id, Allergy.code == "762952008")).one()
    assert peanut.severity == "severe"
    family_rows = db.exec(select(FamilyHistory).where(FamilyHistory.profile_id == camille.id)).all()
    family = {(f.relationship, f.code) for f in family_rows}
    assert family == {("mother", "44054006"), ("father", "59621000")}
    habits = {h.kind: h for h in db.exec(select(Habit).where(Habit.profile_id == camille.id))}
    assert (habits["tobacco"].code_system, habits["tobacco"].code) == (LOINC, "LA18978-9")
    assert habits["physical_activity"].code is None and habits["physical_activity"].code_text
    assert db.exec(select(Handicap)).all()


def test_appointments_for_lea(db: Session) -> None:
    lea = _profile(db, "Léa")
    rows = db.exec(select(Appointment).where(Appointment.profile_id == lea.id).order_by(Appointment.starts_at)).all()
    assert len(rows) == 2
    past, upcoming = rows
    assert past.starts_at < NOW
    assert upcoming.title == "Examen du 9e mois" and upcoming.status == "planned"
    assert timedelta(days=9) < upcoming.starts_at - NOW < timedelta(days=11)
    assert upcoming.created_at <= NOW


def test_no_documents_links_or_messages(db: Session) -> None:
    counts = _counts(db)
    for table in ("document", "document_grant", "share_link", "message_thread", "message", "auth_session",
                  "caregiver_grant", "access_event"):
        assert counts[table] == 0, table


# --------------------------------------------------------------------------- provenance & time


def test_every_entry_has_provenance_and_dates_of_its_own(db: Session) -> None:
    users = {u.id: u for u in db.exec(select(User)).all()}
    profiles = {p.id: p for p in db.exec(select(Profile)).all()}
    guardians = {(g.profile_id, g.user_id) for g in db.exec(select(Guardianship)).all()}
    care_since = {c.profile_id: c.starts_at for c in db.exec(select(CareRelationship)).all()}
    roles = set()
    for model in ENTRY_MODELS:
        rows = db.exec(select(model)).all()
        assert rows, model.__name__
        for row in rows:
            author, profile = users[row.author_user_id], profiles[row.profile_id]
            roles.add(row.author_role)
            assert row.created_at == row.updated_at
            if model is not Appointment:
                assert row.created_at <= NOW
            if row.author_role == "patient":
                assert profile.owner_user_id == author.id
            elif row.author_role == "guardian":
                assert (profile.id, author.id) in guardians
            else:
                assert row.author_role == "professional" and author.role == "professional"
                assert row.created_at >= care_since[profile.id]
    assert roles == {"patient", "guardian", "professional"}


def test_every_timestamp_is_timezone_aware(db: Session) -> None:
    checked = 0
    for table in SQLModel.metadata.sorted_tables:
        for row in db.exec(sa.select(table)).mappings():
            for value in row.values():
                if isinstance(value, datetime):
                    assert value.tzinfo is not None and value.utcoffset() == timedelta(0), (table.name, value)
                    checked += 1
    assert checked > 500


# --------------------------------------------------------------------------- idempotence, determinism, CLI


def test_seeding_again_returns_false_and_adds_nothing(db: Session) -> None:
    before = _counts(db)
    assert seed_demo(db, now=NOW) is False
    assert seed_demo(db, now=NOW + timedelta(days=400)) is False
    db.commit()
    assert _counts(db) == before


def test_naive_now_is_refused(db: Session) -> None:
    with pytest.raises(ValueError):
        seed_demo(db, now=datetime(2026, 1, 1))


def _migrated_sqlite(path) -> str:  # noqa: ANN001
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "head")
    return url


def _snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row without its password hash (argon2 salts differ on each run).

    Ids are replaced by their rank in their table (and foreign keys by the rank of the row
    they point to): PostgreSQL sequences keep counting after a test empties the tables.
    """
    with engine.connect() as conn:
        ranks: dict[str, dict[int, int]] = {}
        for table in SQLModel.metadata.sorted_tables:
            ids = conn.execute(sa.select(table.c.id).order_by(table.c.id)).scalars().all()
            ranks[table.name] = {row_id: rank for rank, row_id in enumerate(ids)}
        snapshot = {}
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name != "password_hash"]
            rows = []
            for row in conn.execute(sa.select(*columns).order_by(table.c.id)):
                rows.append(tuple(_rank(column, value, ranks) for column, value in zip(columns, row, strict=True)))
            snapshot[table.name] = rows
    return snapshot


def _rank(column: sa.Column, value: object, ranks: dict[str, dict[int, int]]) -> object:
    if value is None:
        return None
    if column.primary_key:
        return ranks[column.table.name][value]
    for fk in column.foreign_keys:
        return ranks[fk.column.table.name][value]
    return value


@pytest.fixture()
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip argon2 (~0.2 s a hash) where the hash itself is not under test."""
    monkeypatch.setattr(seed, "hash_password", lambda password: f"not-a-hash:{len(password)}")


def test_same_now_gives_the_same_data(db: Session, tmp_path, fast_hashing) -> None:  # noqa: ANN001
    engine = sa.create_engine(_migrated_sqlite(tmp_path / "again.db"))
    try:
        with Session(engine) as session:
            assert seed_demo(session, now=NOW) is True
        assert _snapshot(engine) == _snapshot(db.get_bind())
    finally:
        engine.dispose()


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_main_seeds_once_then_leaves_the_data_alone(tmp_path, fast_hashing) -> None:  # noqa: ANN001
    # Alembic's env.py reconfigures logging (fileConfig), which drops pytest's caplog handler:
    # listen on the seed's own logger instead.
    url = _migrated_sqlite(tmp_path / "cli.db")
    logger, records = logging.getLogger("mes_app.seed"), _Records()
    previous_level = logger.level
    logger.addHandler(records)
    logger.setLevel(logging.INFO)
    try:
        seed.main(url)
        seed.main(url)
    finally:
        logger.removeHandler(records)
        logger.setLevel(previous_level)
    assert records.messages == ["demo data seeded", "database not empty: demo data left alone"]
    engine = sa.create_engine(url)
    with Session(engine) as session:
        assert len(session.exec(select(User)).all()) == 3
        lea = session.exec(select(Profile).where(Profile.given_name == "Léa")).one()
        assert 0.5 < _years(lea.birth_date, date.today()) < 1  # dates follow the real clock
    engine.dispose()


def test_main_refuses_a_database_without_schema(tmp_path) -> None:  # noqa: ANN001
    missing_file = tmp_path / "nothing-here.db"
    with pytest.raises(SystemExit) as raised:
        seed.main(f"sqlite:///{missing_file}")
    assert "alembic upgrade head" in str(raised.value.code)
    assert not missing_file.exists()  # nothing was created

    empty = tmp_path / "empty.db"
    sa.create_engine(f"sqlite:///{empty}").connect().close()
    with pytest.raises(SystemExit) as raised:
        seed.main(f"sqlite:///{empty}")
    assert "alembic upgrade head" in str(raised.value.code)
    assert sa.inspect(sa.create_engine(f"sqlite:///{empty}")).get_table_names() == []
