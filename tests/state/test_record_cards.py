"""The record cards say what the patient typed: every field a form accepts shows on the card.

The form is built from each kind's field definitions (``domain/record_kinds``), so a field
added later is covered without touching this test. What is checked is the card's view data
as the browser gets it (after the state put it in the viewer's language).
"""

from __future__ import annotations

from datetime import date

import pytest

from mes_app import i18n
from mes_app.domain.record_kinds import ENTRY_KINDS, FieldSpec
from mes_app.domain.record_view import localise as _localise
from mes_app.services import records
from tests.factories import make_owner

EARLY, LATE = date(2019, 3, 4), date(2021, 9, 27)


def _typed(spec: FieldSpec, kind_key: str) -> str:
    """A value for every field, distinct from the others, as a browser form sends it."""
    if spec.type == "date":
        return (LATE if spec.after else EARLY).isoformat()
    if spec.type == "choice":
        return [c for c in spec.choices if c != "unknown"][-1]
    if spec.type == "int":
        return str(spec.max_value - 1 if spec.max_value else 7)
    if spec.type == "note":
        return f"Note de {kind_key} :\nà surveiller"
    return f"{spec.name} saisi ({kind_key})"


def _all_fields_form(kind_key: str) -> dict[str, str]:
    return {spec.name: _typed(spec, kind_key) for spec in ENTRY_KINDS[kind_key].fields}


def _expected_text(spec: FieldSpec, raw: str, lang: str) -> str:
    if spec.type == "date":
        return i18n.format_date(raw, lang)
    if spec.type == "choice":
        return i18n.t(f"choice.{raw}", lang)
    if spec.type == "int" and spec.unit:
        return i18n.t(f"unit.{spec.unit}", lang, count=raw)
    return raw


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind_key", sorted(ENTRY_KINDS))
def test_every_field_a_form_accepts_shows_on_the_card(session, now, kind_key, lang):
    alice = make_owner(session)
    kind = ENTRY_KINDS[kind_key]
    form = _all_fields_form(kind_key)
    records.add_entry(session, alice.actor, alice.profile.id, kind_key, form, now=now)
    [view] = [
        _localise(v, lang) for v in records.list_entries(session, alice.actor, alice.profile.id, kind_key, now=now)
    ]

    facts = {f.name: f for f in view.facts}
    for spec in kind.fields:
        raw, shown = form[spec.name], _expected_text(spec, form[spec.name], lang)
        if spec.name == kind.title_field:
            assert view.title == raw
        elif spec.name == kind.date_field:
            assert view.date == shown
        elif spec.name == kind.badge_field:
            assert view.tag == raw  # the page shows T["choice." + tag]
        else:
            assert spec.name in facts, f"{kind_key}.{spec.name} is not on the card"
            assert facts[spec.name].text == shown
            assert facts[spec.name].label == i18n.t("record.fact_label", lang, label=i18n.t(spec.label_key, lang))
    # Nothing else: no field twice, none unlabelled.
    assert [f.name for f in view.facts] == [s.name for s in kind.card_fields]
    assert all(f.label and f.label != f"field.{f.name}" for f in view.facts)


def test_an_unset_optional_field_is_not_on_the_card(session, now):
    alice = make_owner(session)
    records.add_entry(session, alice.actor, alice.profile.id, "treatments", {"code_text": "Tisane"}, now=now)
    [view] = records.list_entries(session, alice.actor, alice.profile.id, "treatments", now=now)
    assert view.facts == [] and view.date == ""


def test_the_card_speaks_the_viewers_language(session, now):
    alice = make_owner(session)
    records.add_entry(
        session,
        alice.actor,
        alice.profile.id,
        "family_history",
        {"relationship": "mother", "code_text": "Diabète", "onset_age": "55", "note": "Sous insuline"},
        now=now,
    )
    records.add_entry(
        session,
        alice.actor,
        alice.profile.id,
        "treatments",
        {
            "code_text": "Amoxicilline",
            "start_date": "2026-11-20",
            "end_date": "2026-11-27",
            "note": "Pendant les repas",
        },
        now=now,
    )
    [family] = records.list_entries(session, alice.actor, alice.profile.id, "family_history", now=now)
    [treatment] = records.list_entries(session, alice.actor, alice.profile.id, "treatments", now=now)

    def lines(view, lang):  # noqa: ANN001, ANN202
        return [f"{f.label} {f.text}" for f in _localise(view, lang).facts]

    assert lines(family, "fr") == ["Âge de début : 55 ans", "Note : Sous insuline"]
    assert lines(family, "en") == ["Age at onset: 55 years", "Note: Sous insuline"]
    assert lines(treatment, "fr") == ["Fin : 27/11/2026", "Note : Pendant les repas"]
    assert lines(treatment, "en") == ["End: 27 Nov 2026", "Note: Pendant les repas"]
    assert _localise(treatment, "fr").date == "20/11/2026" and treatment.date_field == "start_date"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_field_and_choice_has_a_label_in_both_languages(lang):
    table = i18n.table(lang)
    for kind in ENTRY_KINDS.values():
        assert f"field.{kind.date_field}" in table
        for spec in kind.fields:
            assert spec.label_key in table
            assert all(f"choice.{c}" in table for c in spec.choices)
            if spec.unit:
                assert f"unit.{spec.unit}" in table
