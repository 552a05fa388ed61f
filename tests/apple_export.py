"""Apple Health exports written after the documented format (data-in-out.md §4.1): the XML
declaration, the DOCTYPE with Apple's internal DTD subset as real exports carry it, then
``<HealthData>`` records. Used by the tests and by ``benchmarks/apple_import.py``."""

from __future__ import annotations

import zipfile
from pathlib import Path

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 11 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType           CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- Note: Any Records that appear as children of a correlation also appear as top-level records in this document. -->
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ATTLIST Correlation
  type          CDATA #REQUIRED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>
<!ELEMENT InstantaneousBeatsPerMinute EMPTY>
<!ATTLIST InstantaneousBeatsPerMinute
  bpm  CDATA #REQUIRED
  time CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT ActivitySummary EMPTY>
<!ATTLIST ActivitySummary
  dateComponents           CDATA #IMPLIED
  activeEnergyBurned       CDATA #IMPLIED
>
<!ELEMENT ClinicalRecord EMPTY>
<!ATTLIST ClinicalRecord
  type              CDATA #REQUIRED
  identifier        CDATA #REQUIRED
  sourceName        CDATA #REQUIRED
  sourceURL         CDATA #REQUIRED
  fhirVersion       CDATA #REQUIRED
  receivedDate      CDATA #REQUIRED
  resourceFilePath  CDATA #REQUIRED
>
]>
<HealthData locale="fr_FR">
 <ExportDate value="2026-11-30 09:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"
  HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet"
  HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet"/>
"""
FOOTER = "</HealthData>\n"
HK = "HKQuantityTypeIdentifier"


def record(kind: str, value: str, unit: str, when: str = "2026-11-03 08:15:00 +0100", source: str = "iPhone") -> str:
    unit = unit.replace("<", "&lt;").replace(">", "&gt;")  # as exports write mmol<180.15…>/L
    return (f' <Record type="{HK}{kind}" sourceName="{source}" sourceVersion="17.1" unit="{unit}" '
            f'creationDate="{when}" startDate="{when}" endDate="{when}" value="{value}">\n'
            '  <MetadataEntry key="HKWasUserEntered" value="1"/>\n </Record>\n')


def pressure(systolic: str, diastolic: str, when: str = "2026-11-03 08:20:00 +0100") -> str:
    parts = record("BloodPressureSystolic", systolic, "mmHg", when) + record("BloodPressureDiastolic", diastolic,
                                                                             "mmHg", when)
    return (f' <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Tensiomètre" '
            f'creationDate="{when}" startDate="{when}" endDate="{when}">\n{parts} </Correlation>\n'
            # the halves again at the top level, as the DTD's note says
            + parts)


SAMPLE_BODY = (
    record("BodyMass", "32.5", "kg", "2026-11-01 08:00:00 +0100")
    + record("BodyMass", "72", "lb", "2026-11-02 08:00:00 +0100")
    + record("Height", "4.5", "ft", "2026-11-01 08:00:00 +0100")
    + record("Height", "54", "in", "2026-11-02 08:00:00 +0100")
    + record("BodyMassIndex", "16.2", "count")
    + record("HeartRate", "88", "count/min", "2026-11-03 08:15:00 +0100")
    + record("BodyTemperature", "100.4", "degF", "2026-11-03 08:16:00 +0100")
    + record("OxygenSaturation", "0.97", "%", "2026-11-03 08:17:00 +0100")
    + record("BloodGlucose", "5.5", "mmol<180.1558800000541>/L", "2026-11-03 08:18:00 +0100")
    + record("BloodGlucose", "95", "mg/dL", "2026-11-04 08:18:00 +0100")
    + pressure("118", "76")
    + record("StepCount", "1200", "count")
    + record("HeartRate", "900", "count/min", "2026-11-03 09:00:00 +0100")  # out of limits: an error
    + ' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="30" durationUnit="min" '
      'sourceName="Watch" startDate="2026-11-03 10:00:00 +0100" endDate="2026-11-03 10:30:00 +0100"/>\n'
    + ' <ClinicalRecord type="HKClinicalTypeIdentifierLabResultRecord" identifier="a1" sourceName="Labo" '
      'sourceURL="https://labo.example/fhir" fhirVersion="4.0.1" receivedDate="2026-11-05 10:00:00 +0100" '
      'resourceFilePath="/clinical-records/a1.json"/>\n'
)

MALICIOUS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData ANY>
<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<HealthData locale="fr_FR"><Record type="HKQuantityTypeIdentifierHeartRate" sourceName="&lol4;" unit="count/min"
 startDate="2026-11-03 08:15:00 +0100" endDate="2026-11-03 08:15:00 +0100" value="80"/></HealthData>
"""


def export_xml(body: str = SAMPLE_BODY) -> bytes:
    return (HEADER + body + FOOTER).encode("utf-8")


def write_zip(path: Path, xml: bytes, *, clinical: int = 2, member: str = "apple_health_export/export.xml") -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, xml)
        archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
        archive.writestr("apple_health_export/workout-routes/route_2026-11-03.gpx", "<gpx/>")
        for n in range(clinical):
            archive.writestr(f"apple_health_export/clinical-records/r{n}.json", '{"resourceType":"Observation"}')
    return path


def write_large_export(path: Path, target_bytes: int) -> int:
    """An ``export.xml`` of about ``target_bytes``, written as a stream (mostly heart rates,
    a weight a day, a blood pressure a day, steps, as a phone and a watch write them);
    returns the number of measures it holds."""
    from datetime import datetime, timedelta

    start = datetime(2020, 1, 1, 0, 0)
    measures = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        written, minute = len(HEADER), 0
        while written < target_bytes:
            chunk = []
            for _ in range(500):
                at = start + timedelta(minutes=minute)
                when = f"{at:%Y-%m-%d %H:%M:%S} +0100"
                chunk.append(record("HeartRate", str(55 + minute % 60), "count/min", when, "Watch"))
                chunk.append(record("StepCount", str(minute % 300), "count", when, "iPhone"))
                measures += 1
                if minute % 1440 == 420:
                    chunk.append(record("BodyMass", f"{70 + (minute // 1440) % 50 / 10:.1f}", "kg", when))
                    chunk.append(pressure(str(110 + minute % 20), str(70 + minute % 10), when))
                    measures += 2
                minute += 1
            text = "".join(chunk)
            out.write(text)
            written += len(text)
        out.write(FOOTER)
    return measures
