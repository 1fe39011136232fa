"""a KK decision recorded before the KK's date is a draft

Decisions gain a draft mark (false for every existing one: they took effect when saved).
No row is changed.

Revision ID: 0011_decision_draft
Revises: 0010_record_versions
Create Date: 2026-11-30 12:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_decision_draft'
down_revision = '0010_record_versions'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('conference_decision', sa.Column('draft', sa.Boolean(), nullable=False,
                                                   server_default='0'))


def downgrade():
    with op.batch_alter_table('conference_decision') as batch_op:
        batch_op.drop_column('draft')
