"""Local, offline terminology: the code lists the record forms offer.

Source data: ``mes_app/data/terminology.json`` (copy of the shared starter table, kept
untouched), ``mes_app/data/terminology_extra.json`` (entries the starter lacks, in the same
shape, appended at load: e.g. the RSV products of the 2025 schedule),
``mes_app/data/terminology_fr.json`` (``"<system>|<code>" -> French label``, merged at load)
and ``mes_app/data/terminology_common.json`` (the everyday French list: ICD-10 conditions,
hospital stays and disabilities, ATC medicines with brand names, in a compact row shape).
Where each list comes from and under which licence: ``mes_app/data/SOURCES.md``.
Each entry becomes a :class:`Concept`.

How the forms use it:

* while the user types, the form shows :meth:`Terminology.search` results;
* when the user picks one, the service calls :meth:`Terminology.lookup` to make sure the
  ``(system, code)`` really exists (unknown codes are refused);
* free text stays possible: it is stored uncoded.

Pure Python: no Reflex, no database.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_PATH = DATA_DIR / "terminology.json"
FRENCH_LABELS_FILE = "terminology_fr.json"
EXTRA_FILE = "terminology_extra.json"
COMMON_FILE = "terminology_common.json"
LABS_FILE = "terminology_labs.json"  # lab results (issue 12)

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ATC = "http://www.whocc.no/atc"
CVX = "http://hl7.org/fhir/sid/cvx"

KINDS = frozenset(
    {
        "condition", "procedure", "disability", "allergy", "medication", "vaccine",
        "document_type", "measure", "smoking_status",
        # --- lab results (issue 12): the lab test catalogue, terminology_labs.json ---
        "lab_test",
    }
)
# What a record form's coded field may hold when it takes several kinds: searched together
# (best match first, whatever its kind), and a code of any member kind is accepted. A hospital
# stay is coded by its reason (a condition) or by what was done (a procedure); a disability by
# a disability code or, as records made before the disability list did, by a condition code;
# a health problem (or a relative's) may be a disability such as deafness.
GROUPS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "health_problem": ("condition", "disability"),
    "hospital_stay": ("condition", "procedure"),
    "handicap": ("disability", "condition"),
})
MAX_QUERY_LEN = 100
# "hospitalisation pour appendicite", "opéré de la hanche": the words saying it was a stay are
# dropped from a hospital-stay search, so the reason itself is matched.
_STAY_WORDS = re.compile(
    r"^(?:hospitalisation|hospitalise|hospitalisee|sejour|admission|opere|operee|operation|intervention)"
    r"(?: (?:pour|de|du|des|d|a|au|aux|en|sur))?(?: (?:la|le|les|l|une|un))? "
)

# Search aids only (never stored): common French abbreviations and brand names, from
# domain knowledge. Keyed by "<system>|<code>".
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    # measures
    f"{LOINC}|85354-9": ("tension", "blood pressure", "TA"),
    f"{LOINC}|8480-6": ("tension", "PAS"),
    f"{LOINC}|8462-4": ("tension", "PAD"),
    f"{LOINC}|8867-4": ("pouls", "pulse", "FC"),
    f"{LOINC}|2339-0": ("glycémie", "blood sugar"),
    f"{LOINC}|15074-8": ("glycémie", "blood sugar"),
    f"{LOINC}|2345-7": ("glycémie",),
    f"{LOINC}|59408-5": ("SpO2",),
    f"{LOINC}|41950-7": ("steps", "podomètre"),
    # document types ("CR" = compte rendu is expanded automatically)
    f"{LOINC}|57833-6": ("ordonnance", "prescription médicamenteuse"),
    f"{LOINC}|57832-8": ("ordonnance", "kinésithérapie", "soins infirmiers"),
    f"{LOINC}|57828-6": ("ordonnance",),
    f"{LOINC}|11502-2": ("analyses", "prise de sang", "laboratoire"),
    f"{LOINC}|18748-4": ("radiologie", "radio", "échographie", "IRM", "scanner"),
    f"{LOINC}|11490-0": ("sortie d'hospitalisation",),
    f"{LOINC}|60591-5": ("VSM", "volet de synthèse médicale"),
    f"{LOINC}|89601-9": ("certificat",),
    # conditions
    f"{SNOMED}|59621000": ("HTA", "high blood pressure"),
    f"{SNOMED}|38341003": ("HTA", "high blood pressure"),
    f"{SNOMED}|13645005": ("COPD",),
    f"{SNOMED}|22298006": ("crise cardiaque", "heart attack", "IDM"),
    f"{SNOMED}|53741008": ("maladie coronarienne", "coronary artery disease"),
    f"{SNOMED}|230690007": ("stroke",),
    f"{SNOMED}|49436004": ("FA", "arythmie"),
    f"{SNOMED}|709044004": ("insuffisance rénale chronique", "IRC", "CKD"),
    f"{SNOMED}|35489007": ("dépression", "depression"),
    f"{SNOMED}|197480006": ("anxiété", "anxiety"),
    f"{SNOMED}|235595009": ("GERD", "reflux"),
    f"{SNOMED}|24079001": ("eczema",),
    f"{SNOMED}|408856003": ("autisme", "autism"),
    # allergies
    f"{SNOMED}|762952008": ("cacahuète",),
    f"{SNOMED}|91935009": ("cacahuète",),
    f"{SNOMED}|91934008": ("noix",),
    f"{SNOMED}|39579001": ("choc anaphylactique",),
    f"{SNOMED}|126485001": ("hives",),
    f"{SNOMED}|41291007": ("œdème de Quincke",),
    f"{SNOMED}|267036007": ("essoufflement", "shortness of breath"),
    # medications (French brand names)
    f"{ATC}|N02BE01": ("Doliprane", "Dafalgan", "Efferalgan", "acetaminophen"),
    f"{ATC}|M01AE01": ("Advil", "Nurofen"),
    f"{ATC}|B01AC06": ("aspirine", "aspirin", "Kardégic"),
    f"{ATC}|C10AA05": ("Tahor",),
    f"{ATC}|C09AA05": ("Triatec",),
    f"{ATC}|C03CA01": ("Lasilix",),
    f"{ATC}|B01AF01": ("Xarelto",),
    f"{ATC}|B01AF02": ("Eliquis",),
    f"{ATC}|A10AE04": ("Lantus",),
    f"{ATC}|H03AA01": ("Levothyrox",),
    f"{ATC}|R03AC02": ("Ventoline",),
    f"{ATC}|J01CA04": ("Clamoxyl",),
    f"{ATC}|J01CR02": ("Augmentin", "acide clavulanique", "clavulanic acid"),
    f"{ATC}|N06AB06": ("Zoloft",),
    f"{ATC}|N05BA12": ("Xanax",),
    f"{ATC}|G03AA07": ("pilule contraceptive",),
    # vaccines (brand names)
    f"{ATC}|J07CA09": ("Infanrix Hexa", "Hexyon", "Vaxelis"),
    f"{ATC}|J07CA01": ("Revaxis",),
    f"{ATC}|J07BD52": ("Priorix", "M-M-RVaxPro", "measles"),
    f"{ATC}|J07BK01": ("Varivax", "chickenpox"),
    f"{ATC}|J07AL02": ("Prevenar",),
    f"{ATC}|J07AL01": ("Pneumovax",),
    f"{ATC}|J07AH07": ("Neisvac",),
    f"{ATC}|J07AH08": ("Nimenrix",),
    f"{ATC}|J07AH09": ("Bexsero",),
    f"{ATC}|J07BC01": ("Engerix",),
    f"{ATC}|J07BC02": ("Havrix",),
    f"{ATC}|J07BM03": ("Gardasil 9", "papillomavirus"),
    f"{ATC}|J07BB02": ("flu",),
    f"{ATC}|J07BH01": ("Rotarix",),
    f"{ATC}|J07BH02": ("RotaTeq",),
    f"{ATC}|J07BL01": ("Stamaril",),
    f"{ATC}|J07BK03": ("Shingrix", "shingles"),
    f"{ATC}|J07BX05": ("Abrysvo", "Arexvy", "VRS", "RSV"),
    f"{ATC}|J06BD08": ("Beyfortus", "bronchiolite", "VRS", "RSV"),
    f"{ATC}|J07BN01": ("Comirnaty", "Spikevax", "coronavirus"),
    f"{ATC}|J07BA01": ("Ticovac", "Encepur", "TBE"),
    f"{ATC}|J07AP03": ("Typhim Vi",),
}

# A source vaccine line naming several ATC codes with as many CVX codes is split into one
# concept per ATC code; these give each split concept its own English display.
_SPLIT_VACCINE_DISPLAYS: Mapping[str, str] = {
    "J07BH01": "Rotavirus monovalent",
    "J07BH02": "Rotavirus pentavalent",
}

_ATC_CODE = re.compile(r"\b[A-Z]\d{2}[A-Z]{2}\d{2}\b")
_PARENTHESES = re.compile(r"\([^)]*\)")


@dataclass(frozen=True)
class Concept:
    """One code of the local terminology.

    ``extra`` holds secondary codes and facts, e.g. ``{"icd10": "I10"}`` for conditions,
    ``{"cvx": "146"}`` for vaccines (several CVX codes are comma-separated: use
    :meth:`extra_codes`), ``{"ucum": "kg, g, [lb_av]"}`` for measures,
    ``{"category": "substance"}`` for allergies.
    """

    system: str
    code: str
    display: str
    display_fr: str
    kind: str
    verified: bool
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)
    synonyms: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    def __reduce__(self):  # MappingProxyType cannot be pickled: rebuild from a plain dict
        return (
            Concept,
            (self.system, self.code, self.display, self.display_fr, self.kind, self.verified,
             dict(self.extra), self.synonyms),
        )

    def label(self, lang: str = "fr") -> str:
        """The display in the user's language (French unless ``lang`` is ``"en"``)."""
        return self.display if lang == "en" else self.display_fr

    def extra_codes(self, key: str) -> tuple[str, ...]:
        """The secondary codes stored under ``key`` (e.g. ``"cvx"``), as a tuple."""
        raw = self.extra.get(key, "")
        return tuple(part for part in (p.strip() for p in raw.split(",")) if part)

    @property
    def key(self) -> str:
        return f"{self.system}|{self.code}"


