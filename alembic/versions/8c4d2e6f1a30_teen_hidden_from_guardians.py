"""teen: entries and documents "invisible to legal representatives"; the hand-over at majority (issue 13, item 4)

Revision ID: 8c4d2e6f1a30
Revises: 8c1d2e3f4a50
Create Date: 2026-12-03 06:40:00

Every record entry table gets ``hidden_from_guardians`` (CSP L.1111-5: a minor's care kept secret
from the legal representatives), false for every existing row. The invitation table gets the
SHA-256 of the hand-over link's secret (role ``majority``: the young person takes their profile
into their own account).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '8c4d2e6f1a30'
down_revision: str | Sequence[str] | None = '8c1d2e3f4a50'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRY_TABLES = ("encounter", "condition", "treatment", "hospitalisation", "handicap", "allergy", "family_history",
                "habit", "vaccination", "measure", "document", "appointment", "lab_report")


def upgrade() -> None:
    """Upgrade schema."""
    for table in ENTRY_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('hidden_from_guardians', sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    with op.batch_alter_table('guardian_invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_guardian_invitation_token_hash'), ['token_hash'], unique=True)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('guardian_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardian_invitation_token_hash'))
        batch_op.drop_column('token_hash')
    for table in reversed(ENTRY_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('hidden_from_guardians')
