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


def test_every_access_code_has_a_french_and_an_english_label():
    """The access history never shows a raw code: every recorded code has its two labels."""
    from mes_app.domain.access_log import ACTION_CODES, TARGET_KINDS, VIA_CODES

    keys = ({f"access.action.{a}" for a in ACTION_CODES} | {f"access.target.{k}" for k in TARGET_KINDS}
            | {f"access.via.{v}" for v in VIA_CODES})
    assert sorted(k for k in keys if k not in i18n.TEXTS) == []
    for key in keys:
        fr, en = i18n.TEXTS[key]
        assert fr.strip() and en.strip() and "_" not in fr + en, key


def test_every_code_the_code_base_records_is_in_the_registry():
    """Every literal action, target kind and via passed where access is recorded, in every module."""
    import re
    from pathlib import Path

    from mes_app.domain.access_log import ACTION_CODES, TARGET_KINDS, VIA_CODES

    root = Path(i18n.__file__).parent
    found: dict[str, set[str]] = {"action": set(), "target_kind": set(), "via": set()}
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in found:
            found[name] |= set(re.findall(rf'\b{name}\s*=\s*"([a-z_]+)"', text))
    assert found["target_kind"] and found["action"] and found["via"]  # the scan does see the call sites
    assert sorted(found["target_kind"] - TARGET_KINDS) == []
    assert sorted(found["action"] - ACTION_CODES) == []
    assert sorted(found["via"] - VIA_CODES) == []
    # and the codes passed as values: the policy's actions and vias, sections and entry kinds
    from mes_app.domain.access import Action, Section, Via

    assert {a.value for a in Action} <= ACTION_CODES
    assert {v.value for v in Via} <= VIA_CODES
    assert {s.value for s in Section} | set(ENTRY_KINDS) <= TARGET_KINDS
