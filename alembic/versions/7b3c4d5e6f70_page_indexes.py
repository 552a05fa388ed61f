"""page indexes: each list of a profile read newest first, one page at a time (issue 10, item 2)

Revision ID: 7b3c4d5e6f70
Revises: 5e1d0a7c9b21
Create Date: 2026-12-02 23:55:00.000000

"""
from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '7b3c4d5e6f70'
down_revision: str | Sequence[str] | None = '5e1d0a7c9b21'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_encounter_profile_time", "encounter", ["profile_id", "occurred_at"]),
    ("ix_hospitalisation_profile_date", "hospitalisation", ["profile_id", "admitted_on"]),
    ("ix_vaccination_profile_date", "vaccination", ["profile_id", "given_on"]),
    ("ix_measure_profile_kind_time", "measure", ["profile_id", "kind", "measured_at"]),
    ("ix_document_profile_date", "document", ["profile_id", "document_date"]),
    ("ix_appointment_profile_time", "appointment", ["profile_id", "starts_at"]),
)


def upgrade() -> None:
    """Upgrade schema."""
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
