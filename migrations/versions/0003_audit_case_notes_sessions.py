"""audit log, case notes, session tokens

Existing accounts get an empty session token: their current sessions end and the next
login issues a token. No other data changes.

Revision ID: 0003_audit_notes
Revises: 0002_holidays
Create Date: 2026-11-23 00:18:03.330130

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_audit_notes'
down_revision = '0002_holidays'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=80), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('table_name', sa.String(length=50), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('record_label', sa.String(length=200), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.Column('detail', sa.String(length=255), nullable=True),
    sa.CheckConstraint("action IN ('create', 'update', 'delete', 'login', 'login_failed', 'login_blocked', 'logout', 'denied', 'export')", name=op.f('ck_audit_log_action')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action_at', ['action', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_record', ['table_name', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_user_id'), ['user_id'], unique=False)

    op.create_table('case_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('aspect', sa.String(length=20), nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('next_step', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("aspect IS NULL OR aspect IN ('physical', 'psychological', 'social', 'vocational')", name=op.f('ck_case_note_aspect')),
    sa.CheckConstraint("kind = 'assessment' OR aspect IS NULL", name=op.f('ck_case_note_aspect_only_assessment')),
    sa.CheckConstraint("kind IN ('assessment', 'interview', 'progress', 'visit', 'aftercare')", name=op.f('ck_case_note_kind')),
    sa.ForeignKeyConstraint(['author_id'], ['staff.id'], name=op.f('fk_case_note_author_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_case_note_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_note'))
    )
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_note_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_note_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_note_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_note_kind'), ['kind'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_token')

    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_note_kind'))
        batch_op.drop_index(batch_op.f('ix_case_note_date'))
        batch_op.drop_index(batch_op.f('ix_case_note_client_id'))
        batch_op.drop_index(batch_op.f('ix_case_note_author_id'))

    op.drop_table('case_note')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_user_id'))
        batch_op.drop_index('ix_audit_log_record')
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index('ix_audit_log_action_at')

    op.drop_table('audit_log')
