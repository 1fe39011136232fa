"""audit entries of child rows point at their parent record

A plan goal's changes show on the plan's history page: the audit log gains the parent
record's table and id (empty for existing entries). No row is changed.

Revision ID: 0009_audit_parent
Revises: 0008_register_counter
Create Date: 2026-11-30 08:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_audit_parent'
down_revision = '0008_register_counter'
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN needs no table rebuild on SQLite, so existing entries stay as they are.
    op.add_column('audit_log', sa.Column('parent_table', sa.String(length=50), nullable=True))
    op.add_column('audit_log', sa.Column('parent_id', sa.Integer(), nullable=True))
    op.create_index('ix_audit_log_parent', 'audit_log', ['parent_table', 'parent_id'])


def downgrade():
    op.drop_index('ix_audit_log_parent', table_name='audit_log')
    with op.batch_alter_table('audit_log') as batch_op:
        batch_op.drop_column('parent_id')
        batch_op.drop_column('parent_table')
