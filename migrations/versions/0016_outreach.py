"""outreach visits (penjangkauan), their officers and the persons met

Creates ``outreach_visit``, ``outreach_officer`` and ``outreach_person``. No existing row is
changed.

Revision ID: 0016_outreach
Revises: 0015_client_documents
Create Date: 2026-11-30 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016_outreach'
down_revision = '0015_client_documents'
branch_labels = None
depends_on = None

PLACES = ('terminal', 'station', 'market', 'intersection', 'other')


def _stamps():
    return [sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
            sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False)]


def upgrade():
    listed = ", ".join(f"'{code}'" for code in PLACES)
    op.create_table(
        'outreach_visit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('place_kind', sa.String(length=20), nullable=False),
        sa.Column('place', sa.String(length=120), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('actions', sa.Text(), nullable=True),
        sa.Column('follow_up', sa.Text(), nullable=True),
        *_stamps(),
        sa.CheckConstraint(f"place_kind IN ({listed})",
                           name=op.f('ck_outreach_visit_place_kind')),
        sa.ForeignKeyConstraint(['partner_id'], ['network_partner.id'], ondelete='SET NULL',
                                name=op.f('fk_outreach_visit_partner_id_network_partner')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_visit')),
    )
    op.create_index(op.f('ix_outreach_visit_date'), 'outreach_visit', ['date'])
    op.create_index(op.f('ix_outreach_visit_partner_id'), 'outreach_visit', ['partner_id'])
    op.create_table(
        'outreach_officer',
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ondelete='CASCADE',
                                name=op.f('fk_outreach_officer_staff_id_staff')),
        sa.ForeignKeyConstraint(['visit_id'], ['outreach_visit.id'], ondelete='CASCADE',
                                name=op.f('fk_outreach_officer_visit_id_outreach_visit')),
        sa.PrimaryKeyConstraint('visit_id', 'staff_id', name=op.f('pk_outreach_officer')),
    )
    op.create_table(
        'outreach_person',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=True),
        sa.Column('description', sa.String(length=255), nullable=True),
        sa.Column('estimated_age', sa.Integer(), nullable=True),
        sa.Column('sex', sa.String(length=1), nullable=True),
        sa.Column('condition', sa.Text(), nullable=True),
        sa.Column('client_id', sa.Integer(), nullable=True),
        *_stamps(),
        sa.CheckConstraint("sex IS NULL OR sex IN ('L', 'P')",
                           name=op.f('ck_outreach_person_sex')),
        sa.CheckConstraint("name IS NOT NULL OR description IS NOT NULL",
                           name=op.f('ck_outreach_person_named')),
        sa.CheckConstraint("estimated_age IS NULL OR estimated_age BETWEEN 1 AND 120",
                           name=op.f('ck_outreach_person_age')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='SET NULL',
                                name=op.f('fk_outreach_person_client_id_client')),
        sa.ForeignKeyConstraint(['visit_id'], ['outreach_visit.id'], ondelete='CASCADE',
                                name=op.f('fk_outreach_person_visit_id_outreach_visit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_person')),
    )
    op.create_index(op.f('ix_outreach_person_client_id'), 'outreach_person', ['client_id'])
    op.create_index(op.f('ix_outreach_person_visit_id'), 'outreach_person', ['visit_id'])


def downgrade():
    op.drop_index(op.f('ix_outreach_person_visit_id'), table_name='outreach_person')
    op.drop_index(op.f('ix_outreach_person_client_id'), table_name='outreach_person')
    op.drop_table('outreach_person')
    op.drop_table('outreach_officer')
    op.drop_index(op.f('ix_outreach_visit_partner_id'), table_name='outreach_visit')
    op.drop_index(op.f('ix_outreach_visit_date'), table_name='outreach_visit')
    op.drop_table('outreach_visit')
