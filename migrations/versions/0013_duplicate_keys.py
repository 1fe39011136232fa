"""the duplicate check: each client's keys, and the "different person" decisions

Creates ``client_name_key`` (derived: the normalised words of each name, NIK, family card and
guardian phone; filled here for every existing client) and ``duplicate_decision``. No
existing row is changed.

Revision ID: 0013_duplicate_keys
Revises: 0012_stage_moves
Create Date: 2026-11-30 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013_duplicate_keys'
down_revision = '0012_stage_moves'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'client_name_key',
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE',
                                name=op.f('fk_client_name_key_client_id_client')),
        sa.PrimaryKeyConstraint('client_id', 'key', name=op.f('pk_client_name_key')),
    )
    op.create_index('ix_client_name_key_key', 'client_name_key', ['key'])
    op.create_table(
        'duplicate_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('shown', sa.String(length=255), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE',
                                name=op.f('fk_duplicate_decision_client_id_client')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_duplicate_decision_decided_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_decision')),
    )
    op.create_index(op.f('ix_duplicate_decision_client_id'), 'duplicate_decision',
                    ['client_id'])
    # The keys of the clients already registered (the rules of services/duplicates.py).
    from services.duplicates import KEY_FIELDS, keys

    bind = op.get_bind()
    client = sa.table('client', sa.column('id'), *(sa.column(name) for name in KEY_FIELDS))
    key_table = sa.table('client_name_key', sa.column('client_id'), sa.column('key'))
    rows = [{"client_id": row.id, "key": key}
            for row in bind.execute(sa.select(client)).mappings()
            for key in sorted(keys(row))]
    for start in range(0, len(rows), 5000):
        bind.execute(sa.insert(key_table), rows[start:start + 5000])


def downgrade():
    op.drop_index(op.f('ix_duplicate_decision_client_id'), table_name='duplicate_decision')
    op.drop_table('duplicate_decision')
    op.drop_index('ix_client_name_key_key', table_name='client_name_key')
    op.drop_table('client_name_key')
