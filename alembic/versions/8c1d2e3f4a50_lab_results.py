"""lab results: reports and their values (issue 12)

Revision ID: 8c1d2e3f4a50
Revises: 9f1e2d3c4b5a
Create Date: 2026-12-03 06:26:12.467307

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes

import mes_app.db.types
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '8c1d2e3f4a50'
down_revision: str | Sequence[str] | None = '9f1e2d3c4b5a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('lab_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('author_role', sqlmodel.sql.sqltypes.AutoString(length=15), nullable=False),
    sa.Column('created_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('hidden_from_professionals', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('lab_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('collected_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('issued_at', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.Column('identifier', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=15), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_user_id'], ['user_account.id'], name=op.f('fk_lab_report_author_user_id_user_account')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_lab_report_document_id_document')),
    sa.ForeignKeyConstraint(['profile_id'], ['profile.id'], name=op.f('fk_lab_report_profile_id_profile')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lab_report'))
    )
    with op.batch_alter_table('lab_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lab_report_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lab_report_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index('ix_lab_report_profile_time', ['profile_id', 'collected_at'], unique=False)

    op.create_table('lab_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('test_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('loinc_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('value_text', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('ref_low', sa.Float(), nullable=True),
    sa.Column('ref_high', sa.Float(), nullable=True),
    sa.Column('ref_text', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('interpretation', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('interpretation_computed', sa.Boolean(), nullable=False),
    sa.Column('collected_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profile.id'], name=op.f('fk_lab_result_profile_id_profile')),
    sa.ForeignKeyConstraint(['report_id'], ['lab_report.id'], name=op.f('fk_lab_result_report_id_lab_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lab_result'))
    )
    with op.batch_alter_table('lab_result', schema=None) as batch_op:
        batch_op.create_index('ix_lab_result_profile_test_time', ['profile_id', 'test_key', 'collected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lab_result_report_id'), ['report_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('lab_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lab_result_report_id'))
        batch_op.drop_index('ix_lab_result_profile_test_time')

    op.drop_table('lab_result')
    with op.batch_alter_table('lab_report', schema=None) as batch_op:
        batch_op.drop_index('ix_lab_report_profile_time')
        batch_op.drop_index(batch_op.f('ix_lab_report_profile_id'))
        batch_op.drop_index(batch_op.f('ix_lab_report_document_id'))

    op.drop_table('lab_report')
