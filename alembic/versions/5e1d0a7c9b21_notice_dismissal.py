"""notice dismissal: an account dismisses an emergency-opening notice (issue 11, item 13)

Revision ID: 5e1d0a7c9b21
Revises: 5e1f0a7c2b9d
Create Date: 2026-12-02 15:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import mes_app.db.types

# revision identifiers, used by Alembic.
revision: str = '5e1d0a7c9b21'
down_revision: Union[str, Sequence[str], None] = '5e1f0a7c2b9d'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('notice_dismissal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('access_event_id', sa.Integer(), nullable=False),
    sa.Column('dismissed_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['access_event_id'], ['access_event.id'], name=op.f('fk_notice_dismissal_access_event_id_access_event')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notice_dismissal_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_dismissal')),
    sa.UniqueConstraint('user_id', 'access_event_id', name='uq_notice_dismissal_user_event')
    )
    with op.batch_alter_table('notice_dismissal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_dismissal_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('notice_dismissal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_dismissal_user_id'))

    op.drop_table('notice_dismissal')
