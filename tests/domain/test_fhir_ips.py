"""The summary as a FHIR R4 IPS Bundle, validated with fhir.resources (R4B models)."""

import json

import pydantic
import pytest
from fhir.resources.R4B.bundle import Bundle

from mes_app.domain import fhir_ips
from mes_app.services.summary import (
    AllergyItem,
    Coded,
    DocumentItem,
    Identity,
    MeasureItem,
    ProblemItem,
    Summary,
    TreatmentItem,
    VaccinationItem,
)

BUNDLE_ID = "0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"


def _summary(**overrides) -> Summary:
    values = dict(
        profile_id=7,
        generated_at="2026-11-28T12:00:00+00:00",
        identity=Identity("Léa", "Martin", "2026-03-15", "female"),
        allergies=(AllergyItem(Coded("Arachide", "http://snomed.info/sct", "91935009", "Allergy to peanut"),
                               "Urticaire <b>géante</b>", "severe", "active", "2026-06-01"),),
        problems=(ProblemItem(Coded("Eczéma", "http://snomed.info/sct", "43116000", None), "active", "2026-05-01"),),
        treatments=(TreatmentItem(Coded("Doliprane", None, None, None), "2,4 mL si fièvre", "2026-11-01", ""),),
        vaccinations=(VaccinationItem(Coded("Hexavalent", "http://www.whocc.no/atc", "J07CA09", None), "146",
                                      "2026-05-15", 1, "LOT42"),),
        measures=(
            MeasureItem("weight", "29463-7", 7.9, None, "kg", "2026-11-20T08:00:00+00:00", "2026-11-20"),
            MeasureItem("blood_pressure", "85354-9", 120, 80, "mm[Hg]", "2026-11-21T08:00:00+00:00", "2026-11-21"),
        ),
        documents=(DocumentItem(3, "Compte rendu", "2026-10-01", "11488-4", "Consult note", "application/pdf"),),
    )
    values.update(overrides)
    return Summary(**values)


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _codes(concept: dict) -> list[str]:
    return [c["code"] for c in concept.get("coding", [])]


def _observation(bundle: dict, loinc: str) -> dict:
    [found] = [r for r in _resources(bundle, "Observation") if loinc in _codes(r["code"])]
    return found


def _in_section(bundle: dict, code: str) -> list[dict]:
    section = _section(bundle, code)
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    return [by_url[r["reference"]] for r in (section or {}).get("entry", [])]


def _section(bundle: dict, code: str) -> dict | None:
    comp = bundle["entry"][0]["resource"]
    return next((s for s in comp["section"] if code in _codes(s["code"])), None)


def test_a_full_summary_is_a_valid_ips_document():
    bundle = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID)
    parsed = Bundle.model_validate(bundle)  # raises on any invalid resource
    assert parsed.type == "document" and parsed.identifier.value == f"urn:uuid:{BUNDLE_ID}"
    comp = bundle["entry"][0]["resource"]
    assert comp["resourceType"] == "Composition"
    assert comp["type"]["coding"][0] == {"system": "http://loinc.org", "code": "60591-5",
                                         "display": "Patient summary Document"}
    assert [r["resourceType"] for r in (e["resource"] for e in bundle["entry"])].count("Composition") == 1
    codes = {s["code"]["coding"][0]["code"] for s in comp["section"]}
    assert codes == {"11450-4", "48765-2", "10160-0", "11369-6", "8716-3"}
    for section in comp["section"]:  # ips-comp-1 and the mandatory narrative
        assert section["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
        assert ("entry" in section) != ("emptyReason" in section)
    # every reference resolves to an entry of the bundle
    urls = {e["fullUrl"] for e in bundle["entry"]}
    for section in comp["section"]:
        assert {r["reference"] for r in section.get("entry", [])} <= urls
    [patient] = _resources(bundle, "Patient")
    assert patient["birthDate"] == "2026-03-15" and patient["name"][0]["given"] == ["Léa"]
    assert comp["subject"]["reference"] == next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is patient)


