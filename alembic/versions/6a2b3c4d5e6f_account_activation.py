"""account activation: pending accounts (activated_at) and their single-use e-mailed links

Revision ID: 6a2b3c4d5e6f
Revises: 7b3c4d5e6f70
Create Date: 2026-12-02 23:45:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes

import mes_app.db.types

# revision identifiers, used by Alembic.
revision: str = '6a2b3c4d5e6f'
down_revision: Union[str, Sequence[str], None] = '7b3c4d5e6f70'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activated_at', mes_app.db.types.UTCDateTime(), nullable=True))
    # Accounts that exist already were opened before addresses were confirmed: they stay usable.
    op.execute(sa.text("UPDATE user_account SET activated_at = created_at WHERE activated_at IS NULL"))
    op.create_table('account_activation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('used_at', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_account_activation_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_activation'))
    )
    with op.batch_alter_table('account_activation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_activation_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_account_activation_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('account_activation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_activation_user_id'))
        batch_op.drop_index(batch_op.f('ix_account_activation_token_hash'))

    op.drop_table('account_activation')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('activated_at')
