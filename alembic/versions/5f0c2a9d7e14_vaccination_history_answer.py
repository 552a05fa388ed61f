"""vaccination history answer: a newcomer's answer to "do you know your vaccination history?"

Revision ID: 5f0c2a9d7e14
Revises: 1ea292ee0797
Create Date: 2026-12-02 15:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes

import mes_app.db.types

# revision identifiers, used by Alembic.
revision: str = '5f0c2a9d7e14'
down_revision: Union[str, Sequence[str], None] = '1ea292ee0797'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('vaccination_history_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('answered_by_user_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_user_id'], ['user_account.id'], name=op.f('fk_vaccination_history_answer_answered_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['profile_id'], ['profile.id'], name=op.f('fk_vaccination_history_answer_profile_id_profile')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vaccination_history_answer'))
    )
    with op.batch_alter_table('vaccination_history_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vaccination_history_answer_profile_id'), ['profile_id'], unique=True)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('vaccination_history_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vaccination_history_answer_profile_id'))

    op.drop_table('vaccination_history_answer')
