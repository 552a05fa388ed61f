"""record import: entries added from a FHIR file brought by the patient (issue 12 item 3)

Revision ID: d7a1f3c5e902
Revises: 8c4d2e6f1a30
Create Date: 2026-12-03 07:50:00

"""
from collections.abc import Sequence

import sqlalchemy as sa

import mes_app.db.types
from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'd7a1f3c5e902'
down_revision: str | Sequence[str] | None = '8c4d2e6f1a30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('record_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('resource_type', sa.String(length=40), nullable=False),
    sa.Column('dedup_key', sa.String(length=255), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('target_kind', sa.String(length=30), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profile.id'], name=op.f('fk_record_import_profile_id_profile')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_import'))
    )
    with op.batch_alter_table('record_import', schema=None) as batch_op:
        batch_op.create_index('ix_record_import_key', ['profile_id', 'dedup_key'], unique=False)
        batch_op.create_index('ix_record_import_target', ['target_kind', 'target_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('record_import', schema=None) as batch_op:
        batch_op.drop_index('ix_record_import_target')
        batch_op.drop_index('ix_record_import_key')
    op.drop_table('record_import')
