"""Formulir 4: the head's performance evaluation of a social worker, activity by activity

Creates ``worker_evaluation`` (the social worker, the evaluator, the day, the period, a
conclusion) and ``evaluation_activity`` (Formulir 4's rows: activity, its date, how it was
carried out, the rating, the recommendation). No existing row is changed.

Revision ID: 0021_worker_evaluation
Revises: 0020_intakes
Create Date: 2026-11-30 20:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0021_worker_evaluation'
down_revision = '0020_intakes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'worker_evaluation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('evaluator_id', sa.Integer(), nullable=True),
        sa.Column('evaluated_on', sa.Date(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('conclusion', sa.Text(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            'period_start IS NULL OR period_end IS NULL OR period_end >= period_start',
            name=op.f('ck_worker_evaluation_period_ordered')),
        sa.ForeignKeyConstraint(['evaluator_id'], ['staff.id'], ondelete='SET NULL',
                                name=op.f('fk_worker_evaluation_evaluator_id_staff')),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'],
                                name=op.f('fk_worker_evaluation_staff_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_evaluation')),
    )
    op.create_index(op.f('ix_worker_evaluation_staff_id'), 'worker_evaluation',
                    ['staff_id'])
    op.create_index(op.f('ix_worker_evaluation_evaluator_id'), 'worker_evaluation',
                    ['evaluator_id'])
    op.create_index(op.f('ix_worker_evaluation_evaluated_on'), 'worker_evaluation',
                    ['evaluated_on'])
    op.create_table(
        'evaluation_activity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('activity', sa.Text(), nullable=False),
        sa.Column('activity_date', sa.Date(), nullable=True),
        sa.Column('method', sa.Text(), nullable=True),
        sa.Column('rating', sa.String(length=20), nullable=False),
        sa.Column('recommendation', sa.Text(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating IN ('very_good', 'good', 'fair', 'poor')",
                           name=op.f('ck_evaluation_activity_rating')),
        sa.ForeignKeyConstraint(['evaluation_id'], ['worker_evaluation.id'],
                                ondelete='CASCADE',
                                name=op.f('fk_evaluation_activity_evaluation_id_'
                                          'worker_evaluation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_activity')),
    )
    op.create_index(op.f('ix_evaluation_activity_evaluation_id'), 'evaluation_activity',
                    ['evaluation_id'])


def downgrade():
    op.drop_index(op.f('ix_evaluation_activity_evaluation_id'),
                  table_name='evaluation_activity')
    op.drop_table('evaluation_activity')
    op.drop_index(op.f('ix_worker_evaluation_evaluated_on'), table_name='worker_evaluation')
    op.drop_index(op.f('ix_worker_evaluation_evaluator_id'), table_name='worker_evaluation')
    op.drop_index(op.f('ix_worker_evaluation_staff_id'), table_name='worker_evaluation')
    op.drop_table('worker_evaluation')
