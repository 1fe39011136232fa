"""the register number is issued at admission: a candidate has none

``client.register_number`` may be empty, and a check keeps it filled for every client past
stage 1 (an admitted client always has one; a candidate, or one who left from stage 1, may
not). Existing clients all have numbers and keep them: no row is changed.

Downgrading gives every client without a number one of the form ``CALON-<id>`` (recorded as
issued, so it is never reused), since the older schema needs one on every client.

Revision ID: 0018_number_at_admission
Revises: 0017_selection
Create Date: 2026-11-30 18:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018_number_at_admission'
down_revision = '0017_selection'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.alter_column('register_number', existing_type=sa.String(length=20),
                              nullable=True)
        batch_op.create_check_constraint(
            op.f('ck_client_admitted_has_number'),
            "register_number IS NOT NULL OR stage IN ('approach', 'termination')")


def downgrade():
    op.execute("INSERT INTO register_number (number, issued_at) "
               "SELECT 'CALON-' || id, CURRENT_TIMESTAMP FROM client "
               "WHERE register_number IS NULL")
    op.execute("UPDATE client SET register_number = 'CALON-' || id "
               "WHERE register_number IS NULL")
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_client_admitted_has_number'), type_='check')
        batch_op.alter_column('register_number', existing_type=sa.String(length=20),
                              nullable=False)
