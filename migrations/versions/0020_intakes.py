"""intakes (angkatan): each with the day its recruitment starts

Creates ``intake`` (number, the clients' cohort number; the day its outreach month begins;
a note). The first month of an intake asks for an outreach visit every week. No existing row
is changed.

Revision ID: 0020_intakes
Revises: 0019_assessment_attachments
Create Date: 2026-11-30 18:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0020_intakes'
down_revision = '0019_assessment_attachments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'intake',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('number > 0', name=op.f('ck_intake_number_positive')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_intake')),
        sa.UniqueConstraint('number', name=op.f('uq_intake_number')),
    )
    op.create_index(op.f('ix_intake_starts_on'), 'intake', ['starts_on'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_intake_starts_on'), table_name='intake')
    op.drop_table('intake')