def test_codes_keep_their_systems():
    bundle = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID)
    [allergy] = _resources(bundle, "AllergyIntolerance")
    assert allergy["code"]["coding"] == [{"system": "http://snomed.info/sct", "code": "91935009",
                                          "display": "Allergy to peanut"}]
    assert allergy["criticality"] == "high" and allergy["reaction"][0]["severity"] == "severe"
    [immunization] = _resources(bundle, "Immunization")
    assert {(c["system"], c["code"]) for c in immunization["vaccineCode"]["coding"]} == {
        ("http://www.whocc.no/atc", "J07CA09"), ("http://hl7.org/fhir/sid/cvx", "146")}
    assert immunization["protocolApplied"] == [{"doseNumberPositiveInt": 1}]
    weight, pressure = _observation(bundle, "29463-7"), _observation(bundle, "85354-9")
    assert weight["valueQuantity"] == {"value": 7.9, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}
    assert [c["code"]["coding"][0]["code"] for c in pressure["component"]] == ["8480-6", "8462-4"]
    assert "valueQuantity" not in pressure
    [medication] = _resources(bundle, "MedicationStatement")
    assert "coding" not in medication["medicationCodeableConcept"]  # uncoded: text only
    assert medication["medicationCodeableConcept"]["text"] == "Doliprane"


def test_sections_outside_the_scope_are_withheld_or_absent():
    summary = _summary(problems=None, treatments=None, vaccinations=None, measures=None, allergies=())
    bundle = fhir_ips.summary_to_bundle(summary, bundle_id=BUNDLE_ID, lang="en")
    Bundle.model_validate(bundle)
    assert _section(bundle, "11450-4")["emptyReason"]["coding"][0]["code"] == "withheld"
    assert _section(bundle, "48765-2")["emptyReason"]["coding"][0]["code"] == "unavailable"
    assert _section(bundle, "11369-6") is None and _section(bundle, "8716-3") is None
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == {"Composition", "Patient"}
    assert bundle["entry"][0]["resource"]["title"] == "International Patient Summary"


def test_markup_in_entries_is_escaped_in_the_narrative():
    bundle = fhir_ips.summary_to_bundle(
        _summary(problems=(ProblemItem(Coded("<script>alert(1)</script>", None, None, None), "active", ""),)),
        bundle_id=BUNDLE_ID,
    )
    div = _section(bundle, "11450-4")["text"]["div"]
    assert "<script>" not in div and "&lt;script&gt;alert(1)&lt;/script&gt;" in div
    assert "<b>" not in json.dumps(_section(bundle, "48765-2")["text"])


def test_the_same_summary_gives_the_same_document():
    one = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID)
    two = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID)
    assert one == two
    assert len({e["fullUrl"] for e in one["entry"]}) == len(one["entry"])


def test_an_invalid_resource_is_rejected_by_the_validator():
    bundle = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID)
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Observation":
            del entry["resource"]["status"]
    with pytest.raises(pydantic.ValidationError, match="status"):
        Bundle.model_validate(bundle)


def _codings(node):  # noqa: ANN001, ANN202 - every Coding of a JSON tree
    if isinstance(node, dict):
        if "system" in node and "code" in node and "value" not in node:  # a Coding, not a Quantity
            yield node
        for value in node.values():
            yield from _codings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _codings(value)


EXTRA_MEASURES = (
    MeasureItem("height", "8306-3", 68.0, None, "cm", "2026-11-20T08:00:00+00:00", "2026-11-20"),
    MeasureItem("spo2", "59408-5", 97.0, None, "%", "2026-11-20T08:00:00+00:00", "2026-11-20"),
    MeasureItem("glucose", "2339-0", 92.0, None, "mg/dL", "2026-11-20T08:00:00+00:00", "2026-11-20"),
)


