"""Names inside the take-out zip and the life of a job (issue 13, item 2): pure rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from mes_app.domain import takeout as tk


def test_unsafe_names_stay_inside_their_folder():
    names = tk.UniqueNames()
    assert tk.document_name(names, None, "..", "image/png", "document-1") == "document-1.png"
    assert tk.document_name(names, None, "a/b\\c:d", "application/pdf", "x") == "a b c d.pdf"
    assert tk.document_name(names, None, "A B C D", "application/pdf", "x") == "A B C D (2).pdf"
    assert tk.document_name(names, None, "CON", "application/pdf", "doc") == "doc.pdf"
    assert tk.clean_segment("\x00\u202eé" * 100, "f") == "é" * tk.MAX_NAME


def test_job_status_follows_the_clock():
    now = datetime(2026, 12, 3, 8, 0)
    assert tk.effective_status(tk.JobClock("running", now, None), now + timedelta(minutes=1)) == "running"
    assert tk.effective_status(tk.JobClock("running", now, None), now + timedelta(minutes=6)) == "failed"
    assert tk.effective_status(tk.JobClock("ready", now, now + timedelta(days=7)), now + timedelta(days=7)) == "expired"
    assert tk.percent(50, 200) == 25 and tk.percent(1, 0) == 0
