"""attendance: an index on (code, id)

The attendance list offers a sort by code (H, I, S, A); without an index the database sorted
every attendance row for each page (seconds at millions of rows). With it, a page is read in
order. No row is changed.

Revision ID: 0033_attendance_code_index
Revises: 0032_guidance_date_index
Create Date: 2026-12-01 03:20:00

"""
from alembic import op


revision = '0033_attendance_code_index'
down_revision = '0032_guidance_date_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_attendance_code_id', 'attendance', ['code', 'id'])


def downgrade():
    op.drop_index('ix_attendance_code_id', table_name='attendance')
