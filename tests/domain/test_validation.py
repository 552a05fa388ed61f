"""Input validation: bad browser values are refused with the right message key."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mes_app.domain import validation as v
from mes_app.domain.errors import ValidationError
from mes_app.domain.terminology import ATC, SNOMED, load_default

TODAY = date(2026, 11, 28)


def code_of(fn, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    error = info.value
    assert error.code in v.ERROR_CODES, error.code
    assert str(error) == error.code
    return error.code


# -- ERROR_CODES ----------------------------------------------------------------------------
def test_error_codes_are_message_keys():
    assert all(re.fullmatch(r"error\.[a-z_]+", code) for code in v.ERROR_CODES)


def test_every_code_raised_in_the_module_is_listed():
    source = Path(v.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'"(error\.[a-z_]+)"', source))
    assert used == set(v.ERROR_CODES)


# -- clean_text -----------------------------------------------------------------------------
def test_clean_text_strips_and_keeps_newlines_and_tabs():
    assert v.clean_text("  Bonjour\n\tdocteur  ", field="note", max_len=100) == "Bonjour\n\tdocteur"


def test_clean_text_removes_control_characters():
    raw = "a\x00b\x07c\x1bd\x7fe\u202ef\r\ng\rh"
    assert v.clean_text(raw, field="note", max_len=100) == "abcdef\ng\nh"


def test_clean_text_removes_lone_surrogates():
    assert v.clean_text("ab\ud800c", field="note", max_len=10) == "abc"


def test_clean_text_keeps_accents_and_emoji():
    text = "Allergie à l'œuf 👨‍👩‍👧"
    assert v.clean_text(text, field="note", max_len=100) == text


def test_clean_text_normalizes_to_nfc():
    assert v.clean_text("e\u0301te\u0301", field="note", max_len=10) == "été"


def test_clean_text_single_line_collapses_whitespace():
    assert v.clean_text(" Jean\n  Dupont\t", field="name", max_len=50, multiline=False) == "Jean Dupont"


@pytest.mark.parametrize("value", [None, "", "   ", "\x00\n\t "])
def test_clean_text_empty_is_none_unless_required(value):
    assert v.clean_text(value, field="note", max_len=10) is None
    assert code_of(v.clean_text, value, field="note", max_len=10, required=True) == "error.required"


@pytest.mark.parametrize("value", [42, 4.2, True, ["a"], {"a": 1}, b"abc"])
def test_clean_text_rejects_non_strings(value):
    assert code_of(v.clean_text, value, field="note", max_len=10) == "error.invalid_text"


def test_clean_text_refuses_rather_than_truncates():
    assert v.clean_text("x" * 10, field="note", max_len=10) == "x" * 10
    assert code_of(v.clean_text, "x" * 11, field="note", max_len=10) == "error.text_too_long"
    assert code_of(v.clean_text, "x" * 100_000, field="note", max_len=5000) == "error.text_too_long"


def test_clean_text_length_counts_cleaned_text():
    assert v.clean_text("  " + "x" * 10 + "\x00\x00  ", field="note", max_len=10) == "x" * 10


def test_error_never_contains_the_input():
    secret = "VIH positif depuis 2019"
    for attempt in (
        lambda: v.clean_text(secret * 1000, field="note", max_len=10),
        lambda: v.parse_id(secret),
        lambda: v.parse_date(secret, field="onset"),
        lambda: v.parse_email(secret),
        lambda: v.parse_choice(secret, {"a"}, field="status"),
        lambda: v.parse_optional_int(secret, field="dose", min_value=0, max_value=9),
        lambda: v.check_password_strength("VIH2019"),
    ):
        with pytest.raises(ValidationError) as info:
            attempt()
        error = info.value
        for shown in (str(error), repr(error), repr(error.params), str(error.args)):
            assert "VIH" not in shown


def test_error_params_name_the_field_and_limit():
    with pytest.raises(ValidationError) as info:
        v.clean_text("x" * 11, field="note", max_len=10)
    assert info.value.params == {"field": "note", "max": 10}


# -- parse_id -------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "expected"), [(1, 1), ("1", 1), ("42", 42), (2**63 - 1, 2**63 - 1), ("007", 7)])
def test_parse_id_accepts_positive_ints(value, expected):
    assert v.parse_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        1.0,
        1.5,
        [1],
        [],
        {"id": 1},
        {},
        "abc",
        "",
        " 1",
        "1 ",
        "+1",
        "-1",
        "1.0",
        "1e3",
        "0x10",
        "١٢",
        "²",
        0,
        -1,
        "0",
        2**63,
        str(2**63),
        "9" * 30,
        b"1",
        object(),
    ],
)
def test_parse_id_rejects(value):
    assert code_of(v.parse_id, value) == "error.invalid_id"


# -- parse_optional_int / parse_optional_number ------------------------------------------------
def test_parse_optional_int():
    kwargs = {"field": "dose", "min_value": 0, "max_value": 10}
    assert v.parse_optional_int(None, **kwargs) is None
    assert v.parse_optional_int("", **kwargs) is None
    assert v.parse_optional_int(" 7 ", **kwargs) == 7
    assert v.parse_optional_int(3, **kwargs) == 3
    assert v.parse_optional_int(3.0, **kwargs) == 3
    assert v.parse_optional_int("-0", **kwargs) == 0
    assert code_of(v.parse_optional_int, None, required=True, **kwargs) == "error.required"
    for bad in ("abc", "3.5", 3.5, True, [3], {"v": 3}, float("nan"), float("inf"), "1e2", "3,0"):
        assert code_of(v.parse_optional_int, bad, **kwargs) == "error.invalid_number"
    for out in (11, "-1", 10**30):
        assert code_of(v.parse_optional_int, out, **kwargs) == "error.out_of_range"


def test_parse_optional_number_accepts_french_decimal_comma():
    kwargs = {"field": "weight", "min_value": 0.2, "max_value": 500}
    assert v.parse_optional_number("72,5", **kwargs) == 72.5
    assert v.parse_optional_number("72.5", **kwargs) == 72.5
    assert v.parse_optional_number(72, **kwargs) == 72.0
    assert v.parse_optional_number("", **kwargs) is None
    for bad in ("abc", "nan", "inf", float("nan"), float("inf"), True, [1], "1e3", "7,2,5", "72 kg"):
        assert code_of(v.parse_optional_number, bad, **kwargs) == "error.invalid_number"
    assert code_of(v.parse_optional_number, "0,1", **kwargs) == "error.out_of_range"


# -- dates ----------------------------------------------------------------------------------
def test_parse_date_good():
    assert v.parse_date("2024-02-29", field="onset") == date(2024, 2, 29)
    assert v.parse_date(" 2024-02-29 ", field="onset") == date(2024, 2, 29)
    assert v.parse_date(date(2020, 1, 1), field="onset") == date(2020, 1, 1)
    assert v.parse_date(None, field="onset") is None
    assert v.parse_date("", field="onset") is None


@pytest.mark.parametrize(
    "value",
    [
        "2023-02-29",
        "2024-13-01",
        "2024-1-1",
        "01/02/2024",
        "20240101",
        "2024-01-01T10:00",
        "abc",
        20240101,
        1.5,
        ["2024-01-01"],
        {"d": 1},
        True,
        datetime(2024, 1, 1),
    ],
)
def test_parse_date_rejects(value):
    assert code_of(v.parse_date, value, field="onset") == "error.invalid_date"


def test_parse_date_required():
    assert code_of(v.parse_date, None, field="birth_date", required=True) == "error.required"
    assert code_of(v.parse_date, "  ", field="birth_date", required=True) == "error.required"


def test_future_birth_date_refused():
    birth = v.parse_date("2030-05-01", field="birth_date")
    assert code_of(v.check_not_future, birth, TODAY, field="birth_date") == "error.date_in_future"
    v.check_not_future(TODAY, TODAY)
    v.check_not_future(None, TODAY)


def test_date_before_birth_refused():
    birth = date(2020, 6, 1)
    assert code_of(v.check_not_before, date(2020, 5, 31), birth) == "error.before_birth"
    v.check_not_before(birth, birth)
    v.check_not_before(None, birth)
    v.check_not_before(date(2020, 5, 31), None)


def test_end_before_start_refused():
    assert code_of(v.check_range, date(2024, 5, 2), date(2024, 5, 1)) == "error.end_before_start"
    v.check_range(date(2024, 5, 1), date(2024, 5, 1))
    v.check_range(date(2024, 5, 1), None)
    v.check_range(None, date(2024, 5, 1))


def test_parse_datetime_local_paris_to_utc():
    winter = v.parse_datetime_local("2026-01-15T09:30")
    assert winter == datetime(2026, 1, 15, 8, 30, tzinfo=UTC)
    assert winter.tzinfo is UTC
    summer = v.parse_datetime_local("2026-07-15T09:30:00")
    assert summer == datetime(2026, 7, 15, 7, 30, tzinfo=UTC)
    assert v.parse_datetime_local("2026-07-15T09:30", tz="UTC") == datetime(2026, 7, 15, 9, 30, tzinfo=UTC)


def test_parse_datetime_local_accepts_aware_datetime_only():
    aware = datetime(2026, 7, 15, 9, 30, tzinfo=UTC)
    assert v.parse_datetime_local(aware) == aware
    assert code_of(v.parse_datetime_local, datetime(2026, 7, 15, 9, 30)) == "error.invalid_datetime"


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-15",
        "2026-01-15 09:30",
        "2026-01-15T25:00",
        "2026-02-30T10:00",
        "2026-01-15T09:30+02:00",
        "2026-01-15T09:30Z",
        "abc",
        1700000000,
        ["2026-01-15T09:30"],
        {},
        True,
    ],
)
def test_parse_datetime_local_rejects(value):
    assert code_of(v.parse_datetime_local, value) == "error.invalid_datetime"


def test_parse_datetime_local_required():
    assert code_of(v.parse_datetime_local, None) == "error.required"
    assert code_of(v.parse_datetime_local, "") == "error.required"


# -- choices and codes ----------------------------------------------------------------------
def test_parse_choice():
    allowed = ("active", "resolved")
    assert v.parse_choice("active", allowed, field="status") == "active"
    for bad in ("ACTIVE", " active", "other", "", None, 1, ["active"], {"active": 1}):
        assert code_of(v.parse_choice, bad, allowed, field="status") == "error.invalid_choice"


def test_check_known_code():
    terms = load_default()
    concept = v.check_known_code(terms, "condition", SNOMED, "195967001")
    assert concept.display_fr == "Asthme"
    for system, code in (
        (SNOMED, "123"),
        (ATC, "195967001"),
        (None, "195967001"),
        (SNOMED, ["1"]),
        (SNOMED, "9" * 1000),
    ):
        assert code_of(v.check_known_code, terms, "condition", system, code) == "error.unknown_code"


# -- e-mail ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jean.Dupont@Example.FR", "jean.dupont@example.fr"),
        ("  marie+mes@sub.example.org ", "marie+mes@sub.example.org"),
        ("o'neil@example.co.uk", "o'neil@example.co.uk"),
        ("a@b.io", "a@b.io"),
        ("x@xn--bcher-kva.example", "x@xn--bcher-kva.example"),
    ],
)
def test_parse_email_good(value, expected):
    assert v.parse_email(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "plainaddress",
        "@example.com",
        "jean@",
        "jean@example",
        "jean@@example.com",
        "jean@exa mple.com",
        "jean dupont@example.com",
        "jean..dupont@example.com",
        ".jean@example.com",
        "jean.@example.com",
        "jean@-example.com",
        "jean@example-.com",
        "jean@example..com",
        "jean@example.c",
        "jean@example.123",
        "jéan@example.com",
        "jean@exämple.com",
        "jean@exa\nmple.com",
        "jean\x00@example.com",
        "<jean@example.com>",
        "jean@example.com,paul@example.com",
        "x" * 65 + "@example.com",
        "a@" + "b" * 250 + ".com",
        42,
        ["a@b.io"],
        {"email": "a@b.io"},
        True,
    ],
)
def test_parse_email_bad(value):
    assert code_of(v.parse_email, value) == "error.invalid_email"


def test_parse_email_missing():
    assert code_of(v.parse_email, None) == "error.required"
    assert code_of(v.parse_email, "   ") == "error.required"


# -- passwords ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "pw",
    [
        "Tr0ub4dor&3x",
        "vQ7#kLm2pZ",
        "correct horse battery staple",
        "une phrase de passe assez longue",
        "x" * 2 + "Yz9!ab" + "c" * 2,
        "É" + "tél0ngé!pass",
    ],
)
def test_strong_passwords_pass(pw):
    v.check_password_strength(pw)


@pytest.mark.parametrize(
    ("pw", "reason"),
    [
        (None, "too_short"),
        (12345678901, "too_short"),
        (["Tr0ub4dor&3x"], "too_short"),
        ("", "too_short"),
        ("Ab1!xyz", "too_short"),
        ("Ab1!" + "xyzwvu" * 22, "too_long"),
        ("aaaaaaaaaaaaaaaaaaaa", "repetitive"),
        ("abababababababab", "repetitive"),
        ("abcdefghijkl", "too_simple"),
        ("ABCDEFGHIJKL", "too_simple"),
        ("1234567890", "too_simple"),
        ("abcdefgh12", "too_simple"),
        ("Password123!", "common"),
        ("P@ssw0rd2024", "common"),
        ("Motdepasse1!", "common"),
        ("Azerty123456", "common"),
        ("Marseille13!", "common"),
        ("qwertyuiop1234567", "common"),
    ],
)
def test_weak_passwords_refused(pw, reason):
    with pytest.raises(ValidationError) as info:
        v.check_password_strength(pw)
    assert info.value.code == "error.weak_password"
    assert info.value.params["reason"] == reason


def test_password_must_not_contain_personal_words():
    v.check_password_strength("Jd!8pw4Kzq", forbidden=["jean.dupont"])
    with pytest.raises(ValidationError) as info:
        v.check_password_strength("Dupont!2024xyz", forbidden=["dupont", "jd", None])
    assert info.value.params["reason"] == "personal"


def test_password_length_bounds():
    v.check_password_strength("Ab1!" + "qwpoeiruty"[:6])  # exactly 10
    v.check_password_strength(("Ab1!xyzwvu" * 13)[:128])  # exactly 128


def test_module_has_no_framework_imports():
    source = Path(v.__file__).read_text(encoding="utf-8")
    for forbidden in ("import reflex", "sqlalchemy", "sqlmodel"):
        assert forbidden not in source
