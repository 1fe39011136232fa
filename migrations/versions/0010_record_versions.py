"""record versions: a row_version counter on every record a form edits

Each edited table gains ``row_version`` (NOT NULL, 1 for every existing row), which the ORM
increments on every UPDATE and checks in its WHERE clause, so an edit made from an outdated
reading is refused instead of silently undoing another user's save.

The column is added with a plain ALTER TABLE ... ADD COLUMN on both SQLite and PostgreSQL:
no table is rebuilt, so SQLite's foreign keys (ON here) cannot cascade a rebuild's DROP TABLE
into child rows. Downgrade drops the column the same way (SQLite >= 3.35).

Revision ID: 0010_record_versions
Revises: 0009_audit_parent
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_record_versions'
down_revision = '0009_audit_parent'
branch_labels = None
depends_on = None

TABLES = (
    'attendance', 'case_conference', 'case_note', 'client', 'conference_decision',
    'emergency_change', 'enrollment', 'guidance_schedule', 'holiday', 'network_partner',
    'plan_goal', 'recreation_activity', 'room', 'service_contract', 'service_plan', 'setting',
    'skill_type', 'staff', 'training_class', 'training_session', 'user_account',
)


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('row_version', sa.Integer(), nullable=False,
                                       server_default='1'))


def downgrade():
    for table in TABLES:
        op.drop_column(table, 'row_version')
