"""attendance: an index on the guidance meetings' day

A month's reports (the monthly report's activity and ATENSI sheets, the Dasbor) find the
guidance attendance of the month by ``guidance_date``; without an index they read every
attendance row, so the month cost more with every year of history. No row is changed.

Revision ID: 0032_guidance_date_index
Revises: 0031_client_search
Create Date: 2026-12-01 00:50:00

"""
from alembic import op


revision = '0032_guidance_date_index'
down_revision = '0031_client_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_attendance_guidance_date'), 'attendance', ['guidance_date'])


def downgrade():
    op.drop_index(op.f('ix_attendance_guidance_date'), table_name='attendance')
