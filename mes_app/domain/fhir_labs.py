"""Lab results as FHIR R4 resources (issue 12, item 1): one ``Observation`` per value (category
``laboratory``, LOINC code, ``valueQuantity`` in UCUM or ``valueString``, ``referenceRange`` in
the same unit, ``interpretation`` in v3-ObservationInterpretation, ``effectiveDateTime`` the
specimen collection, ``issued``) and one ``DiagnosticReport`` per report (category v2-0074
``LAB``, code LOINC 11502-2, ``result`` the Observations, ``presentedForm`` the PDF when there
is one). Shared by the IPS summary (:mod:`mes_app.domain.fhir_ips`) and the full export
(:mod:`mes_app.domain.fhir_export`); ``../shared/reference/data-in-out.md`` §3.

Pure mapping: rows in (duck-typed ``LabReport`` / ``LabResult``), dicts out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mes_app.domain import lab_results as lab

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
REFERENCE_MEANING = "http://terminology.hl7.org/CodeSystem/referencerange-meaning"
LAB_REPORT_CODE = ("11502-2", "Laboratory report")


def _instant(value: datetime) -> str:
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return moment.isoformat()


def _quantity(value: float, unit: str, label: str) -> dict:
    out: dict = {"value": value, "system": UCUM, "code": unit or "1"}
    if label or unit:
        out["unit"] = label or unit
    return out


def observation(result: Any, report: Any, subject: dict, performer: dict | None = None) -> dict:
    """One value of ``report`` as a laboratory Observation."""
    test = lab.catalogue().get(result.test_key)
    display = test.name_en if test is not None else None
    code_coding: dict = {"system": LOINC, "code": result.loinc_code}
    # the English name is that of the preferred code
    if display and test is not None and result.loinc_code == test.loinc:
        code_coding["display"] = display
    out: dict = {
        "resourceType": "Observation",
        "status": report.status if report.status in ("final", "preliminary", "amended", "corrected") else "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "laboratory", "display": "Laboratory"}]}],
        "code": {"coding": [code_coding], "text": result.name},
        "subject": subject,
        "effectiveDateTime": _instant(report.collected_at),
        "performer": [performer or ({"display": report.lab_name} if report.lab_name else subject)],
    }
    if report.issued_at is not None:
        out["issued"] = _instant(report.issued_at)
    label = lab.unit_label(test, result.unit)
    if result.value is not None:
        out["valueQuantity"] = _quantity(result.value, result.unit, label)
    else:
        out["valueString"] = result.value_text or ""
    if result.interpretation:
        out["interpretation"] = [{
            "coding": [{"system": lab.INTERPRETATION_SYSTEM, "code": result.interpretation,
                        "display": lab.INTERPRETATION_DISPLAYS.get(result.interpretation, result.interpretation)}],
        }]
    reference: dict = {}
    if result.ref_low is not None:
        reference["low"] = _quantity(result.ref_low, result.unit, label)
    if result.ref_high is not None:
        reference["high"] = _quantity(result.ref_high, result.unit, label)
    if reference or result.ref_text:
        text = result.ref_text or lab.range_text(result.ref_low, result.ref_high, "en")
        reference["text"] = text
        reference["type"] = {"coding": [{"system": REFERENCE_MEANING, "code": "normal", "display": "Normal Range"}]}
        out["referenceRange"] = [reference]
    return out


def diagnostic_report(report: Any, subject: dict, result_refs: list[str], *, presented_form: dict | None = None,
                      performer: dict | None = None) -> dict:
    """The report grouping its Observations (``result_refs``: their fullUrls)."""
    out: dict = {
        "resourceType": "DiagnosticReport",
        "status": report.status if report.status in ("final", "preliminary", "amended", "corrected") else "final",
        "category": [{"coding": [{"system": V2_0074, "code": "LAB", "display": "Laboratory"}]}],
        "code": {"coding": [{"system": LOINC, "code": LAB_REPORT_CODE[0], "display": LAB_REPORT_CODE[1]}],
                 "text": report.title or report.lab_name or "Laboratory report"},
        "subject": subject,
        "effectiveDateTime": _instant(report.collected_at),
        "result": [{"reference": ref} for ref in result_refs],
    }
    if report.issued_at is not None:
        out["issued"] = _instant(report.issued_at)
    if performer is not None or report.lab_name:
        out["performer"] = [performer or {"display": report.lab_name}]
    if presented_form is not None:
        out["presentedForm"] = [presented_form]
    return out


def value_text(result: Any) -> str:
    """A line of narrative: "Glycémie à jeun: 7.2 mmol/L (H)"."""
    test = lab.catalogue().get(result.test_key)
    value = f"{result.value:g} {lab.unit_label(test, result.unit)}".strip() if result.value is not None \
        else (result.value_text or "")
    flag = f" ({result.interpretation})" if result.interpretation and result.interpretation != "N" else ""
    return f"{result.name}: {value}{flag}"
