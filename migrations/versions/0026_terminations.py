"""termination steps: the statement letter, the aid package, closing the case record

Creates ``termination`` (one per client: the letter's date and statement, the aid package's
recipient, day and who handed it over — or why there was none —, closed by the social worker
and confirmed by the head, each with the day) and ``aid_item`` (the package's items and their
value in rupiah). No existing row is changed.

Revision ID: 0026_terminations
Revises: 0025_placements
Create Date: 2026-11-30 21:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0026_terminations'
down_revision = '0025_placements'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'termination',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('letter_date', sa.Date(), nullable=True),
        sa.Column('statement', sa.Text(), nullable=True),
        sa.Column('aid_recipient', sa.String(length=120), nullable=True),
        sa.Column('aid_handed_on', sa.Date(), nullable=True),
        sa.Column('aid_handed_by_id', sa.Integer(), nullable=True),
        sa.Column('no_aid_reason', sa.Text(), nullable=True),
        sa.Column('closed_on', sa.Date(), nullable=True),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_on', sa.Date(), nullable=True),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('letter_date IS NULL OR closed_on IS NULL OR closed_on >= letter_date',
                           name=op.f('ck_termination_closed_after_letter')),
        sa.CheckConstraint('closed_on IS NOT NULL OR confirmed_on IS NULL',
                           name=op.f('ck_termination_confirmed_after_closed')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'],
                                name=op.f('fk_termination_client_id_client')),
        sa.ForeignKeyConstraint(['aid_handed_by_id'], ['staff.id'], ondelete='SET NULL',
                                name=op.f('fk_termination_aid_handed_by_id_staff')),
        sa.ForeignKeyConstraint(['closed_by_id'], ['staff.id'], ondelete='SET NULL',
                                name=op.f('fk_termination_closed_by_id_staff')),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['staff.id'], ondelete='SET NULL',
                                name=op.f('fk_termination_confirmed_by_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_termination')),
        sa.UniqueConstraint('client_id', name=op.f('uq_termination_client_id')),
    )
    op.create_table(
        'aid_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('termination_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('item', sa.String(length=200), nullable=False),
        sa.Column('value', sa.Integer(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('value IS NULL OR value >= 0', name=op.f('ck_aid_item_value_positive')),
        sa.ForeignKeyConstraint(['termination_id'], ['termination.id'], ondelete='CASCADE',
                                name=op.f('fk_aid_item_termination_id_termination')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_item')),
    )
    op.create_index(op.f('ix_aid_item_termination_id'), 'aid_item', ['termination_id'])


def downgrade():
    op.drop_index(op.f('ix_aid_item_termination_id'), table_name='aid_item')
    op.drop_table('aid_item')
    op.drop_table('termination')
