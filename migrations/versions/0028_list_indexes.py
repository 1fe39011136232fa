"""list indexes: the enrollment list's default order read from an index

Creates ``ix_enrollment_enrolled_on`` on ``enrollment (enrolled_on, id)``: the enrollment list
is sorted newest first with the id settling ties, and without an index every page sorted the
whole table. No row is changed.

Revision ID: 0028_list_indexes
Revises: 0027_staff_reports
Create Date: 2026-11-30 21:00:00

"""
from alembic import op


revision = '0028_list_indexes'
down_revision = '0027_staff_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_enrollment_enrolled_on', 'enrollment', ['enrolled_on', 'id'])


def downgrade():
    op.drop_index('ix_enrollment_enrolled_on', table_name='enrollment')
