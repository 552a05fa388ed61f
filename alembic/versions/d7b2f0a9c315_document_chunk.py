"""document store in PostgreSQL (issue 14, item 3): document_chunk

Revision ID: d7b2f0a9c315
Revises: d7a1f3c5e902
Create Date: 2026-12-03 07:40:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'd7b2f0a9c315'
down_revision: str | Sequence[str] | None = 'd7a1f3c5e902'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('document_chunk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('blob_key', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_chunk')),
    sa.UniqueConstraint('blob_key', 'seq', name=op.f('uq_document_chunk_blob_key'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('document_chunk')
