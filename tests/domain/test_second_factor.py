"""Two-step sign-in rules: codes, replay, recovery codes, who must enrol, idle sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from mes_app.domain import second_factor as sf

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = datetime(2026, 12, 3, 8, 0, 10, tzinfo=UTC)


def code_at(moment: datetime) -> str:
    return pyotp.TOTP(SECRET).at(moment)


def test_professionals_and_operators_must_enrol_patients_may_choose():
    assert sf.must_enrol("professional")
    assert sf.must_enrol("operator")
    assert not sf.must_enrol("patient")
    assert not sf.must_enrol("")


def test_a_right_code_gives_its_time_step():
    assert sf.matching_step(SECRET, code_at(NOW), NOW, None) == sf.time_step(NOW)
    assert sf.matching_step(SECRET, " " + code_at(NOW)[:3] + " " + code_at(NOW)[3:], NOW, None) is not None


def test_one_step_of_clock_drift_is_accepted_not_two():
    assert sf.matching_step(SECRET, code_at(NOW - timedelta(seconds=30)), NOW, None) is not None
    assert sf.matching_step(SECRET, code_at(NOW + timedelta(seconds=30)), NOW, None) is not None
    assert sf.matching_step(SECRET, code_at(NOW - timedelta(seconds=90)), NOW, None) is None


def test_a_code_used_once_is_refused_within_its_window():
    step = sf.matching_step(SECRET, code_at(NOW), NOW, None)
    assert step is not None
    assert sf.matching_step(SECRET, code_at(NOW), NOW + timedelta(seconds=5), step) is None
    # an older code than the last used one is refused too
    assert sf.matching_step(SECRET, code_at(NOW - timedelta(seconds=30)), NOW, step) is None
    # the next step's code works
    later = NOW + timedelta(seconds=30)
    assert sf.matching_step(SECRET, code_at(later), later, step) == step + 1


def test_what_is_not_a_code_is_refused():
    for raw in (None, 123456, "", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 34 5"):
        assert sf.matching_step(SECRET, raw, NOW, None) is None, raw


def test_recovery_codes_are_distinct_readable_and_normalised():
    codes = sf.new_recovery_codes()
    assert len(codes) == sf.RECOVERY_CODE_COUNT == len(set(codes))
    for code in codes:
        assert len(code) == 14 and code.count("-") == 2
        assert sf.normalise_recovery_code(code) == code.replace("-", "")
        assert sf.normalise_recovery_code(code.upper().replace("-", " ")) == code.replace("-", "")
    assert sf.normalise_recovery_code("0000-0000-0000") is None  # 0 is not in the alphabet
    assert sf.normalise_recovery_code("abc") is None
    assert sf.normalise_recovery_code(None) is None


def test_the_qr_address_names_the_app_and_the_account():
    uri = sf.provisioning_uri(SECRET, "alice@example.org")
    assert uri.startswith("otpauth://totp/MES:alice%40example.org?") and f"secret={SECRET}" in uri


def test_device_label_names_browser_and_system():
    android = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/131.0 Mobile Safari/537.36")
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
              "Version/18.1 Mobile/15E148 Safari/604.1")
    edge = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
            "Safari/537.36 Edg/131.0")
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
    assert sf.device_label(android) == ("Chrome", "Android")
    assert sf.device_label(iphone) == ("Safari", "iOS")
    assert sf.device_label(edge) == ("Edge", "Windows")
    assert sf.device_label(firefox) == ("Firefox", "Linux")
    assert sf.device_label(None) == ("", "")


def test_idle_limit_and_last_use_written_at_most_once_a_minute():
    limit = timedelta(minutes=30)
    assert not sf.is_idle(NOW - timedelta(minutes=29), NOW, limit)
    assert sf.is_idle(NOW - timedelta(minutes=30), NOW, limit)
    assert sf.needs_touch(None, NOW)
    assert not sf.needs_touch(NOW - timedelta(seconds=59), NOW)
    assert sf.needs_touch(NOW - timedelta(seconds=60), NOW)