def _extras():
    from mes_app.services.ips import (
        AppointmentItem,
        DisabilityItem,
        HabitItem,
        IpsExtras,
        PastIllnessItem,
        ProcedureItem,
    )

    return IpsExtras(
        past_illness=(PastIllnessItem(Coded("Bronchiolite", "http://snomed.info/sct", "4120002", None), "resolved",
                                      "2026-01-10", "2026-01-25"),),
        procedures=(ProcedureItem(Coded("Bronchiolite", None, None, None), "CHU de Nantes", "2026-01-12",
                                  "2026-01-15"),),
        disabilities=(DisabilityItem(Coded("Surdité partielle", None, None, None), "2026-04-01"),),
        habits=(HabitItem("tobacco", Coded("Non-fumeur", "http://snomed.info/sct", "266919005", "Never smoked tobacco"),
                          "", ""),
                HabitItem("physical_activity", Coded("Piscine le mercredi", None, None, None), "", "")),
        appointments=(AppointmentItem("Examen du 9e mois", "2026-12-15T09:30:00+00:00", "", "Cabinet", "Dr Bernard",
                                      "", "planned"),),
    )


def test_language_on_the_bundle_and_the_composition_and_a_display_on_every_coding():
    summary = _summary(measures=_summary().measures + EXTRA_MEASURES)
    for lang, tag in (("fr", "fr-FR"), ("en", "en")):
        bundle = fhir_ips.summary_to_bundle(summary, bundle_id=BUNDLE_ID, lang=lang, extras=_extras(),
                                            author=fhir_ips.Author("Alice Martin"))
        Bundle.model_validate(bundle)
        assert bundle["language"] == tag and bundle["entry"][0]["resource"]["language"] == tag
        codings = list(_codings(bundle))
        assert len(codings) > 20
        missing = [(c["system"], c["code"]) for c in codings if not c.get("display")]
        assert missing == []


def test_observation_code_text_is_in_words():
    summary = _summary(measures=_summary().measures + EXTRA_MEASURES)
    fr = fhir_ips.summary_to_bundle(summary, bundle_id=BUNDLE_ID, lang="fr")
    en = fhir_ips.summary_to_bundle(summary, bundle_id=BUNDLE_ID, lang="en")
    assert _observation(fr, "29463-7")["code"]["text"] == "Poids"
    assert _observation(en, "29463-7")["code"]["text"] == "Body weight"
    assert _observation(en, "85354-9")["code"]["text"] == "Blood pressure"
    keys = {"weight", "height", "blood_pressure", "spo2", "glucose", "heart_rate"}
    for bundle in (fr, en):
        texts = [r["code"]["text"] for r in _resources(bundle, "Observation")]
        assert not keys & set(texts) and all("_" not in t for t in texts)


def test_height_is_8302_2_with_a_babys_length_lying_down_as_an_extra_coding():
    bundle = fhir_ips.summary_to_bundle(_summary(measures=EXTRA_MEASURES), bundle_id=BUNDLE_ID)
    height = _observation(bundle, "8302-2")
    assert height["code"]["coding"][0] == {"system": "http://loinc.org", "code": "8302-2", "display": "Body height"}
    assert _codes(height["code"]) == ["8302-2", "8306-3"]
    adult = MeasureItem("height", "8302-2", 170.0, None, "cm", "2026-11-20T08:00:00+00:00", "2026-11-20")
    bundle = fhir_ips.summary_to_bundle(_summary(measures=(adult,)), bundle_id=BUNDLE_ID)
    assert _codes(_observation(bundle, "8302-2")["code"]) == ["8302-2"]


def test_oxygen_saturation_is_2708_6_and_59408_5():
    bundle = fhir_ips.summary_to_bundle(_summary(measures=EXTRA_MEASURES), bundle_id=BUNDLE_ID)
    spo2 = _observation(bundle, "2708-6")
    assert _codes(spo2["code"])[0] == "2708-6" and "59408-5" in _codes(spo2["code"])
    assert spo2 in _in_section(bundle, "8716-3")


