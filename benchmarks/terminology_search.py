"""Time of one terminology search, as the record forms run it while the user types (not a test).

    .venv/bin/python -m benchmarks.terminology_search

Loads the packaged terminology once (the time is printed), then replays realistic typing:
for each word a patient would look up, every prefix from 2 characters on (what the
debounced search box sends as they type), plus a few multi-word, accented, brand-name and
"hospitalisation pour …" queries, in the kind or group each form uses. Each query runs
several times; prints the median (p50), p95 and worst time per search, in milliseconds, over
the whole table. The target is p95 under 20 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mes_app.domain.terminology import KINDS, Terminology  # noqa: E402

WORDS = {
    "health_problem": [
        "appendicite", "asthme", "diabète", "hypertension", "cancer du sein", "surdité", "lombalgie",
        "dépression", "migraine", "angine", "gastro-entérite", "otite", "bronchite", "eczéma", "psoriasis",
        "arthrose du genou", "fibrillation", "insuffisance cardiaque", "cholestérol", "thyroïde",
        "infection urinaire", "endométriose", "maladie de Crohn", "sclérose en plaques", "Parkinson",
        "Alzheimer", "apnée du sommeil", "glaucome", "cataracte", "zona", "varicelle", "covid",
        "fracture du poignet", "entorse cheville", "HTA", "BPCO", "AVC", "TDAH", "type 2 diabete",
    ],
    "hospital_stay": [
        "hospitalisation pour appendicite", "césarienne", "accouchement", "prothèse de hanche",
        "chimiothérapie", "pontage", "fracture du col du fémur", "pneumonie", "cholécystectomie",
    ],
    "handicap": [
        "surdité", "malentendant", "cécité", "dyslexie", "dyspraxie", "autisme", "fauteuil roulant",
        "paraplégie", "déficience intellectuelle", "trisomie", "amputation",
    ],
    "medication": [
        "Doliprane", "paracétamol", "Kardégic", "amoxicilline", "Levothyrox", "metformine", "Spasfon",
        "ibuprofène", "Ventoline", "Xarelto", "atorvastatine", "Inexium", "oméprazole", "Seroplex",
        "Lovenox", "Symbicort", "prednisolone", "tramadol", "zolpidem", "Augmentin",
    ],
    "vaccine": [
        "ROR", "hexavalent", "pneumocoque", "méningocoque", "grippe", "coqueluche", "HPV", "Gardasil",
        "zona", "COVID", "hépatite B", "BCG", "Beyfortus",
    ],
    "allergy": ["pénicilline", "arachide", "lait de vache", "pollen"],
}
REPEATS = 5


def queries() -> list[tuple[str, str]]:
    result = []
    for kind, words in WORDS.items():
        for word in words:
            result += [(kind, word[:end]) for end in range(2, len(word) + 1)]
            result.append((kind, word.upper()))
    return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    started = time.perf_counter()
    terms = Terminology.load()
    load_ms = (time.perf_counter() - started) * 1000
    sizes = ", ".join(f"{kind} {len(terms.concepts(kind))}" for kind in sorted(KINDS))
    print(f"table: {len(terms)} concepts ({sizes}); loaded in {load_ms:.0f} ms")
    timings = []
    replay = queries()
    for kind, query in replay:
        for _ in range(REPEATS):
            started = time.perf_counter()
            terms.search(kind, query, limit=8)
            timings.append((time.perf_counter() - started) * 1000)
    print(f"{len(replay)} queries x {REPEATS}: p50 {statistics.median(timings):.2f} ms, "
          f"p95 {percentile(timings, 0.95):.2f} ms, max {max(timings):.2f} ms")


if __name__ == "__main__":
    main()
