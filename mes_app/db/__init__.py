"""Database layer: tables (``models``), column types (``types``) and the engine (``engine``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a table model, for statements that must not go through the ORM
    (no synchronisation of the objects in the session). SQLModel sets ``__table__`` on table
    models without declaring it, so type checkers cannot see it: this reads it from the mapper."""
    table = sa.inspect(model).local_table
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table
