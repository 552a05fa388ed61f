"""running the service (issue 15): professionals' status, profession and workplace, the operator's
lock on an account, the operator actions log, notification preferences and the e-mail outbox.
Professionals who existed before are verified (they were created by the seed or by hand).

Revision ID: e1f2a3b4c5d6
Revises: d7e8f9a0b1c2
Create Date: 2026-12-03 15:30:02.335997

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import mes_app.db.types
from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'e1f2a3b4c5d6'
down_revision: str | Sequence[str] | None = 'd7e8f9a0b1c2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('notification_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('due_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_until', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.Column('sent_at', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.Column('digest_key', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_job_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_job')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notification_job_dedupe_key'))
    )
    with op.batch_alter_table('notification_job', schema=None) as batch_op:
        batch_op.create_index('ix_notification_job_pending', ['sent_at', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_job_user_id'), ['user_id'], unique=False)

    op.create_table('notification_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('cadence', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_preference_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preference')),
    sa.UniqueConstraint('user_id', 'kind', name='uq_notification_preference_user_kind')
    )
    with op.batch_alter_table('notification_preference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_preference_user_id'), ['user_id'], unique=False)

    op.create_table('operator_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('operator_user_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('target_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['operator_user_id'], ['user_account.id'], name=op.f('fk_operator_action_operator_user_id_user_account')),
    sa.ForeignKeyConstraint(['target_user_id'], ['user_account.id'], name=op.f('fk_operator_action_target_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_action'))
    )
    with op.batch_alter_table('operator_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_action_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_operator_action_target_user_id'), ['target_user_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('professional_status', sqlmodel.sql.sqltypes.AutoString(length=12),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('profession', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))
        batch_op.add_column(sa.Column('workplace', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('locked_by_operator_at', mes_app.db.types.UTCDateTime(), nullable=True))
    op.execute("UPDATE user_account SET professional_status = 'verified' WHERE role = 'professional'")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('locked_by_operator_at')
        batch_op.drop_column('workplace')
        batch_op.drop_column('profession')
        batch_op.drop_column('professional_status')

    with op.batch_alter_table('operator_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operator_action_target_user_id'))
        batch_op.drop_index(batch_op.f('ix_operator_action_occurred_at'))

    op.drop_table('operator_action')
    with op.batch_alter_table('notification_preference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_preference_user_id'))

    op.drop_table('notification_preference')
    with op.batch_alter_table('notification_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_job_user_id'))
        batch_op.drop_index('ix_notification_job_pending')

    op.drop_table('notification_job')
