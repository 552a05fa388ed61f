"""vaccination.cvx_code holds every CVX code of the vaccine's ATC group ("133,215,216"): 40
characters, not 10 (PostgreSQL refused the longer lists that SQLite had let through)

Revision ID: e2a3b4c5d6e7
Revises: e1f2a3b4c5d6
Create Date: 2026-12-03 16:50:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'e2a3b4c5d6e7'
down_revision: str | Sequence[str] | None = 'e1f2a3b4c5d6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('vaccination', schema=None) as batch_op:
        batch_op.alter_column('cvx_code', existing_type=sqlmodel.sql.sqltypes.AutoString(length=10),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=40), existing_nullable=True)


def downgrade() -> None:
    """Downgrade schema (a list longer than 10 characters keeps only its first code)."""
    if op.get_context().dialect.name == "sqlite":
        first_code = "substr(cvx_code, 1, instr(cvx_code || ',', ',') - 1)"
    else:
        first_code = "split_part(cvx_code, ',', 1)"
    op.execute(f"UPDATE vaccination SET cvx_code = {first_code} WHERE length(cvx_code) > 10")
    with op.batch_alter_table('vaccination', schema=None) as batch_op:
        batch_op.alter_column('cvx_code', existing_type=sa.String(length=40),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=10), existing_nullable=True)
