"""caregiver invitation: a caregiver's read-only access is offered, then accepted

Revision ID: 5d1c0a7e3b21
Revises: 719f70802c8d
Create Date: 2026-12-02 15:50:00

The invitation table gets the caregiver offer's scope and end; its role may now be
``caregiver``. Nothing else changes: the grant row is written at acceptance.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

import mes_app.db.types

# revision identifiers, used by Alembic.
revision: str = '5d1c0a7e3b21'
down_revision: Union[str, Sequence[str], None] = '719f70802c8d'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('guardian_invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sections', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('access_ends_at', mes_app.db.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DELETE FROM guardian_invitation WHERE role = 'caregiver'")
    with op.batch_alter_table('guardian_invitation', schema=None) as batch_op:
        batch_op.drop_column('access_ends_at')
        batch_op.drop_column('sections')