def test_blood_glucose_is_a_laboratory_result_not_a_vital_sign():
    bundle = fhir_ips.summary_to_bundle(_summary(measures=_summary().measures + EXTRA_MEASURES), bundle_id=BUNDLE_ID)
    glucose = _observation(bundle, "2339-0")
    assert _codes(glucose["category"][0]) == ["laboratory"]
    assert glucose in _in_section(bundle, "30954-2")
    assert glucose not in _in_section(bundle, "8716-3")
    assert all(_codes(r["category"][0]) == ["vital-signs"] for r in _in_section(bundle, "8716-3"))
    assert glucose["performer"]  # IPS lab results name a performer
    # no glucose: no Results section
    assert _section(fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID), "30954-2") is None


def test_a_childs_summary_is_authored_by_the_guardian_who_made_it():
    bundle = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID, author=fhir_ips.Author("Alice Martin"))
    Bundle.model_validate(bundle)
    comp = bundle["entry"][0]["resource"]
    [author] = comp["author"]
    [guardian] = [e["resource"] for e in bundle["entry"] if e["fullUrl"] == author["reference"]]
    assert guardian["resourceType"] == "RelatedPerson" and guardian["name"] == [{"text": "Alice Martin"}]
    assert _codes(guardian["relationship"][0]) == ["GUARD"]
    assert guardian["patient"] == comp["subject"]
    # the patient's own summary: the Patient is the author
    own = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID)
    assert own["entry"][0]["resource"]["author"] == [own["entry"][0]["resource"]["subject"]]


def test_the_further_ips_sections_the_record_fills():
    bundle = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID, extras=_extras(), lang="en")
    Bundle.model_validate(bundle)
    [past] = _in_section(bundle, "11348-0")
    assert past["resourceType"] == "Condition" and _codes(past["clinicalStatus"]) == ["resolved"]
    assert past["abatementDateTime"] == "2026-01-25"
    [stay] = _in_section(bundle, "47519-4")
    assert stay["resourceType"] == "Procedure"
    assert stay["performedPeriod"] == {"start": "2026-01-12", "end": "2026-01-15"}
    assert stay["location"] == {"display": "CHU de Nantes"}
    [disability] = _in_section(bundle, "47420-5")
    assert disability["resourceType"] == "Condition" and disability["code"]["text"] == "Surdité partielle"
    habits = _in_section(bundle, "29762-2")
    tobacco = next(h for h in habits if "72166-2" in _codes(h["code"]))
    assert _codes(tobacco["valueCodeableConcept"]) == ["266919005"]
    assert all(_codes(h["category"][0]) == ["social-history"] for h in habits) and len(habits) == 2
    [plan] = _in_section(bundle, "18776-5")
    assert plan["resourceType"] == "CarePlan" and plan["intent"] == "plan"
    [activity] = plan["activity"]
    assert activity["detail"]["description"] == "Examen du 9e mois"
    assert activity["detail"]["scheduledPeriod"]["start"] == "2026-12-15T09:30:00+00:00"
    for code in ("11348-0", "47519-4", "47420-5", "29762-2", "18776-5"):
        assert _section(bundle, code)["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')


def test_further_sections_outside_the_scope_are_left_out_and_empty_ones_say_so():
    from mes_app.services.ips import IpsExtras

    none = IpsExtras(None, None, None, None, None)
    bundle = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID, extras=none)
    for code in ("11348-0", "47519-4", "47420-5", "29762-2", "18776-5"):
        assert _section(bundle, code) is None
    empty = IpsExtras((), (), (), (), ())
    bundle = fhir_ips.summary_to_bundle(_summary(), bundle_id=BUNDLE_ID, extras=empty)
    Bundle.model_validate(bundle)
    for code in ("11348-0", "47519-4", "47420-5", "29762-2", "18776-5"):
        assert _codes(_section(bundle, code)["emptyReason"]) == ["unavailable"]
