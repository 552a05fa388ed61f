"""Single-use links sent by e-mail (password reset, account activation).

A link carries a random secret of 256 bits; the database keeps only its SHA-256 in a table
of the shape of :class:`~mes_app.db.models.PasswordReset` (``user_id``, ``token_hash``,
``created_at``, ``expires_at``, ``used_at``, ``revoked_at``). Opening a new link ends the
older open links of the account; a link serves once, even when two requests race.
Nothing here commits: the caller does, with its own changes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from mes_app.db.models import AccountActivation, PasswordReset
from mes_app.domain.link_tokens import hash_link_secret, hash_new_link_secret, new_link_secret

Row = TypeVar("Row", PasswordReset, AccountActivation)  # the tables of that shape


def open_link(
    session: Session, table: type[Row], user_id: int, *, now: datetime, lifetime: timedelta
) -> tuple[str, datetime]:
    """A new link for ``user_id`` (older open ones end): the secret to mail and when it expires."""
    end_open_links(session, table, user_id, now)
    secret = new_link_secret()
    expires_at = now + lifetime
    session.add(table(user_id=user_id, token_hash=hash_new_link_secret(secret), created_at=now, expires_at=expires_at))
    return secret, expires_at


def find_open(session: Session, table: type[Row], secret: object, *, now: datetime) -> Row | None:
    """The row of a link that still works (unknown, used, ended, expired: None)."""
    digest = hash_link_secret(secret)
    if digest is None:
        return None
    row = session.exec(select(table).where(col(table.token_hash) == digest)).first()
    if row is None or row.used_at is not None or row.revoked_at is not None or now >= row.expires_at:
        return None
    return row


def use(session: Session, table: type[Row], row: Row, *, now: datetime) -> bool:
    """Mark the link used; False when another request used or ended it first."""
    used = session.execute(
        sa.update(table)
        .where(col(table.id) == row.id, col(table.used_at).is_(None), col(table.revoked_at).is_(None))
        .values(used_at=now)
    )
    return cast("sa.CursorResult[Any]", used).rowcount == 1  # an UPDATE's result is a CursorResult


def end_open_links(session: Session, table: type[Row], user_id: int, now: datetime) -> None:
    session.execute(
        sa.update(table)
        .where(col(table.user_id) == user_id, col(table.used_at).is_(None), col(table.revoked_at).is_(None))
        .values(revoked_at=now)
    )
