"""reports from the people around the client: caregiver, health check, skill assessment

Creates ``staff_report`` (client, author, kind — the dorm caregiver's report, a health check
by the doctor or nurse, the instructor's skill assessment —, day, the class and level of a
skill assessment, content and recommendation). No existing row is changed.

Revision ID: 0027_staff_reports
Revises: 0026_terminations
Create Date: 2026-11-30 21:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0027_staff_reports'
down_revision = '0026_terminations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staff_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('class_id', sa.Integer(), nullable=True),
        sa.Column('skill_level', sa.String(length=20), nullable=True),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('recommendation', sa.Text(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('caregiver', 'health', 'skill')",
                           name=op.f('ck_staff_report_kind')),
        sa.CheckConstraint("skill_level IS NULL OR skill_level IN ('very_skilled', 'skilled', "
                           "'fair', 'not_yet')", name=op.f('ck_staff_report_skill_level')),
        sa.CheckConstraint(
            "kind <> 'skill' OR (class_id IS NOT NULL AND skill_level IS NOT NULL)",
            name=op.f('ck_staff_report_skill_names_class_and_level')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'],
                                name=op.f('fk_staff_report_client_id_client')),
        sa.ForeignKeyConstraint(['author_id'], ['staff.id'], ondelete='SET NULL',
                                name=op.f('fk_staff_report_author_id_staff')),
        sa.ForeignKeyConstraint(['class_id'], ['training_class.id'], ondelete='SET NULL',
                                name=op.f('fk_staff_report_class_id_training_class')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_report')),
    )
    for column in ('client_id', 'author_id', 'date', 'class_id'):
        op.create_index(op.f(f'ix_staff_report_{column}'), 'staff_report', [column])


def downgrade():
    for column in ('client_id', 'author_id', 'date', 'class_id'):
        op.drop_index(op.f(f'ix_staff_report_{column}'), table_name='staff_report')
    op.drop_table('staff_report')
