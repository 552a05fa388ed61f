"""The documents' read filter as a shape: one statement for every viewer of the same shape,
the viewer's grantee id given at each execution, so that it never reaches another viewer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from mes_app.db import models
from mes_app.domain.access import LinkActor, Section, format_sections
from mes_app.domain.link_tokens import hash_link_secret, new_link_secret
from mes_app.services import summary
from mes_app.services.access_facts import load_link_facts, load_profile_facts
from mes_app.services.visibility import document_clause, document_shape, grantee_of, read_filter
from tests.factories import make_owner
from tests.services.test_timeline import document


def _link(session, owner, now) -> LinkActor:
    link = models.ShareLink(profile_id=owner.profile.id, token_hash=hash_link_secret(new_link_secret()),
                            sections=format_sections([Section.DOCUMENTS]), created_by_user_id=owner.id,
                            created_at=now, expires_at=now + timedelta(hours=24))
    session.add(link)
    session.commit()
    return LinkActor(load_link_facts(session, link.id), passcode_ok=False)


def _switch(session, owner, doc, link: LinkActor, allowed: bool) -> None:
    session.add(models.DocumentGrant(document_id=doc.id, grantee_kind="share_link", share_link_id=link.link.id,
                                     allowed=allowed, set_by_user_id=owner.id))
    session.commit()


@pytest.fixture()
def two_links(session, now):
    """Two links to Alice's documents; one document switched on for the first and off for the
    second, another on for the second only, a third switched on for neither."""
    alice = make_owner(session, "Alice Durand")
    first, second = _link(session, alice, now), _link(session, alice, now)
    both = document(session, alice, alice.profile, date(2026, 11, 5), "Certificat")
    _switch(session, alice, both, first, True)
    _switch(session, alice, both, second, False)
    theirs = document(session, alice, alice.profile, date(2026, 11, 6), "Ordonnance")
    _switch(session, alice, theirs, second, True)
    document(session, alice, alice.profile, date(2026, 11, 7), "Compte rendu")
    return alice, {"first": (first, [both.id]), "second": (second, [theirs.id])}


def _ids(session, statement, **params) -> list[int]:
    return sorted(session.exec(statement, params=params).all())


def test_two_links_have_one_shape_that_names_neither(session, now, two_links):
    alice, links = two_links
    facts = load_profile_facts(session, alice.profile.id)
    shapes = {document_shape(link, facts, now) for link, _ in links.values()}
    assert len(shapes) == 1
    [shape] = shapes

    def leaves(value):
        return [leaf for item in value for leaf in leaves(item)] if isinstance(value, tuple) else [value]

    assert all(leaf is None or isinstance(leaf, (bool, str)) for leaf in leaves(shape))  # no id in it


@pytest.mark.parametrize("order", [("first", "second"), ("second", "first")])
def test_one_statement_executed_for_each_link_shows_each_only_its_documents(session, now, two_links, order):
    alice, links = two_links
    facts = load_profile_facts(session, alice.profile.id)
    shape = document_shape(links[order[0]][0], facts, now)
    assert shape is not None
    doc = models.Document
    where = (doc.profile_id == alice.profile.id, document_clause(shape))
    statement, count = select(doc.id).where(*where), select(sa.func.count()).select_from(doc).where(*where)
    for name in (*order, *order):
        link, expected = links[name]
        assert _ids(session, statement, grantee=grantee_of(link)) == expected
        assert session.exec(count, params={"grantee": grantee_of(link)}).one() == len(expected)


@pytest.mark.parametrize("order", [("first", "second"), ("second", "first")])
def test_read_filter_still_binds_its_own_viewer(session, now, two_links, order):
    alice, links = two_links
    facts = load_profile_facts(session, alice.profile.id)
    doc = models.Document
    filters = {name: read_filter(link, facts, Section.DOCUMENTS, doc, now) for name, (link, _) in links.items()}
    for name in order:
        statement = select(doc.id).where(doc.profile_id == alice.profile.id, filters[name])
        assert _ids(session, statement) == links[name][1]
    # both filters in one statement: two viewers' ids, no clash between their parameters
    union = select(doc.id).where(col(doc.id).in_([*links["first"][1], *links["second"][1]]),
                                 filters["first"] | filters["second"])
    assert _ids(session, union) == sorted([*links["first"][1], *links["second"][1]])


@pytest.mark.parametrize("order", [("first", "second"), ("second", "first")])
def test_two_links_one_after_the_other_each_open_only_their_documents(session, now, two_links, order):
    _alice, links = two_links
    for name in order:
        link, expected = links[name]
        opened = summary.build_link_summary(session, link, now=now, opener_label="Dr Who")
        assert opened.documents is not None
        assert [d.id for d in opened.documents] == expected
