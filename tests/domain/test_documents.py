"""Document rules: type sniffing, file names, the sharing panel's defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mes_app.domain import documents as rules
from mes_app.domain.errors import ValidationError
from mes_app.domain.terminology import normalize

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"


@pytest.mark.parametrize(
    ("head", "expected"),
    [(PDF, "application/pdf"), (JPEG, "image/jpeg"), (PNG, "image/png"), (HEIC, "image/heic"),
     (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00", "image/heic")],
)
def test_allowed_types_are_recognised_by_their_first_bytes(head, expected):
    assert rules.sniff_type(head) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a Windows executable named "result.pdf"
        b"\x7fELF\x02\x01\x01\x00",  # a Linux executable
        b"<!DOCTYPE html><html><script>",  # an HTML page
        b"<html><body>%PDF-1.4",  # "%PDF-" later in the file does not count
        b"#!/bin/sh\nrm -rf /",
        b"PK\x03\x04\x14\x00",  # a zip / docx
        b"\x00\x00\x00\x18ftypmp42\x00\x00",  # an MP4 video
        b"",
        b"%PD",
    ],
)
def test_anything_else_is_refused_whatever_its_name(head):
    assert rules.sniff_type(head) is None


def test_sniffing_ignores_non_bytes():
    assert rules.sniff_type("%PDF-1.7") is None  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["ordonnance.pdf", "Résultats prise de sang (mars).PDF", "photo 2026-11-02.heic",
                                  "my..report.pdf"])
def test_ordinary_file_names_are_kept_for_display(name):
    assert rules.check_filename(name) == name


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "..\\..\\boot.ini", "dir/file.pdf", "..", ".", "", "   ", "bad\x00name.pdf",
     "tab\tname.pdf", "x" * 500 + ".pdf", "fake\u202egpj.exe", None, 42, ["a.pdf"]],
)
def test_dangerous_file_names_are_refused_with_a_clear_code(name):
    with pytest.raises(ValidationError) as caught:
        rules.check_filename(name)
    assert caught.value.code == "error.document_bad_filename"


def test_download_name_comes_from_the_title_and_the_sniffed_type_not_the_upload_name():
    assert rules.download_filename("Ordonnance été", "application/pdf") == "Ordonnance ete.pdf"
    assert rules.download_filename('../"evil"\r\n.html', "image/png") == "evilhtml.png"
    assert rules.download_filename("", "image/jpeg") == "document.jpg"


def test_inline_preview_only_for_pdf_and_common_images():
    assert rules.is_inline("application/pdf") and rules.is_inline("image/png") and rules.is_inline("image/jpeg")
    assert not rules.is_inline("image/heic")
    assert not rules.is_inline("text/html")


def test_size_labels():
    assert rules.size_label(2048, "fr") == "2 Ko"
    assert rules.size_label(int(1.5 * 1024 * 1024), "fr") == "1,5 Mo"
    assert rules.size_label(int(1.5 * 1024 * 1024), "en") == "1.5 MB"
    assert rules.size_label(20 * 1024 * 1024, "fr") == "20 Mo"


PRO = rules.Candidate("professional", 7, "Dr Bernard", "GP")
NANNY = rules.Candidate("caregiver", 8, "Mamie")
LINK = rules.Candidate("share_link", 3, "Urgences")


def test_dmp_defaults_care_team_on_caregivers_and_links_off():
    rows = rules.grantee_switches([LINK, NANNY, PRO], {}, hidden_from_professionals=False)
    assert [(r.kind, r.on, r.sees) for r in rows] == [
        ("professional", True, True), ("caregiver", False, False), ("share_link", False, False)]


def test_switches_override_the_defaults():
    switches = {("professional", 7): False, ("caregiver", 8): True, ("share_link", 3): True}
    rows = {r.kind: r for r in rules.grantee_switches([PRO, NANNY, LINK], switches, hidden_from_professionals=False)}
    assert not rows["professional"].sees and rows["caregiver"].sees and rows["share_link"].sees


def test_hiding_from_professionals_wins_over_their_switch_but_not_over_caregivers():
    switches = {("caregiver", 8): True}
    rows = {r.kind: r for r in rules.grantee_switches([PRO, NANNY], switches, hidden_from_professionals=True)}
    assert rows["professional"].on and not rows["professional"].sees
    assert rows["caregiver"].sees
    # the page locks the care team's switch (and only theirs) while the document is hidden
    assert rows["professional"].care_team and not rows["caregiver"].care_team


def test_a_switch_for_someone_else_does_not_leak_onto_a_candidate():
    rows = rules.grantee_switches([PRO], {("professional", 99): False, ("caregiver", 7): True},
                                  hidden_from_professionals=False)
    assert rows[0].on


def test_link_usability():
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert rules.link_is_usable(now + timedelta(days=1), None, now)
    assert not rules.link_is_usable(now, None, now)
    assert not rules.link_is_usable(now + timedelta(days=1), now - timedelta(days=1), now)


def test_title_search_ignores_accents_and_case_and_word_order():
    assert rules.matches_title("Résultats prise de sang", "sang resultats", normalize)
    assert not rules.matches_title("Ordonnance", "sang", normalize)
