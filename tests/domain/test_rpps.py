"""RPPS numbers: 11 digits, the last a Luhn key; professions an applicant may choose."""

import pytest

from mes_app import i18n
from mes_app.domain.errors import ValidationError
from mes_app.domain.rpps import PROFESSIONS, luhn_check_digit, parse_profession, parse_rpps


@pytest.mark.parametrize("number", ["10000000017", "10003456786", "79927398713"])
def test_a_number_with_its_luhn_key_is_accepted(number):
    assert parse_rpps(number) == number


def test_the_key_is_computed_over_the_first_ten_digits():
    assert luhn_check_digit("1000000001") == 7
    assert luhn_check_digit("7992739871") == 3


@pytest.mark.parametrize("typed", [" 10000000017 ", "10 000 000 017", "100.000.000.17", "10-00000001-7"])
def test_spaces_and_separators_are_stripped(typed):
    assert parse_rpps(typed) == "10000000017"


@pytest.mark.parametrize("wrong_key", ["10000000010", "10000000018", "79927398710", "10101010101"])
def test_a_wrong_key_is_refused(wrong_key):
    with pytest.raises(ValidationError) as refused:
        parse_rpps(wrong_key)
    assert refused.value.code == "error.invalid_rpps"
    assert refused.value.params == {"field": "rpps"}  # what was typed is not echoed


@pytest.mark.parametrize("length", ["1000000001", "100000000170", "", "0"])
def test_a_wrong_length_is_refused(length):
    with pytest.raises(ValidationError, match="error.invalid_rpps"):
        parse_rpps(length)


@pytest.mark.parametrize("odd", ["1000000001A", "ABCDEFGHIJK", "１０００００００１７", "10000000017x", None,
                                 10000000017, ["10000000017"], "1" * 1000])
def test_letters_other_digits_and_other_types_are_refused(odd):
    with pytest.raises(ValidationError, match="error.invalid_rpps"):
        parse_rpps(odd, field="professional_id")


def test_the_field_is_named_in_the_error():
    with pytest.raises(ValidationError) as refused:
        parse_rpps("123", field="professional_id")
    assert refused.value.params == {"field": "professional_id"}


def test_professions_are_codes_with_a_french_and_an_english_label():
    assert {"medecin", "infirmier", "pharmacien", "sage_femme", "kinesitherapeute",
            "chirurgien_dentiste"} <= set(PROFESSIONS)
    for code in PROFESSIONS:
        assert parse_profession(code) == code
        fr, en = i18n.TEXTS[f"pro.profession.{code}"]
        assert fr.strip() and en.strip() and "_" not in fr + en


@pytest.mark.parametrize("bad", ["Medecin", "chirurgien", "", None, 3, "operator"])
def test_an_unknown_profession_is_refused(bad):
    with pytest.raises(ValidationError, match="error.invalid_choice"):
        parse_profession(bad)
