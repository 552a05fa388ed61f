"""The local terminology: loading, French labels, search and lookup."""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path

import pytest

from mes_app.domain import terminology as term
from mes_app.domain.terminology import ATC, CVX, KINDS, LOINC, SNOMED, Concept, Terminology, load_default

DATA = Path(term.__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def t() -> Terminology:
    return load_default()


def codes(concepts: list[Concept]) -> list[str]:
    return [c.code for c in concepts]


def common_keys() -> set[str]:
    common = json.loads((DATA / "terminology_common.json").read_text(encoding="utf-8"))
    return {
        f"{system}|{row[0]}"
        for section, (_kind, system) in term.COMMON_SECTIONS.items()
        for row in common[section]
    }


# -- loading --------------------------------------------------------------------------------
def test_load_default_is_cached(t):
    assert load_default() is t


def test_every_kind_has_concepts(t):
    for kind in KINDS:
        assert t.concepts(kind), kind


def test_every_entry_has_display_and_french_display(t):
    for kind in KINDS:
        for c in t.concepts(kind):
            assert c.display.strip(), c.key
            assert c.display_fr.strip(), c.key
            assert c.kind == kind
            assert c.system and c.code


def test_french_file_covers_every_translated_concept_and_nothing_else(t):
    french = json.loads((DATA / "terminology_fr.json").read_text(encoding="utf-8"))
    # terminology_common.json carries its own French labels, next to its codes.
    common = common_keys()
    # the lab catalogue (terminology_labs.json) carries its own French names too
    translated = [c for k in KINDS - {"document_type", "lab_test"} for c in t.concepts(k) if c.key not in common]
    assert {c.key for c in translated} == set(french)
    assert not common & set(french)
    assert all(isinstance(v, str) and v.strip() for v in french.values())


def test_concepts_are_unique_per_kind(t):
    for kind in KINDS:
        keys = [c.key for c in t.concepts(kind)]
        assert len(keys) == len(set(keys)), kind


def test_source_json_is_the_untouched_starter():
    shared = Path("/work/shared/data/terminology_starter.json")
    if not shared.exists():
        pytest.skip("shared starter not available")
    assert (DATA / "terminology.json").read_bytes() == shared.read_bytes()


def test_conditions_are_snomed_with_icd10_extra(t):
    c = t.lookup("condition", SNOMED, "59621000")
    assert c is not None
    assert c.display == "Essential hypertension"
    assert c.display_fr == "Hypertension artérielle essentielle"
    assert c.extra["icd10"] == "I10"
    assert c.verified is True
    no_problem = t.lookup("condition", SNOMED, "160245001")
    assert "icd10" not in no_problem.extra  # empty codes are left out


def test_vaccines_are_atc_with_cvx_extra(t):
    hexa = t.lookup("vaccine", ATC, "J07CA09")
    assert hexa.extra["cvx"] == "146"
    assert hexa.extra_codes("cvx") == ("146",)
    pcv = t.lookup("vaccine", ATC, "J07AL02")
    assert pcv.extra_codes("cvx") == ("133", "215", "216")
    hep_b = t.lookup("vaccine", ATC, "J07BC01")
    assert hep_b.extra_codes("cvx") == ("08", "43")
    assert all(c.system == ATC for c in t.concepts("vaccine"))


def test_vaccine_line_with_two_atc_codes_is_split(t):
    mono = t.lookup("vaccine", ATC, "J07BH01")
    penta = t.lookup("vaccine", ATC, "J07BH02")
    assert mono.extra_codes("cvx") == ("119",) and penta.extra_codes("cvx") == ("116",)
    assert mono.display != penta.display


def test_retired_atc_code_finds_the_current_concept(t):
    covid = t.lookup("vaccine", ATC, "J07BX03")
    assert covid is not None and covid.code == "J07BN01"
    assert covid.extra["atc_previous"] == "J07BX03"


def test_verified_flag_follows_source(t):
    assert t.lookup("smoking_status", LOINC, "LA15920-4").verified is True
    assert t.lookup("smoking_status", LOINC, "LA18976-3").verified is False
    assert t.lookup("measure", LOINC, "2571-8").verified is False


def test_document_types_keep_source_french_and_get_english(t):
    c = t.lookup("document_type", LOINC, "11502-2")
    assert c.display_fr == "CR d'examens biologiques"
    assert c.display == "Lab report"


def test_label_follows_language(t):
    c = t.lookup("condition", SNOMED, "195967001")
    assert c.label("fr") == "Asthme"
    assert c.label("en") == "Asthma"


def test_concept_is_hashable_immutable_and_picklable(t):
    c = t.lookup("condition", SNOMED, "195967001")
    assert hash(c) == hash(pickle.loads(pickle.dumps(c)))
    assert pickle.loads(pickle.dumps(c)) == c
    with pytest.raises(TypeError):
        c.extra["icd10"] = "X"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.code = "X"  # type: ignore[misc]


def test_load_from_explicit_path_merges_french_file(tmp_path):
    (tmp_path / "terminology.json").write_text(
        json.dumps({"medications_atc": [{"system": ATC, "code": "N02BE01", "display": "paracetamol", "v": "K"}]})
    )
    (tmp_path / "terminology_fr.json").write_text(json.dumps({f"{ATC}|N02BE01": "Paracétamol"}))
    loaded = Terminology.load(tmp_path / "terminology.json")
    assert len(loaded) == 1
    assert loaded.lookup("medication", ATC, "N02BE01").display_fr == "Paracétamol"


# -- search ---------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["asthm", "Asthma", "asthme", "ASTHME", "  asthm  "])
def test_search_asthma_in_english_and_french(t, query):
    assert codes(t.search("condition", query))[:1] == ["195967001"]


@pytest.mark.parametrize("query", ["pénicilline", "penicilline", "PÉNICILLINE", "penicillin"])
def test_search_penicillin_with_or_without_accent(t, query):
    found = codes(t.search("allergy", query))
    assert "764146007" in found and "91936005" in found


def test_search_matches_codes_and_secondary_codes(t):
    assert codes(t.search("measure", "29463-7")) == ["29463-7"]
    assert "J07CA09" in codes(t.search("vaccine", "146"))
    assert "59621000" in codes(t.search("condition", "i10"))
    assert "J07BN01" in codes(t.search("vaccine", "j07bx03"))


def test_search_matches_synonyms(t):
    assert codes(t.search("medication", "doliprane")) == ["N02BE01"]
    assert "59621000" in codes(t.search("condition", "HTA"))
    assert "85354-9" in codes(t.search("measure", "tension"))
    assert "57833-6" in codes(t.search("document_type", "ordonnance"))
    assert "34874-8" in codes(t.search("document_type", "compte rendu opératoire"))


def test_search_handles_ligatures_and_apostrophes(t):
    assert "41291007" in codes(t.search("allergy", "oedeme"))
    assert "396331005" in codes(t.search("condition", "cœliaque"))
    assert "91935009" in codes(t.search("allergy", "l'arachide"))
    assert "3718001" in codes(t.search("allergy", "cows milk"))


def test_word_prefix_ranks_before_substring(t):
    assert "40930008" in codes(t.search("condition", "thyro"))  # substring: still found
    # "Pollen…" (starts with it) before "Grass pollen" / "Pollen de graminées" (later word)
    assert codes(t.search("allergy", "pollen"))[:2] == ["256259004", "256277009"]
    # every blood-pressure measure starts a word with "tension"; none is a mere substring
    assert set(codes(t.search("measure", "tension"))) == {"85354-9", "8480-6", "8462-4"}


def test_prefix_match_beats_substring_match():
    concepts = [
        Concept(SNOMED, "1", "Hypertension", "Hypertension", "condition", True),
        Concept(SNOMED, "2", "Tension headache", "Céphalée de tension", "condition", True),
    ]
    result = Terminology(concepts).search("condition", "tension")
    assert codes(result) == ["2", "1"]


def test_multiword_query_in_any_order(t):
    assert codes(t.search("condition", "type 2 diabete"))[:1] == ["44054006"]


def test_kind_filtering(t):
    medication = codes(t.search("medication", "amoxicilline"))
    allergy = codes(t.search("allergy", "amoxicilline"))
    assert medication and all(c.startswith("J01") for c in medication)
    assert "372687004" in allergy and "J01CA04" not in allergy
    assert all(c.kind == "vaccine" for c in t.search("vaccine", "a", limit=100))
    assert t.lookup("medication", SNOMED, "195967001") is None  # right code, wrong kind


def test_unknown_kind_is_a_programming_error(t):
    with pytest.raises(ValueError):
        t.search("nope", "asthma")
    with pytest.raises(ValueError):
        t.lookup("nope", SNOMED, "195967001")


def test_limit_respected(t):
    assert len(t.search("measure", "a", limit=3)) == 3
    assert len(t.search("measure", "a")) == 10
    assert t.search("measure", "a", limit=0) == []
    assert t.search("measure", "a", limit=-5) == []


@pytest.mark.parametrize("query", ["", "   ", "-- ' --", None, 42, ["asthma"]])
def test_empty_or_bad_query_gives_nothing(t, query):
    assert t.search("condition", query) == []


def test_long_query_is_capped(t):
    assert t.search("condition", "asthme" + "x" * 100_000) == []
    assert codes(t.search("condition", "a" * 5 + " " * 200 + "asthme")) == []
    capped = codes(t.search("condition", "asthme" + " " * 94 + "zzz"))
    assert capped == codes(t.search("condition", "asthme")) and capped[0] == "195967001"


def test_search_is_deterministic(t):
    assert t.search("allergy", "allergie") == t.search("allergy", "allergie")


# -- lookup ---------------------------------------------------------------------------------
def test_lookup_exact(t):
    c = t.lookup("allergy", SNOMED, "764146007")
    assert c is not None and c.display_fr == "Pénicilline (substance)"
    assert t.lookup("medication", ATC, "N02BE01").display_fr == "Paracétamol"


@pytest.mark.parametrize(
    ("system", "code"),
    [
        (SNOMED, "000000"),
        (SNOMED, "195967001 "),
        (SNOMED, "195967"),
        (LOINC, "195967001"),
        ("http://snomed.info/sct/", "195967001"),
        (CVX, "146"),
        (SNOMED, None),
        (None, "195967001"),
        (SNOMED, ["195967001"]),
    ],
)
def test_lookup_unknown_code_returns_none(t, system, code):
    assert t.lookup("condition", system, code) is None


def test_module_has_no_framework_imports():
    source = Path(term.__file__).read_text(encoding="utf-8")
    for forbidden in ("import reflex", "sqlalchemy", "sqlmodel"):
        assert forbidden not in source
