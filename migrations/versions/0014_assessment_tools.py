"""an assessment note names the tools it used (genogram, ecomap, tests)

Adds ``case_note.tools`` (empty for every existing note) and its check: only assessment
notes have tools. No row is changed.

Revision ID: 0014_assessment_tools
Revises: 0013_duplicate_keys
Create Date: 2026-11-30 15:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014_assessment_tools'
down_revision = '0013_duplicate_keys'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_note') as batch_op:
        batch_op.add_column(sa.Column('tools', sa.String(length=255), nullable=True))
        batch_op.create_check_constraint(op.f('ck_case_note_tools_only_assessment'),
                                         "kind = 'assessment' OR tools IS NULL")


def downgrade():
    with op.batch_alter_table('case_note') as batch_op:
        batch_op.drop_constraint(op.f('ck_case_note_tools_only_assessment'), type_='check')
        batch_op.drop_column('tools')
