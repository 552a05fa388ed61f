"""fhir api: connected software, used jti, access tokens, intake (issue 12 item 2)

Revision ID: 9f1e2d3c4b5a
Revises: c1d2e3f4a5b6
Create Date: 2026-12-03 06:40:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa

import mes_app.db.types
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '9f1e2d3c4b5a'
down_revision: str | Sequence[str] | None = 'c1d2e3f4a5b6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('connected_software',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('jwks', sa.Text(), nullable=False),
    sa.Column('created_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', mes_app.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['owner_user_id'], ['user_account.id'],
                            name=op.f('fk_connected_software_owner_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connected_software'))
    )
    with op.batch_alter_table('connected_software', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connected_software_client_id'), ['client_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_connected_software_owner_user_id'), ['owner_user_id'], unique=False)
    op.create_table('fhir_used_jti',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('jti', sa.String(length=255), nullable=False),
    sa.Column('expires_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fhir_used_jti')),
    sa.UniqueConstraint('client_id', 'jti', name='uq_fhir_used_jti_client_jti')
    )
    with op.batch_alter_table('fhir_used_jti', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fhir_used_jti_expires_at'), ['expires_at'], unique=False)
    op.create_table('fhir_access_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('software_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.String(length=1000), nullable=False),
    sa.Column('expires_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['software_id'], ['connected_software.id'],
                            name=op.f('fk_fhir_access_token_software_id_connected_software')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fhir_access_token'))
    )
    with op.batch_alter_table('fhir_access_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fhir_access_token_software_id'), ['software_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fhir_access_token_token_hash'), ['token_hash'], unique=True)
    op.create_table('fhir_intake',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('software_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('resource_type', sa.String(length=40), nullable=False),
    sa.Column('identifier_system', sa.String(length=255), nullable=True),
    sa.Column('identifier_value', sa.String(length=255), nullable=True),
    sa.Column('target_kind', sa.String(length=30), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', mes_app.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profile.id'], name=op.f('fk_fhir_intake_profile_id_profile')),
    sa.ForeignKeyConstraint(['software_id'], ['connected_software.id'],
                            name=op.f('fk_fhir_intake_software_id_connected_software')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fhir_intake'))
    )
    with op.batch_alter_table('fhir_intake', schema=None) as batch_op:
        batch_op.create_index('ix_fhir_intake_identifier',
                              ['profile_id', 'resource_type', 'identifier_system', 'identifier_value'], unique=False)
        batch_op.create_index(batch_op.f('ix_fhir_intake_software_id'), ['software_id'], unique=False)
        batch_op.create_index('ix_fhir_intake_target', ['target_kind', 'target_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('fhir_intake', schema=None) as batch_op:
        batch_op.drop_index('ix_fhir_intake_target')
        batch_op.drop_index(batch_op.f('ix_fhir_intake_software_id'))
        batch_op.drop_index('ix_fhir_intake_identifier')
    op.drop_table('fhir_intake')
    with op.batch_alter_table('fhir_access_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fhir_access_token_token_hash'))
        batch_op.drop_index(batch_op.f('ix_fhir_access_token_software_id'))
    op.drop_table('fhir_access_token')
    with op.batch_alter_table('fhir_used_jti', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fhir_used_jti_expires_at'))
    op.drop_table('fhir_used_jti')
    with op.batch_alter_table('connected_software', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connected_software_owner_user_id'))
        batch_op.drop_index(batch_op.f('ix_connected_software_client_id'))
    op.drop_table('connected_software')
