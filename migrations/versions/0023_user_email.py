"""accounts get an optional e-mail address, for the daily digest

Adds ``user_account.email`` (empty allowed: an account without one gets no e-mail). No
existing row is changed; a downgrade drops the addresses with the column.

Revision ID: 0023_user_email
Revises: 0022_referrals
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0023_user_email'
down_revision = '0022_referrals'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('email')
