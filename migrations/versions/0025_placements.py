"""placements (penyaluran): where a client goes at the end of the programme

Creates ``placement`` (client, social worker, kind — back to the family, a job, an own
business, an apprenticeship —, the partner, address, contact, start date, the placement
plan and meeting summary, and the reason when the partner had no MoU in force). No
existing row is changed.

Revision ID: 0025_placements
Revises: 0024_aftercare
Create Date: 2026-11-30 22:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0025_placements'
down_revision = '0024_aftercare'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'placement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('social_worker_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('address', sa.String(length=255), nullable=False),
        sa.Column('contact', sa.String(length=120), nullable=True),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('plan', sa.Text(), nullable=True),
        sa.Column('meeting_summary', sa.Text(), nullable=True),
        sa.Column('without_mou_reason', sa.Text(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('family', 'job', 'own_business', 'apprenticeship')",
                           name=op.f('ck_placement_kind')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'],
                                name=op.f('fk_placement_client_id_client')),
        sa.ForeignKeyConstraint(['partner_id'], ['network_partner.id'],
                                name=op.f('fk_placement_partner_id_network_partner')),
        sa.ForeignKeyConstraint(['social_worker_id'], ['staff.id'], ondelete='SET NULL',
                                name=op.f('fk_placement_social_worker_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_placement')),
    )
    for column in ('client_id', 'social_worker_id', 'partner_id', 'start_date'):
        op.create_index(op.f(f'ix_placement_{column}'), 'placement', [column])


def downgrade():
    for column in ('client_id', 'social_worker_id', 'partner_id', 'start_date'):
        op.drop_index(op.f(f'ix_placement_{column}'), table_name='placement')
    op.drop_table('placement')
