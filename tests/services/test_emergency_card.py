"""The emergency card: scope (only the chosen fields), logging of openings, turning it off,
wrong inputs, and strangers."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from mes_app.db import models
from mes_app.domain.errors import NotFound, ValidationError
from mes_app.domain.link_tokens import hash_link_secret
from mes_app.services import emergency_card as cards
from mes_app.services import reminders
from tests.factories import committed_count, committed_rows, make_child, make_owner, make_stranger


@pytest.fixture
def family(session, now):
    parent = make_owner(session, "Camille Durand")
    hugo = make_child(session, parent, "Hugo", birth_date=date(2012, 4, 2), sex="male")
    base = dict(profile_id=hugo.profile.id, author_user_id=parent.id, author_role="guardian")
    session.add_all([
        models.Allergy(code_text="Arachide", reaction="Œdème", severity="severe", **base),
        models.Condition(code_text="Asthme", status="active", **base),
        models.Treatment(code_text="Ventoline", dosage="2 bouffées", start_date=date(2026, 1, 1), **base),
        models.Vaccination(code_text="Hexavalent", given_on=date(2012, 6, 2), **base),
        models.Measure(kind="weight", loinc_code="29463-7", value=48.5, unit="kg", measured_at=now - timedelta(days=3),
                       **base),
    ])
    session.commit()
    return parent, hugo


def _save(session, parent, hugo, now, **kw):
    kw.setdefault("sections", ["risk_factors"])
    return cards.save_card(session, parent.actor, hugo.profile.id, now=now, **kw)


def _on(session, parent, hugo, now, **kw):
    _save(session, parent, hugo, now, **kw)
    return cards.turn_on(session, parent.actor, hugo.profile.id, now=now)


def _open(session, secret, now, name="Dr Samu", role="urgentiste"):
    opening = cards.resolve(session, secret, now=now)
    assert opening.status == "active"
    return cards.open_card(session, opening.link_id, name=name, role=role, now=now)


def test_the_card_shows_only_the_chosen_fields(session, now, family):
    parent, hugo = family
    on = _on(session, parent, hugo, now, blood_group="O+")
    view = _open(session, on.secret, now)
    assert (view.given_name, view.birth_date) == ("Hugo", "2012-04-02")
    assert [a.title for a in view.allergies] == ["Arachide"] and view.allergies[0].severity == "severe"
    assert view.conditions is None and view.treatments is None  # not chosen
    assert view.blood_group == "O+"
    assert view.advance_directives is None and view.organ_donation is None and view.emergency_contacts is None
    text = repr(view)
    for secret_thing in ("Asthme", "Ventoline", "Hexavalent", "48.5", "weight"):
        assert secret_thing not in text  # unchosen condition, treatment, vaccinations, measures


def test_every_chosen_part_appears_and_measures_never_do(session, now, family):
    parent, hugo = family
    on = _on(session, parent, hugo, now, sections=["risk_factors", "conditions", "treatments"],
             advance_directives="Pas d'acharnement", organ_donation="Donneur", emergency_contacts="Papa 06 00 00 00 00")
    view = _open(session, on.secret, now)
    assert [c.title for c in view.conditions] == ["Asthme"]
    assert [(t.title, t.detail) for t in view.treatments] == [("Ventoline", "2 bouffées")]
    assert view.emergency_contacts == "Papa 06 00 00 00 00" and view.blood_group is None
    assert "48.5" not in repr(view) and "Hexavalent" not in repr(view)
    [link] = session.exec(select(models.ShareLink).where(models.ShareLink.purpose == "emergency")).all()
    assert set(link.sections.split(",")) == {"profile", "risk_factors", "conditions", "treatments"}


def test_changing_the_choice_changes_the_active_card_at_once(session, now, family):
    parent, hugo = family
    on = _on(session, parent, hugo, now, sections=["risk_factors", "conditions"])
    _save(session, parent, hugo, now, sections=["treatments"])
    view = _open(session, on.secret, now)
    assert view.allergies is None and view.conditions is None and [t.title for t in view.treatments] == ["Ventoline"]


def test_an_opening_is_logged_with_the_openers_label(session, now, family):
    parent, hugo = family
    on = _on(session, parent, hugo, now)
    _open(session, on.secret, now, name="  Jean Dupont ", role="pompier")
    [event] = committed_rows(session, models.AccessEvent, models.AccessEvent.via == "emergency")
    assert event.actor_label == "Jean Dupont (pompier)" and event.profile_id == hugo.profile.id
    assert event.action == "read" and event.actor_user_id is None
    assert cards.get_card(session, parent.actor, hugo.profile.id, now=now).last_opened == now.date().isoformat()


@pytest.mark.parametrize("name,role", [("", "pompier"), ("Jean", ""), ("   ", "x"), ("x" * 101, "pompier"),
                                       ("Jean", "r" * 101), (None, "pompier"), (["Jean"], "pompier"), ("Jean", 3)])
def test_the_opener_must_say_who_they_are(session, now, family, name, role):
    parent, hugo = family
    on = _on(session, parent, hugo, now)
    opening = cards.resolve(session, on.secret, now=now)
    with pytest.raises(ValidationError):
        cards.open_card(session, opening.link_id, name=name, role=role, now=now)
    assert committed_count(session, models.AccessEvent, models.AccessEvent.via == "emergency") == 0


def test_a_long_label_fits_the_access_history(session, now, family):
    parent, hugo = family
    on = _on(session, parent, hugo, now)
    _open(session, on.secret, now, name="n" * 100, role="r" * 100)
    [event] = committed_rows(session, models.AccessEvent, models.AccessEvent.via == "emergency")
    assert len(event.actor_label) == 120 and event.actor_label.startswith("n" * 100)


def test_turning_off_shows_nothing_and_turning_on_makes_a_new_secret(session, now, family):
    parent, hugo = family
    first = _on(session, parent, hugo, now)
    opening = cards.resolve(session, first.secret, now=now)
    view = cards.turn_off(session, parent.actor, hugo.profile.id, now=now)
    assert not view.active
    assert cards.resolve(session, first.secret, now=now).status == "off"
    with pytest.raises(NotFound):  # a page loaded before the card was turned off gets nothing either
        cards.open_card(session, opening.link_id, name="Jean", role="pompier", now=now)
    second = cards.turn_on(session, parent.actor, hugo.profile.id, now=now)
    assert second.secret != first.secret and second.view.active
    assert cards.resolve(session, first.secret, now=now).status == "off"
    assert cards.resolve(session, second.secret, now=now).status == "active"
    # one active card per profile: renewing revokes the previous secret
    third = cards.turn_on(session, parent.actor, hugo.profile.id, now=now)
    assert cards.resolve(session, second.secret, now=now).status == "off"
    active = [r for r in committed_rows(session, models.ShareLink) if r.revoked_at is None]
    assert len(active) == 1 and active[0].token_hash == hash_link_secret(third.secret)


def test_unknown_or_foreign_secrets_are_not_found(session, now, family):
    parent, hugo = family
    _on(session, parent, hugo, now)
    for secret in ("nope", "", None, 42, "x" * 500, ["a"]):
        assert cards.resolve(session, secret, now=now).status == "not_found"
    with pytest.raises(NotFound):
        cards.open_card(session, "1", name="Jean", role="pompier", now=now)


def test_a_summary_share_link_is_not_an_emergency_card(session, now, family):
    from mes_app.services import share_links

    parent, hugo = family
    created = share_links.create_link(session, parent.actor, hugo.profile.id, sections=["conditions"], now=now)
    assert cards.resolve(session, created.secret, now=now).status == "not_found"
    with pytest.raises(NotFound):
        cards.open_card(session, created.view.id, name="Jean", role="pompier", now=now)


@pytest.mark.parametrize("kw", [
    {"sections": ["measures"]}, {"sections": ["documents"]}, {"sections": "risk_factors"}, {"sections": None},
    {"sections": ["profile"]}, {"blood_group": "x" * 501}, {"advance_directives": 12},
    {"emergency_contacts": "x" * 501}, {"organ_donation": ["oui"]},
])
def test_wrong_inputs_are_refused_and_nothing_is_stored(session, now, family, kw):
    parent, hugo = family
    with pytest.raises(ValidationError):
        _save(session, parent, hugo, now, **kw)
    assert committed_count(session, models.EmergencyCard) == 0


@pytest.mark.parametrize("profile_id", ["abc", None, -1, True, 1.5])
def test_wrong_profile_ids_are_refused(session, now, family, profile_id):
    parent, _ = family
    with pytest.raises((ValidationError, NotFound)):
        cards.save_card(session, parent.actor, profile_id, sections=[], now=now)


def test_turning_on_needs_a_saved_card(session, now, family):
    parent, hugo = family
    with pytest.raises(ValidationError):
        cards.turn_on(session, parent.actor, hugo.profile.id, now=now)
    assert committed_count(session, models.ShareLink) == 0


def test_a_stranger_cannot_create_read_or_turn_off_another_familys_card(session, now, family):
    parent, hugo = family
    on = _on(session, parent, hugo, now)
    mallory = make_stranger(session)
    for call in (
        lambda: cards.save_card(session, mallory.actor, hugo.profile.id, sections=["conditions"], now=now),
        lambda: cards.turn_on(session, mallory.actor, hugo.profile.id, now=now),
        lambda: cards.turn_off(session, mallory.actor, hugo.profile.id, now=now),
        lambda: cards.get_card(session, mallory.actor, hugo.profile.id, now=now),
    ):
        with pytest.raises(NotFound):
            call()
    assert cards.resolve(session, on.secret, now=now).status == "active"
    [card] = committed_rows(session, models.EmergencyCard)
    assert card.sections == "risk_factors"
    assert len(committed_rows(session, models.ShareLink)) == 1


def test_the_patient_is_told_of_recent_openings(session, now, family):
    parent, hugo = family
    on = _on(session, parent, hugo, now)
    _open(session, on.secret, now - timedelta(days=8), name="Vieux", role="ancien")
    _open(session, on.secret, now - timedelta(hours=2), name="Jean Dupont", role="pompier")
    found = [r for r in reminders.reminders(session, parent.actor, now=now) if r.kind == "emergency_opened"]
    assert [(r.profile_name, r.title) for r in found] == [("Hugo", "Jean Dupont (pompier)")]
    assert found[0].link == "/access-history"
    mallory = make_stranger(session)
    assert not [r for r in reminders.reminders(session, mallory.actor, now=now) if r.kind == "emergency_opened"]
