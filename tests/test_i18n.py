"""Every text exists in French and English, including every error the domain can raise."""

from mes_app import i18n
from mes_app.domain.record_kinds import ENTRY_KINDS, RECORD_GROUPS
from mes_app.domain.validation import ERROR_CODES
from mes_app.services.timeline import FILTERS


def test_every_text_has_both_languages():
    for key, (fr, en) in i18n.TEXTS.items():
        assert fr.strip() and en.strip(), key


def test_every_error_code_the_domain_raises_is_translated():
    missing = [code for code in ERROR_CODES if code not in i18n.TEXTS]
    assert missing == []


def test_every_field_choice_section_and_filter_is_translated():
    keys = set()
    for kind in ENTRY_KINDS.values():
        keys.add(f"kind.{kind.key}")
        for spec in kind.fields:
            keys.add(spec.label_key)
            keys.update(f"choice.{c}" for c in spec.choices)
    keys.update(f"section.{g}" for g in RECORD_GROUPS)
    keys.update(f"filter.{f}" for f in FILTERS)
    assert sorted(k for k in keys if k not in i18n.TEXTS) == []


def test_lookup_formats_parameters_and_falls_back_to_the_key():
    assert i18n.t("error.text_too_long", "en", max=2000) == "Text too long (at most 2000 characters)."
    assert i18n.t("no.such.key", "fr") == "no.such.key"
    assert i18n.table("en")["nav.home"] == "Home"
    assert i18n.table("fr")["nav.home"] == "Accueil"


def test_dates_in_each_language():
    assert i18n.format_date("2026-03-09", "fr") == "09/03/2026"
    assert i18n.format_date("2026-03-09", "en") == "9 Mar 2026"
    assert i18n.format_date("", "fr") == ""
