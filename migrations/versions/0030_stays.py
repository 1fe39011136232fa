"""stays: a person admitted again begins a new stay; each case record names its stay

Adds ``client.stay`` (the current stay's number, 1 for every existing client), the table
``client_stay`` (stays that ended, written when the person is admitted again), and a
``stay`` column (1 for every existing row) on each record of a case. Selection, service
plan and termination become one per stay instead of one per client, a waived letter one per
stay and letter type. ``duplicate_decision`` records the choice made ("different" for every
existing row: that was the only choice). No existing value is changed.

Revision ID: 0030_stays
Revises: 0029_atensi
Create Date: 2026-12-01 00:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0030_stays'
down_revision = '0029_atensi'
branch_labels = None
depends_on = None

STAY_TABLES = ('aftercare_visit', 'case_note', 'service_contract', 'conference_decision',
               'emergency_change', 'client_document', 'placement', 'service_plan', 'referral',
               'selection', 'letter_waiver', 'staff_report', 'stage_move', 'termination')
# Tables whose one-per-client unique constraint becomes one per stay.
PER_STAY = {'selection': ['client_id'], 'service_plan': ['client_id'],
            'termination': ['client_id'], 'letter_waiver': ['client_id', 'type_id']}


def _name(table, columns):
    return f"uq_{table}_{'_'.join(columns)}"


def upgrade():
    with op.batch_alter_table('client') as batch:
        batch.add_column(sa.Column('stay', sa.Integer(), nullable=False, server_default='1'))
        batch.create_check_constraint(op.f('ck_client_stay_positive'), 'stay > 0')
    for table in STAY_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('stay', sa.Integer(), nullable=False,
                                       server_default='1'))
            if table in PER_STAY:
                old = PER_STAY[table]
                new = [old[0], 'stay', *old[1:]]
                batch.drop_constraint(_name(table, old), type_='unique')
                batch.create_unique_constraint(_name(table, new), new)
    op.create_table(
        'client_stay',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('cohort', sa.Integer(), nullable=True),
        sa.Column('admission_date', sa.Date(), nullable=True),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('referral_source', sa.String(length=20), nullable=True),
        sa.Column('arrival_condition', sa.Text(), nullable=True),
        sa.Column('belongings', sa.Text(), nullable=True),
        sa.Column('social_worker_id', sa.Integer(), nullable=True),
        sa.Column('room_id', sa.Integer(), nullable=True),
        sa.Column('termination_date', sa.Date(), nullable=True),
        sa.Column('termination_reason', sa.String(length=30), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('number > 0', name=op.f('ck_client_stay_number_positive')),
        sa.CheckConstraint(
            "stage IN ('approach', 'admission', 'assessment', 'planning', 'contract', "
            "'intervention', 'case_conference', 'resocialization', 'termination', 'aftercare')",
            name=op.f('ck_client_stay_stage')),
        sa.CheckConstraint(
            "referral_source IS NULL OR referral_source IN ('dinsos', 'satpol_pp', 'police', "
            "'health', 'village', 'family', 'self', 'outreach', 'other')",
            name=op.f('ck_client_stay_referral_source')),
        sa.CheckConstraint(
            "termination_reason IS NULL OR termination_reason IN ('goals_achieved', "
            "'not_eligible', 'refused_absconded', 'illness_referral', 'worker_breakdown', "
            "'own_will', 'period_ended')",
            name=op.f('ck_client_stay_termination_reason')),
        sa.CheckConstraint('cohort IS NULL OR cohort > 0',
                           name=op.f('ck_client_stay_cohort_positive')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE',
                                name=op.f('fk_client_stay_client_id_client')),
        sa.ForeignKeyConstraint(['social_worker_id'], ['staff.id'], ondelete='SET NULL',
                                name=op.f('fk_client_stay_social_worker_id_staff')),
        sa.ForeignKeyConstraint(['room_id'], ['room.id'], ondelete='SET NULL',
                                name=op.f('fk_client_stay_room_id_room')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_client_stay')),
        sa.UniqueConstraint('client_id', 'number', name=op.f('uq_client_stay_client_id_number')),
    )
    op.create_index(op.f('ix_client_stay_client_id'), 'client_stay', ['client_id'])
    op.create_index(op.f('ix_client_stay_admission_date'), 'client_stay', ['admission_date'])
    op.create_index(op.f('ix_client_stay_termination_date'), 'client_stay',
                    ['termination_date'])
    with op.batch_alter_table('duplicate_decision') as batch:
        batch.add_column(sa.Column('choice', sa.String(length=10), nullable=False,
                                   server_default='different'))
        batch.create_check_constraint(op.f('ck_duplicate_decision_choice'),
                                      "choice IN ('different', 'same')")


def downgrade():
    with op.batch_alter_table('duplicate_decision') as batch:
        batch.drop_constraint(op.f('ck_duplicate_decision_choice'), type_='check')
        batch.drop_column('choice')
    op.drop_table('client_stay')
    for table in STAY_TABLES:
        with op.batch_alter_table(table) as batch:
            if table in PER_STAY:
                old = PER_STAY[table]
                batch.drop_constraint(_name(table, [old[0], 'stay', *old[1:]]), type_='unique')
                batch.create_unique_constraint(_name(table, old), old)
            batch.drop_column('stay')
    with op.batch_alter_table('client') as batch:
        batch.drop_constraint(op.f('ck_client_stay_positive'), type_='check')
        batch.drop_column('stay')
