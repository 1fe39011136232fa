"""the stage timeline: every move of a client through the service stages

Creates ``stage_move`` and gives every existing client its first entry: the stage it is in
now, from its admission date (or the day its record was made), by no user, with a note that
the history begins there. No existing row is changed.

Revision ID: 0012_stage_moves
Revises: 0011_decision_draft
Create Date: 2026-11-30 15:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_stage_moves'
down_revision = '0011_decision_draft'
branch_labels = None
depends_on = None

STAGES = ('approach', 'admission', 'assessment', 'planning', 'contract', 'intervention',
          'case_conference', 'resocialization', 'termination', 'aftercare')
REASONS = ('goals_achieved', 'not_eligible', 'refused_absconded', 'illness_referral',
           'worker_breakdown', 'own_will', 'period_ended')


def _in(column, codes, nullable=False):
    listed = ", ".join(f"'{code}'" for code in codes)
    return f"{column} IS NULL OR {column} IN ({listed})" if nullable else \
        f"{column} IN ({listed})"


def upgrade():
    op.create_table(
        'stage_move',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('from_stage', sa.String(length=20), nullable=True),
        sa.Column('to_stage', sa.String(length=20), nullable=False),
        sa.Column('moved_on', sa.Date(), nullable=False),
        sa.Column('moved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('moved_by_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=80), nullable=True),
        sa.Column('reason', sa.String(length=30), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.CheckConstraint(_in('from_stage', STAGES, True), name=op.f('ck_stage_move_from_stage')),
        sa.CheckConstraint(_in('to_stage', STAGES), name=op.f('ck_stage_move_to_stage')),
        sa.CheckConstraint(_in('reason', REASONS, True), name=op.f('ck_stage_move_reason')),
        sa.CheckConstraint('from_stage IS NULL OR from_stage <> to_stage',
                           name=op.f('ck_stage_move_moves')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE',
                                name=op.f('fk_stage_move_client_id_client')),
        sa.ForeignKeyConstraint(['moved_by_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_stage_move_moved_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_move')),
    )
    op.create_index('ix_stage_move_client_id_moved_at', 'stage_move', ['client_id', 'moved_at'])
    # Every client's history begins with the stage it is in now.
    made_on = "DATE(created_at)" if op.get_bind().dialect.name == "sqlite" else \
        "CAST(created_at AS DATE)"
    op.execute(
        "INSERT INTO stage_move (client_id, from_stage, to_stage, moved_on, moved_at, actor, "
        f"reason, note) SELECT id, NULL, stage, COALESCE(admission_date, {made_on}), "
        "created_at, 'migrasi 0012', CASE WHEN stage IN ('termination', 'aftercare') "
        "THEN termination_reason END, 'Tahap saat riwayat tahap mulai dicatat.' FROM client")


def downgrade():
    op.drop_index('ix_stage_move_client_id_moved_at', table_name='stage_move')
    op.drop_table('stage_move')
