"""closing and deleting (issue 13, item 3): closure notices; a message outlives its author's account

Revision ID: c1d2e3f4a5b6
Revises: c4e1a7d2f903
Create Date: 2026-12-03 06:30:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa

import mes_app.db.types
from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'c1d2e3f4a5b6'
down_revision: str | Sequence[str] | None = 'c4e1a7d2f903'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('closure_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('closed_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_closure_notice_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure_notice'))
    )
    with op.batch_alter_table('closure_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closure_notice_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.alter_column('author_user_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DELETE FROM message WHERE author_user_id IS NULL")
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.alter_column('author_user_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('closure_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closure_notice_user_id'))
    op.drop_table('closure_notice')
