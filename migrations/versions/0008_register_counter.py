"""register number counter per year

A counter row per registration year holds the next automatic running number, so that two
registrations at the same moment cannot take the same number (it is taken with one atomic
UPDATE). Filled from the numbers issued so far: each year's counter starts one above the
highest number of that year ever issued (deleted clients' numbers included), so nothing is
reused. Existing rows are unchanged.

Revision ID: 0008_register_counter
Revises: 0006_kk_decisions
Create Date: 2026-11-30 08:40:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_register_counter'
down_revision = '0006_kk_decisions'
branch_labels = None
depends_on = None

# The automatic format of services/clients.py, up to its COUNTER_DIGITS (copied: a migration must not change when the
# application code does).
AUTO_FORMAT = re.compile(r"^(\d{4})-(\d{4,8})$")


def upgrade():
    counter = op.create_table('register_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('next_number > 0', name=op.f('ck_register_counter_next_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_counter')),
    sa.UniqueConstraint('year', name=op.f('uq_register_counter_year'))
    )
    highest: dict[int, int] = {}
    for (number,) in op.get_bind().execute(sa.text("SELECT number FROM register_number")):
        match = AUTO_FORMAT.match(number)
        if match:
            year, running = int(match.group(1)), int(match.group(2))
            highest[year] = max(highest.get(year, 0), running)
    if highest:
        op.bulk_insert(counter, [{"year": year, "next_number": running + 1}
                                 for year, running in sorted(highest.items())])


def downgrade():
    # The numbers themselves stay in register_number; the old code derives the next one
    # from them.
    op.drop_table('register_counter')
