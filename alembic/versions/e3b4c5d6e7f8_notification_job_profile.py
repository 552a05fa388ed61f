"""notification_job.profile_id: the profile an e-mail to send tells about, so that closing the
profile erases its mails still waiting (like every other row of the profile)

Revision ID: e3b4c5d6e7f8
Revises: e2a3b4c5d6e7
Create Date: 2026-12-03 17:00:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'e3b4c5d6e7f8'
down_revision: str | Sequence[str] | None = 'e2a3b4c5d6e7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('notification_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_job_profile_id'), ['profile_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notification_job_profile_id_profile'), 'profile',
                                    ['profile_id'], ['id'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('notification_job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_job_profile_id_profile'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notification_job_profile_id'))
        batch_op.drop_column('profile_id')
