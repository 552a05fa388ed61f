"""takeout job: the take-out archive built in the background (issue 13, item 2)

Revision ID: c4e1a7d2f903
Revises: 7a3c5e9b1d20
Create Date: 2026-12-03 06:40:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa

import mes_app.db.types
from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'c4e1a7d2f903'
down_revision: str | Sequence[str] | None = '7a3c5e9b1d20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('takeout_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_user_id', sa.Integer(), nullable=False),
    sa.Column('profile_ids', sa.String(length=2000), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('created_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('heartbeat_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('finished_at', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.Column('expires_at', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.Column('file_key', sa.String(length=64), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['user_account.id'],
                            name=op.f('fk_takeout_job_requested_by_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_takeout_job'))
    )
    with op.batch_alter_table('takeout_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_takeout_job_requested_by_user_id'), ['requested_by_user_id'],
                              unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('takeout_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_takeout_job_requested_by_user_id'))
    op.drop_table('takeout_job')
