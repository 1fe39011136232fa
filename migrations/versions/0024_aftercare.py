"""aftercare (bimbingan lanjut): the visits planned after termination and their outcome

Creates ``aftercare_visit`` (client, social worker, the months after termination it was
planned at, the planned day, the day done, how — home or workplace visit, phone, group,
advocacy —, outcome and next step). A visit done must say how and its outcome (a check). No
existing row is changed.

Revision ID: 0024_aftercare
Revises: 0023_user_email
Create Date: 2026-11-30 21:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0024_aftercare'
down_revision = '0023_user_email'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'aftercare_visit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('social_worker_id', sa.Integer(), nullable=True),
        sa.Column('months_after', sa.Integer(), nullable=True),
        sa.Column('planned_on', sa.Date(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=True),
        sa.Column('outcome', sa.Text(), nullable=True),
        sa.Column('next_step', sa.Text(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IS NULL OR kind IN ('home_visit', 'workplace_visit', 'phone', 'group', "
            "'advocacy')", name=op.f('ck_aftercare_visit_kind')),
        sa.CheckConstraint("done_on IS NULL OR (kind IS NOT NULL AND outcome IS NOT NULL)",
                           name=op.f('ck_aftercare_visit_done_has_outcome')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'],
                                name=op.f('fk_aftercare_visit_client_id_client')),
        sa.ForeignKeyConstraint(['social_worker_id'], ['staff.id'], ondelete='SET NULL',
                                name=op.f('fk_aftercare_visit_social_worker_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_aftercare_visit')),
    )
    for column in ('client_id', 'social_worker_id', 'planned_on'):
        op.create_index(op.f(f'ix_aftercare_visit_{column}'), 'aftercare_visit', [column])


def downgrade():
    for column in ('client_id', 'social_worker_id', 'planned_on'):
        op.drop_index(op.f(f'ix_aftercare_visit_{column}'), table_name='aftercare_visit')
    op.drop_table('aftercare_visit')
