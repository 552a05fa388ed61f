"""teen (issue 13, item 4): what a professional keeps from a minor's legal representatives
never reaches them, nor anyone they appointed, through any view.

The "grep" test: every entry and document kept secret carries a unique marker in its text;
every guardian-facing view (timeline, record sections, documents, summary, IPS, FHIR export,
share link, SMART Health Link, emergency card, reminders, measures, prevention, access
history) is rendered for the child and the marker must not appear in any of them.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from mes_app.db import models
from mes_app.domain import shl
from mes_app.domain.errors import Forbidden, NotFound, ValidationError
from mes_app.services import (
    access_history,
    documents,
    emergency_card,
    ips,
    lab_results,
    measures,
    prevention,
    record_export,
    records,
    reminders,
    share_links,
    summary,
    timeline,
)
from mes_app.storage import LocalStorage
from tests.factories import give_care, make_caregiver, make_child, make_co_guardian, make_owner, make_professional

MARKER = "ZQX-SECRET-7731"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 500 + b"\n%%EOF\n"
LAB = "11502-2"
ALL = ["history", "conditions", "treatments", "hospitalisations", "risk_factors", "vaccinations", "measures",
       "documents", "appointments", "profile"]


@pytest.fixture()
def storage(tmp_path):
    return LocalStorage(tmp_path / "documents")


@pytest.fixture()
def teen(session, now, storage):
    """Chloé, 15, her parents, a grandmother with every section shared, her doctor and a
    colleague in her care team; the doctor keeps a condition, a document, a vaccination, a
    visit and a measure from her parents; an ordinary entry shows the views do work."""
    parent = make_owner(session, "Camille Durand")
    chloe = make_child(session, parent, "Chloé", birth_date=date(2011, 2, 10))
    co = make_co_guardian(session, chloe, "Bob Durand")
    granny = make_caregiver(session, chloe, tuple(ALL), name="Mamie Jeanne")
    doctor = make_professional(session, "Dr Lefort", specialty="Gynécologie")
    colleague = make_professional(session, "Dr Petit")
    give_care(session, doctor, chloe)
    give_care(session, colleague, chloe)
    pid = chloe.profile.id
    records.add_entry(session, doctor.actor, pid, "conditions",
                      {"code_text": f"Contraception {MARKER}", "status": "active"}, now=now,
                      hidden_from_guardians=True)
    records.add_entry(session, doctor.actor, pid, "conditions", {"code_text": "Asthme", "status": "active"}, now=now)
    records.add_entry(session, doctor.actor, pid, "encounters",
                      {"kind": "specialist", "title": f"Consultation {MARKER}", "occurred_on": "2026-11-20"},
                      now=now, hidden_from_guardians=True)
    doc = documents.upload_document(
        session, doctor.actor, pid,
        {"title": f"Ordonnance {MARKER}", "document_date": "2026-11-20", "category": LAB,
         "hidden_from_guardians": "on"},
        "ordonnance.pdf", [PDF], storage=storage, max_bytes=10_000, now=now)
    base = dict(profile_id=pid, author_user_id=doctor.id, author_role="professional", hidden_from_guardians=True)
    session.add_all([
        models.Vaccination(code_text=f"HPV {MARKER}", given_on=date(2026, 11, 20), **base),
        models.Measure(kind="weight", loinc_code="29463-7", value=51.5, unit="kg",
                       measured_at=now - timedelta(days=1), note=MARKER, **base),
        models.Treatment(code_text=f"Pilule {MARKER}", dosage="1/j", **base),
        models.Allergy(code_text=f"Latex {MARKER}", severity="mild", **base),
    ])
    secret_lab = models.LabReport(title=f"Bilan {MARKER}", collected_at=now - timedelta(days=2), **base)
    session.add(secret_lab)
    session.flush()
    session.add(models.LabResult(report_id=secret_lab.id, profile_id=pid, test_key="ferritin", loinc_code="2276-4",
                                 name=f"Ferritine {MARKER}", value=8.0, unit="ug/L", ref_low=15, ref_high=150,
                                 interpretation="L", collected_at=secret_lab.collected_at))
    session.commit()
    # the doctor opens the secret document: a line in the access history
    documents.open_document(session, doctor.actor, doc.id, now=now)
    return parent, co, granny, doctor, colleague, chloe, doc


def _text(value) -> str:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return json.dumps(value, default=str, ensure_ascii=False)


def _guardian_views(session, who, pid, now, storage) -> dict[str, str]:
    views = {
        "timeline": timeline.history_page(session, who.actor, pid, now=now),
        "documents": documents.documents_page(session, who.actor, pid, now=now),
        "summary": summary.build_summary(session, who.actor, pid, now=now),
        "ips": ips.download_bundle(session, who.actor, pid, now=now),
        "reminders": reminders.reminders(session, who.actor, now=now),
        "measures": measures.overview(session, who.actor, pid, now=now),
        "latest_measures": measures.latest_measures(session, who.actor, pid, now=now),
        "prevention": prevention.profile_calendar(session, who.actor, pid, now=now),
        "export": record_export.export_record(session, who.actor, pid, now=now, storage=storage).body,
    }
    for name, read in (("lab_results", lab_results.list_reports), ("lab_trend", lab_results.trend)):
        try:  # a caregiver without the section gets "not found": nothing either
            views[name] = read(session, who.actor, pid, *(("ferritin",) if name == "lab_trend" else ()), now=now)
        except NotFound:
            views[name] = ""
    for kind in ("conditions", "encounters", "treatments", "allergies", "vaccinations"):
        views[f"records/{kind}"] = records.list_entries(session, who.actor, pid, kind, now=now)
    return {name: _text(value) for name, value in views.items()}


def test_no_guardian_facing_view_shows_a_secret_entry(session, now, storage, teen):
    parent, co, granny, *_rest, chloe, _doc = teen
    for who in (parent, co, granny):
        for name, text in _guardian_views(session, who, chloe.profile.id, now, storage).items():
            assert MARKER not in text, (who.name, name)
    # and the views do show the rest: the ordinary entry reaches them
    text = _text(records.list_entries(session, parent.actor, chloe.profile.id, "conditions", now=now))
    assert "Asthme" in text


def test_the_guardians_access_history_leaves_out_the_secret_document(session, now, teen):
    parent, co, *_rest, doc = teen
    for who in (parent, co):
        page = access_history.access_history(session, who.actor, teen[5].profile.id, now=now)
        assert all(item.target_label != doc.title for item in page.items)
        assert MARKER not in _text(page)
        assert not any(item.target_kind == "document" and item.who == "Dr Lefort" for item in page.items)


def test_share_links_and_the_emergency_card_never_carry_it(session, now, teen):
    parent, *_rest, chloe, _doc = teen
    pid = chloe.profile.id
    created = share_links.create_link(session, parent.actor, pid,
                                      sections=[s.value for s in share_links.SHAREABLE_SECTIONS], now=now)
    opened = share_links.open_summary(session, created.view.id, False, now=now)
    assert MARKER not in _text(opened)
    answer = share_links.manifest(session, created.secret, {"recipient": "Dr Who"}, now=now)
    assert answer.status == 200
    bundle = shl.decrypt(answer.body["files"][0]["embedded"], created.key)
    assert MARKER not in bundle.decode("utf-8")
    emergency_card.save_card(session, parent.actor, pid, sections=["risk_factors", "conditions", "treatments"],
                             now=now)
    on = emergency_card.turn_on(session, parent.actor, pid, now=now)
    opening = emergency_card.resolve(session, on.secret, now=now)
    card = emergency_card.open_card(session, opening.link_id, name="Dr Samu", role="urgentiste", now=now)
    assert "Asthme" in _text(card) and MARKER not in _text(card)


def test_guardians_get_not_found_on_the_secret_document_and_entry(session, now, storage, teen):
    parent, co, granny, *_rest, chloe, doc = teen
    entry = session.exec(select(models.Condition).where(models.Condition.hidden_from_guardians)).one()
    for who in (parent, co, granny):
        with pytest.raises(NotFound):
            documents.open_document(session, who.actor, doc.id, now=now)
        with pytest.raises(NotFound):
            records.set_hidden_from_professionals(session, who.actor, "conditions", entry.id, True, now=now)
        with pytest.raises(NotFound):
            records.delete_entry(session, who.actor, "conditions", entry.id, now=now)
        with pytest.raises(NotFound):
            documents.set_hidden_from_guardians(session, who.actor, doc.id, False, now=now)


def test_the_marking_professional_and_the_care_team_still_see_it(session, now, storage, teen):
    *_family, doctor, colleague, chloe, doc = teen
    for who in (doctor, colleague):
        assert MARKER in _text(records.list_entries(session, who.actor, chloe.profile.id, "conditions", now=now))
        assert doc.id in [d.id for d in documents.documents_page(session, who.actor, chloe.profile.id, now=now).items]
        assert MARKER in _text(timeline.history_page(session, who.actor, chloe.profile.id, now=now))
        assert MARKER in _text(lab_results.list_reports(session, who.actor, chloe.profile.id, now=now))


def test_the_professional_marks_afterwards_and_unmarks(session, now, teen):
    parent, *_rest, doctor, colleague, chloe, _doc = teen
    shown = records.add_entry(session, doctor.actor, chloe.profile.id, "conditions",
                              {"code_text": "Acné", "status": "active"}, now=now)
    assert shown.can_mark_hidden_from_guardians and not shown.hidden_from_guardians

    def parent_sees() -> bool:
        return "Acné" in _text(records.list_entries(session, parent.actor, chloe.profile.id, "conditions", now=now))

    assert parent_sees()
    marked = records.set_hidden_from_guardians(session, doctor.actor, "conditions", shown.id, True, now=now)
    assert marked.hidden_from_guardians and not parent_sees()
    # a colleague sees it but may not switch the doctor's entry
    with pytest.raises(Forbidden):
        records.set_hidden_from_guardians(session, colleague.actor, "conditions", shown.id, False, now=now)
    records.set_hidden_from_guardians(session, doctor.actor, "conditions", shown.id, False, now=now)
    assert parent_sees()


def test_only_a_professional_of_a_minors_care_team_may_mark(session, now, storage):
    parent = make_owner(session, "Camille Durand")
    chloe = make_child(session, parent, "Chloé", birth_date=date(2011, 2, 10))
    doctor = make_professional(session, "Dr Lefort")
    give_care(session, doctor, chloe)
    adult = make_owner(session, "Alice", birth_date=date(1990, 1, 1))
    give_care(session, doctor, adult)
    form = {"code_text": "Rhume", "status": "active"}
    with pytest.raises(Forbidden):  # a guardian cannot keep something from themselves
        records.add_entry(session, parent.actor, chloe.profile.id, "conditions", form, now=now,
                          hidden_from_guardians=True)
    with pytest.raises(Forbidden):  # an adult's profile has no legal representative
        records.add_entry(session, doctor.actor, adult.profile.id, "conditions", form, now=now,
                          hidden_from_guardians=True)
    with pytest.raises(ValidationError):
        records.add_entry(session, doctor.actor, chloe.profile.id, "conditions", form, now=now,
                          hidden_from_guardians="yes")
    with pytest.raises(Forbidden):
        documents.upload_document(
            session, parent.actor, chloe.profile.id,
            {"title": "Bilan", "document_date": "2026-11-20", "category": LAB, "hidden_from_guardians": "on"},
            "b.pdf", [PDF], storage=storage, max_bytes=10_000, now=now)
    assert storage.stored_files() == []
    assert not records.list_entries(session, parent.actor, chloe.profile.id, "conditions", now=now)
