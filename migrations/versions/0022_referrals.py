"""referrals (rujukan): a client referred to a network partner and the partner's answer

Creates ``referral`` (client, partner, the social worker who referred, the day, the reason,
the status — sent, received, completed or declined — and the partner's feedback with its
day). An answered referral must carry the feedback (a check). No existing row is changed.

Revision ID: 0022_referrals
Revises: 0021_worker_evaluation
Create Date: 2026-11-30 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0022_referrals'
down_revision = '0021_worker_evaluation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'referral',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('social_worker_id', sa.Integer(), nullable=True),
        sa.Column('referred_on', sa.Date(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('feedback', sa.Text(), nullable=True),
        sa.Column('feedback_on', sa.Date(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('sent', 'received', 'completed', 'declined')",
                           name=op.f('ck_referral_status')),
        sa.CheckConstraint(
            'referred_on IS NULL OR feedback_on IS NULL OR feedback_on >= referred_on',
            name=op.f('ck_referral_feedback_after_referral')),
        sa.CheckConstraint("status NOT IN ('completed', 'declined') OR feedback IS NOT NULL",
                           name=op.f('ck_referral_answered_has_feedback')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'],
                                name=op.f('fk_referral_client_id_client')),
        sa.ForeignKeyConstraint(['partner_id'], ['network_partner.id'],
                                name=op.f('fk_referral_partner_id_network_partner')),
        sa.ForeignKeyConstraint(['social_worker_id'], ['staff.id'], ondelete='SET NULL',
                                name=op.f('fk_referral_social_worker_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_referral')),
    )
    for column in ('client_id', 'partner_id', 'social_worker_id', 'referred_on', 'status'):
        op.create_index(op.f(f'ix_referral_{column}'), 'referral', [column])


def downgrade():
    for column in ('client_id', 'partner_id', 'social_worker_id', 'referred_on', 'status'):
        op.drop_index(op.f(f'ix_referral_{column}'), table_name='referral')
    op.drop_table('referral')
