"""shl file location: a SMART Health Links file given as a one-time ``location`` URL (issue 13, item 5)

Revision ID: 7a3c5e9b1d20
Revises: 6a2b3c4d5e6f
Create Date: 2026-12-03 00:20:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa

import mes_app.db.types
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '7a3c5e9b1d20'
down_revision: str | Sequence[str] | None = '6a2b3c4d5e6f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('shl_file_location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('share_link_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('recipient', sa.String(length=120), nullable=False),
    sa.Column('jwe', sa.Text(), nullable=True),
    sa.Column('created_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('used_at', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['share_link_id'], ['share_link.id'],
                            name=op.f('fk_shl_file_location_share_link_id_share_link')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shl_file_location'))
    )
    with op.batch_alter_table('shl_file_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shl_file_location_share_link_id'), ['share_link_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shl_file_location_token_hash'), ['token_hash'], unique=True)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('shl_file_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shl_file_location_token_hash'))
        batch_op.drop_index(batch_op.f('ix_shl_file_location_share_link_id'))
    op.drop_table('shl_file_location')
