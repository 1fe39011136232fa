"""selection (stage 1): the criteria and the head's decision, and waived letters

Creates ``selection`` and ``letter_waiver``. Clients already past stage 1 when this runs were
selected on paper: each gets an accepted selection (by no user, dated its admission), so
the stage machine's new evidence does not stop them. No existing row is changed.

Revision ID: 0017_selection
Revises: 0016_outreach
Create Date: 2026-11-30 16:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017_selection'
down_revision = '0016_outreach'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'selection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('mentally_healthy', sa.Boolean(), nullable=True),
        sa.Column('no_infection_or_disability', sa.Boolean(), nullable=True),
        sa.Column('not_in_legal_proceedings', sa.Boolean(), nullable=True),
        sa.Column('productive_age', sa.Boolean(), nullable=True),
        sa.Column('checked_by_id', sa.Integer(), nullable=True),
        sa.Column('checked_on', sa.Date(), nullable=True),
        sa.Column('decision', sa.String(length=20), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_on', sa.Date(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision IS NULL OR decision IN ('accepted', 'not_eligible')",
                           name=op.f('ck_selection_decision')),
        sa.CheckConstraint("decision <> 'not_eligible' OR reason IS NOT NULL",
                           name=op.f('ck_selection_refusal_has_reason')),
        sa.ForeignKeyConstraint(['checked_by_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_selection_checked_by_id_user_account')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE',
                                name=op.f('fk_selection_client_id_client')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_selection_decided_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_selection')),
        sa.UniqueConstraint('client_id', name=op.f('uq_selection_client_id')),
    )
    op.create_table(
        'letter_waiver',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('type_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('waived_by_id', sa.Integer(), nullable=True),
        sa.Column('waived_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE',
                                name=op.f('fk_letter_waiver_client_id_client')),
        sa.ForeignKeyConstraint(['type_id'], ['document_type.id'],
                                name=op.f('fk_letter_waiver_type_id_document_type')),
        sa.ForeignKeyConstraint(['waived_by_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_letter_waiver_waived_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_waiver')),
        sa.UniqueConstraint('client_id', 'type_id',
                            name=op.f('uq_letter_waiver_client_id_type_id')),
    )
    op.create_index(op.f('ix_letter_waiver_client_id'), 'letter_waiver', ['client_id'])
    # Selected on paper before the console knew selection.
    op.execute(
        "INSERT INTO selection (client_id, decision, decided_on, reason, row_version, "
        "created_at, updated_at) SELECT id, 'accepted', admission_date, "
        "'Diseleksi sebelum seleksi dicatat di konsol.', 1, created_at, created_at "
        "FROM client WHERE stage <> 'approach'")


def downgrade():
    op.drop_index(op.f('ix_letter_waiver_client_id'), table_name='letter_waiver')
    op.drop_table('letter_waiver')
    op.drop_table('selection')
