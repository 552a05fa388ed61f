"""POST /api/measures/import as a browser (or an attacker) sees it: the session cookie of the
request decides, the profile goes through the policy, the body is capped, nothing is stored
on a refusal."""

from __future__ import annotations

import pytest

from mes_app.db.models import Measure
from mes_app.web import measure_import as route
from mes_app.web import routes
from tests.factories import committed_count, make_owner, make_stranger
from tests.web import client_for, use_engine

CSV = b"date,kind,value,unit\n2026-11-01 08:30,weight,72.5,kg\n2026-11-02,weight,900,kg\n"
GOOD = b"date,kind,value,unit\n2026-11-01 08:30,weight,72.5,kg\n"


@pytest.fixture()
def app(engine, session, monkeypatch):
    use_engine(monkeypatch, engine)
    return routes.guard(routes.build_api())



def post(client, profile_id, data, mode="preview", **headers):
    return client.post(route.PATH, data={"profile": str(profile_id), "mode": mode},
                       files={"file": ("m.csv", data, "text/csv")}, headers=headers)


def test_preview_then_import_with_the_session_cookie(app, session):
    alice = make_owner(session, "Alice Durand")
    client = client_for(app, alice)
    answer = post(client, alice.profile.id, CSV)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert (body["total"], body["valid"], body["error_count"]) == (2, 1, 1)
    assert body["errors"] == [{"line": 3, "message": (
        "Valeur impossible pour « Poids » : elle doit être comprise entre 0,2 et 500 kg.")}]
    refused = post(client, alice.profile.id, CSV, mode="import")
    assert refused.status_code == 422 and "rien n'a été importé" in refused.json()["message"]
    assert committed_count(session, Measure) == 0
    done = post(client, alice.profile.id, GOOD, mode="import")
    assert done.json() == {"ok": True, "imported": 1, "message": "1 mesure importée."}
    assert committed_count(session, Measure) == 1


def test_no_cookie_another_family_or_another_site_gets_nothing(app, session):
    alice = make_owner(session, "Alice Durand")
    assert post(client_for(app), alice.profile.id, GOOD, mode="import").status_code == 401
    mallory = client_for(app, make_stranger(session))
    assert post(mallory, alice.profile.id, GOOD, mode="import").status_code == 404
    own = client_for(app, alice)
    assert post(own, alice.profile.id, GOOD, mode="import", origin="https://evil.example").status_code == 403
    assert committed_count(session, Measure) == 0


def test_a_body_over_the_cap_is_refused_before_parsing(app, session):
    alice = make_owner(session, "Alice Durand")
    big = GOOD + b"2026-11-01 08:30,weight,72.5,kg\n" * (route.BODY_LIMIT // 30)
    answer = post(client_for(app, alice), alice.profile.id, big, mode="import")
    assert answer.status_code == 413
    assert committed_count(session, Measure) == 0


ONE_OF_FOUR = (
    "date;type;valeur;unité;valeur2\n"
    "28/11/2026 08:30;poids;72,5;kg;\n"
    "28/11/2026 08:35;poids;900;kg;\n"
    "hier;poids;72;kg;\n"
    "28/11/2026 08:40;pointure;42;;\n"
).encode()


def test_errors_and_counts_speak_french_by_default_and_english_on_request(app, session):
    from mes_app import i18n

    alice = make_owner(session, "Alice Durand")
    client = client_for(app, alice)
    body = post(client, alice.profile.id, ONE_OF_FOUR).json()
    assert (body["total"], body["valid"], body["error_count"]) == (4, 1, 3)
    assert body["rows"] == [{"line": 2, "when": "28/11/2026 08:30", "kind": "Poids", "value": "72,5", "unit": "kg"}]
    assert i18n.t("measures.import_summary", "fr", count=body["valid"], total=body["total"]) == "1 ligne valide sur 4"
    assert [e["line"] for e in body["errors"]] == [3, 4, 5]
    assert [e["message"] for e in body["errors"]] == [
        "Valeur impossible pour « Poids » : elle doit être comprise entre 0,2 et 500 kg.",
        "Date illisible : jj/mm/aaaa ou aaaa-mm-jj, suivie si besoin de l'heure (hh:mm).",
        "Type de mesure inconnu (poids, taille, tension, pouls, température…).",
    ]
    refused = post(client, alice.profile.id, ONE_OF_FOUR, mode="import").json()
    assert refused["message"] == "3 lignes en erreur : rien n'a été importé."
    columns = post(client, alice.profile.id, b"when,what\n1,2\n").json()["message"]
    assert columns.startswith("Colonnes attendues : date, type, valeur, unité")

    client.cookies.set("mes_lang", "en")
    body = post(client, alice.profile.id, ONE_OF_FOUR).json()
    assert [e["message"] for e in body["errors"]] == [
        "Impossible value for “Weight”: it must be between 0.2 and 500 kg.",
        "Unreadable date: yyyy-mm-dd or dd/mm/yyyy, with the time (hh:mm) if needed.",
        "Unknown type of measure (weight, height, blood_pressure, heart_rate, temperature…).",
    ]
    assert i18n.t("measures.import_summary", "en", count=body["valid"], total=body["total"]) == "1 valid row out of 4"
    assert body["rows"][0]["when"] == "28 Nov 2026 08:30"
    assert post(client, alice.profile.id, ONE_OF_FOUR, mode="import").json()["message"] == (
        "3 rows with errors: nothing was imported.")
    assert post(client, alice.profile.id, b"when,what\n1,2\n").json()["message"].startswith(
        "Expected columns: date, type, value, unit")
    assert committed_count(session, Measure) == 0


@pytest.mark.parametrize(("lang", "count", "text"), [
    ("fr", 0, "0 ligne valide sur 4"), ("fr", 1, "1 ligne valide sur 4"), ("fr", 2, "2 lignes valides sur 4"),
    ("en", 0, "0 valid rows out of 4"), ("en", 1, "1 valid row out of 4"), ("en", 4, "4 valid rows out of 4"),
])
def test_the_summary_agrees_with_its_count(lang, count, text):
    from mes_app import i18n

    assert i18n.t("measures.import_summary", lang, count=count, total=4) == text


@pytest.mark.parametrize(("lang", "count", "text"), [
    ("fr", 1, "1 mesure importée."), ("fr", 12, "12 mesures importées."),
    ("en", 1, "1 measure imported."), ("en", 12, "12 measures imported."),
])
def test_the_import_done_message_agrees_with_its_count(lang, count, text):
    from mes_app import i18n

    assert i18n.t("measures.import_done", lang, count=count) == text
