"""two-factor sign-in and active sessions (issue 15, item 3): TOTP columns on the account,
recovery codes, the pending second-factor step, the session's User-Agent

Revision ID: d7e8f9a0b1c2
Revises: d7b2f0a9c315
Create Date: 2026-12-03 07:30:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import mes_app.db.types
from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'd7e8f9a0b1c2'
down_revision: str | Sequence[str] | None = 'd7b2f0a9c315'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('login_challenge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('failed_count', sa.Integer(), nullable=False),
    sa.Column('used_at', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_login_challenge_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_challenge'))
    )
    with op.batch_alter_table('login_challenge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_challenge_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_login_challenge_user_id'), ['user_id'], unique=False)
    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('used_at', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_recovery_code_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_factor_secret', sqlmodel.sql.sqltypes.AutoString(length=400),
                                      nullable=True))
        batch_op.add_column(sa.Column('second_factor_on_at', mes_app.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('second_factor_last_step', sa.Integer(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('second_factor_last_step')
        batch_op.drop_column('second_factor_on_at')
        batch_op.drop_column('second_factor_secret')
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_column('user_agent')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))
    op.drop_table('recovery_code')
    with op.batch_alter_table('login_challenge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_challenge_user_id'))
        batch_op.drop_index(batch_op.f('ix_login_challenge_token_hash'))
    op.drop_table('login_challenge')