def normalize(text: str) -> str:
    """Lower-case, accent-free, ligature-free form used for matching."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def _search_forms(text: str) -> tuple[str, ...]:
    """Normalized forms of ``text``: punctuation as spaces, and with apostrophes dropped.

    "Allergie à l'arachide" -> "allergie a l arachide" (so "arachide" is a word);
    "Cow's milk" -> also "cows milk" (so "cows" matches).
    """
    base = normalize(text)
    spaced = " ".join(re.sub(r"[^0-9a-z]+", " ", base).split())
    glued = " ".join(re.sub(r"[^0-9a-z]+", " ", re.sub(r"['’]", "", base)).split())
    return (spaced,) if glued == spaced else (spaced, glued)


def _normalize_query(query: str) -> str:
    base = normalize(query[:MAX_QUERY_LEN])
    return " ".join(re.sub(r"[^0-9a-z]+", " ", base).split())


def _rank(query: str, tokens: list[str], forms: tuple[str, ...], labels: int | None = None) -> int | None:
    """0 best … 9 worst; ``None`` when nothing matches.

    Each way of matching (whole form, form prefix, word prefix, every word a word prefix,
    substring) scores twice as far as the one before, plus one when the form is not a display
    label (a synonym, brand name or code): "Infection urinaire" as a label beats a synonym
    "infection urinaire" of "Cystite". Only the first ``labels`` forms (the displays) match on
    a mere substring: inside a brand name or an abbreviation it is noise ("doliprane" is not
    "Codoliprane").
    """
    best: int | None = None
    for index, form in enumerate(forms):
        is_label = labels is None or index < labels
        if form == query:
            rank = 0
        elif form.startswith(query):
            rank = 1
        elif f" {query}" in f" {form}":
            rank = 2  # a word starts with the query
        elif len(tokens) > 1 and all(f" {t}" in f" {form}" for t in tokens):
            rank = 3  # every query word starts a word, in any order
        elif query in form and is_label:
            rank = 4  # substring
        else:
            continue
        rank = rank * 2 + (0 if is_label else 1)
        best = rank if best is None else min(best, rank)
    return best


@dataclass(frozen=True)
class _Indexed:
    concept: Concept
    forms: tuple[str, ...]
    sort_key: str
    blob: str  # every form, "|"-joined: one substring test rejects most non-matches
    labels: int  # how many of the first forms come from the displays


class Terminology:
    """The loaded code lists, searchable and checkable."""

    def __init__(
        self,
        concepts: Iterable[Concept],
        aliases: Mapping[tuple[str, str, str], Concept] | None = None,
    ):
        """``aliases`` maps a retired ``(kind, system, code)`` to the current concept."""
        self._by_kind: dict[str, list[_Indexed]] = {kind: [] for kind in KINDS}
        self._by_code: dict[tuple[str, str, str], Concept] = {}
        for concept in concepts:
            if concept.kind not in KINDS:
                raise ValueError(f"unknown kind {concept.kind!r}")
            key = (concept.kind, concept.system, concept.code)
            if key in self._by_code:
                raise ValueError(f"duplicate concept {key}")
            self._by_code[key] = concept
            self._by_kind[concept.kind].append(_index(concept))
        for key, concept in (aliases or {}).items():
            self._by_code.setdefault(key, concept)

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> Terminology:
        """Read the terminology JSON and the French labels file next to it."""
        path = Path(path) if path is not None else DEFAULT_PATH
        raw = json.loads(path.read_text(encoding="utf-8"))
        extra_path = path.parent / EXTRA_FILE
        if extra_path.exists():
            extra = json.loads(extra_path.read_text(encoding="utf-8"))
            raw = {**raw, **{key: list(raw.get(key, [])) + list(value)
                             for key, value in extra.items() if isinstance(value, list)}}
        fr_path = path.parent / FRENCH_LABELS_FILE
        french = json.loads(fr_path.read_text(encoding="utf-8")) if fr_path.exists() else {}
        common_path = path.parent / COMMON_FILE
        common = json.loads(common_path.read_text(encoding="utf-8")) if common_path.exists() else {}
        concepts, aliases = _concepts_from_json(raw, french, common.get("synonyms", {}))
        concepts += _concepts_from_common(common)
        labs_path = path.parent / LABS_FILE
        if labs_path.exists():
            concepts += _concepts_from_labs(json.loads(labs_path.read_text(encoding="utf-8")))
        return cls(concepts, aliases)

    # -- queries -------------------------------------------------------------------------
    def concepts(self, kind: str) -> list[Concept]:
        """Every concept of ``kind`` (or of each kind of a group, in turn), in source order."""
        return [item.concept for item in self._items(kind)]

    def search(self, kind: str, query: str, limit: int = 10) -> list[Concept]:
        """Concepts of ``kind`` (a kind or a :data:`GROUPS` name) matching ``query``.

        Best first, at most ``limit``. Accent- and case-insensitive; looks at the English and
        French displays, the code, secondary codes and synonyms (brand names, abbreviations).
        Whole-field and word-prefix matches come before substring matches. An empty or
        non-text query gives ``[]``; the query is cut at 100 characters. For a hospital stay,
        leading words such as "hospitalisation pour" are ignored.
        """
        items = self._items(kind)
        if not isinstance(query, str) or not isinstance(limit, int) or limit <= 0:
            return []
        normalized = _normalize_query(query)
        if kind == "hospital_stay":
            normalized = _STAY_WORDS.sub("", normalized + " ").strip() or normalized
        if not normalized:
            return []
        tokens = normalized.split()
        scored = []
        for position, item in enumerate(items):
            # Cheap filter first: every rank needs each query word somewhere in the forms.
            blob = item.blob
            if not all(token in blob for token in tokens):
                continue
            rank = _rank(normalized, tokens, item.forms, item.labels)
            if rank is not None:
                scored.append((rank, len(item.sort_key), item.sort_key, position, item.concept))
        scored.sort(key=lambda row: row[:4])
        return [row[-1] for row in scored[:limit]]

    def _items(self, kind: str) -> list[_Indexed]:
        members = GROUPS.get(kind) if isinstance(kind, str) else None
        if members is not None:
            return [item for member in members for item in self._by_kind[member]]
        return self._by_kind[_check_kind(kind)]

    def lookup(self, kind: str, system: str, code: str) -> Concept | None:
        """The concept with exactly this ``system`` and ``code``, or ``None``.

        A retired code listed in the source (e.g. ATC J07BX03, now J07BN01) returns the
        current concept. For a :data:`GROUPS` name, the concept of the first member kind that
        has the code.
        """
        members = GROUPS.get(kind) if isinstance(kind, str) else None
        if members is None:
            members = (_check_kind(kind),)
        if not isinstance(system, str) or not isinstance(code, str):
            return None
        for member in members:
            concept = self._by_code.get((member, system, code))
            if concept is not None:
                return concept
        return None

    def __len__(self) -> int:
        return sum(len(items) for items in self._by_kind.values())


def _check_kind(kind: str) -> str:
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"unknown terminology kind {kind!r}")
    return kind


def _index(concept: Concept) -> _Indexed:
    forms: list[str] = []

    def add(texts: Iterable[str]) -> None:
        for text in texts:
            for form in _search_forms(text):
                if form and form not in forms:
                    forms.append(form)

    add((concept.display, concept.display_fr))
    labels = len(forms)
    add((concept.code, *concept.synonyms))
    add(value for key, value in concept.extra.items() if key != "category")
    return _Indexed(concept, tuple(forms), normalize(concept.display_fr), "|".join(forms), labels)


# -- building concepts from the JSON -------------------------------------------------------
def _concepts_from_json(
    raw: Mapping[str, Any], french: Mapping[str, str], more_synonyms: Mapping[str, list[str]] | None = None
) -> tuple[list[Concept], dict[tuple[str, str, str], Concept]]:
    concepts: list[Concept] = []
    aliases: dict[tuple[str, str, str], Concept] = {}

    def make(kind: str, system: str, code: str, display: str, verified: bool,
             extra: Mapping[str, str] | None = None, display_fr: str | None = None) -> Concept:
        key = f"{system}|{code}"
        concept = Concept(
            system=system,
            code=code,
            display=display.strip(),
            display_fr=(display_fr or french.get(key) or display).strip(),
            kind=kind,
            verified=verified,
            extra={k: v for k, v in (extra or {}).items() if v},
            synonyms=tuple(SYNONYMS.get(key, ())) + tuple((more_synonyms or {}).get(key, ()))
            + _expanded_abbreviations(display_fr or ""),
        )
        concepts.append(concept)
        return concept

    for entry in raw.get("measures", []):
        make("measure", entry["system"], entry["code"], entry["display"], entry.get("v") == "Y",
             {"ucum": entry.get("ucum", "")})
    for entry in raw.get("smoking_status_answers", []):
        make("smoking_status", entry["system"], entry["code"], entry["display"], entry.get("v") == "Y")
    for entry in raw.get("document_types", []):
        make("document_type", entry["system"], entry["code"], _english_from_use(entry.get("use", "")),
             entry.get("v") == "Y", display_fr=entry.get("display_fr"))
    for entry in raw.get("conditions", []):
        make("condition", SNOMED, entry["snomed"], entry["display"], entry.get("v") == "Y",
             {"icd10": entry.get("icd10", "")})
    for entry in raw.get("allergy", []):
        make("allergy", entry["system"], entry["code"], entry["display"], entry.get("v") == "Y",
             {"category": entry.get("kind", "")})
    for entry in raw.get("medications_atc", []):
        make("medication", entry["system"], entry["code"], entry["display"], entry.get("v") == "Y")
    for entry in raw.get("vaccines", []):
        for concept, previous in _vaccine_concepts(entry, make):
            for old_code in previous:
                aliases[("vaccine", ATC, old_code)] = concept
    return concepts, aliases


# Sections of terminology_common.json: section -> (kind, code system). Each row is
# [code, French label, English label, [synonyms…]] (synonyms: French words, abbreviations,
# brand names, the procedure a stay is known by).
COMMON_SECTIONS: Mapping[str, tuple[str, str]] = MappingProxyType({
    "conditions": ("condition", ICD10),
    "procedures": ("procedure", ICD10),
    "disabilities": ("disability", ICD10),
    "medications": ("medication", ATC),
})


def _concepts_from_common(common: Mapping[str, Any]) -> list[Concept]:
    concepts = []
    for section, (kind, system) in COMMON_SECTIONS.items():
        for row in common.get(section, []):
            code, label_fr, label_en, *rest = row
            concepts.append(Concept(
                system=system,
                code=code,
                display=label_en.strip(),
                display_fr=label_fr.strip(),
                kind=kind,
                verified=True,  # every code checked against the WHO lists (SOURCES.md)
                synonyms=tuple(rest[0]) if rest else (),
            ))
    return concepts


# --- lab results (issue 12) ---
def _concepts_from_labs(raw: Mapping[str, Any]) -> list[Concept]:
    """One ``lab_test`` concept per test of the lab catalogue (its preferred LOINC code; the
    other codes and the units in ``extra``, searchable)."""
    concepts = []
    for row in raw.get("tests", []):
        codes = list(dict.fromkeys(unit[2] for unit in row["units"]))
        concepts.append(Concept(
            system=LOINC, code=codes[0], display=row["en"], display_fr=row["fr"], kind="lab_test", verified=True,
            extra={"lab_key": row["key"], "loinc_alt": ", ".join(codes[1:]),
                   "ucum": ", ".join(unit[0] for unit in row["units"])},
            synonyms=tuple(row.get("synonyms", ())),
        ))
    return concepts


def _expanded_abbreviations(display_fr: str) -> tuple[str, ...]:
    """French document labels abbreviate "compte rendu" as "CR": make the long form searchable."""
    if re.search(r"\bCR\b", display_fr):
        return (re.sub(r"\bCR\b", "Compte rendu", display_fr),)
    return ()


def _english_from_use(use: str) -> str:
    """Document types only carry a `use` note in English: keep its first clause, capitalised.

    "patient summary (VSM); also IPS Composition.type" -> "Patient summary".
    """
    text = _PARENTHESES.sub("", use.split(";")[0]).strip()
    return text[:1].upper() + text[1:]


def _vaccine_concepts(entry: Mapping[str, str], make) -> list[tuple[Concept, list[str]]]:
    """One concept per current ATC code; CVX in ``extra``; retired ATC codes as aliases."""
    atc_field = entry.get("atc", "")
    current = _ATC_CODE.findall(_PARENTHESES.sub("", atc_field))
    previous = [code for code in _ATC_CODE.findall(atc_field) if code not in current]
    cvx_codes = _cvx_codes(entry.get("cvx", ""))
    verified = entry.get("v_atc") == "Y"
    split = len(current) > 1 and len(cvx_codes) == len(current)
    result = []
    for index, atc_code in enumerate(current):
        cvx = [cvx_codes[index]] if split else cvx_codes
        display = _SPLIT_VACCINE_DISPLAYS.get(atc_code, entry["label"]) if split else entry["label"]
        extra = {"cvx": ",".join(cvx)}
        if previous:
            extra["atc_previous"] = ",".join(previous)
        result.append((make("vaccine", ATC, atc_code, display, verified, extra), previous))
    return result


def _cvx_codes(field_value: str) -> list[str]:
    """"08 (paed) / 43 (adult)" -> ["08", "43"]."""
    parts = (_PARENTHESES.sub("", part).strip() for part in field_value.split("/"))
    return [part for part in parts if part.isdigit()]


@lru_cache(maxsize=1)
def load_default() -> Terminology:
    """The packaged terminology, loaded once per process."""
    return Terminology.load()
