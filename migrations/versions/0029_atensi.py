"""ATENSI components: each service carries one of the ministry's seven components

Adds ``atensi`` to ``skill_type`` (skill training: vocational), ``recreation_activity``
(therapy), ``guidance_schedule`` (by guidance type: family-life guidance is family support,
the others therapy), ``aid_item`` (means of one's own business: vocational), and, left for
the social worker to choose, ``plan_goal`` and ``referral``; each checked against the seven
codes. Existing rows get the component their kind serves; nothing else changes.

Revision ID: 0029_atensi
Revises: 0028_list_indexes
Create Date: 2026-11-30 21:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0029_atensi'
down_revision = '0028_list_indexes'
branch_labels = None
depends_on = None

CODES = "('basic_needs', 'care', 'family', 'therapy', 'vocational', 'social_aid', " \
        "'accessibility')"
# table → the default of its existing rows (None: left empty, chosen per record)
TABLES = {'skill_type': 'vocational', 'recreation_activity': 'therapy',
          'aid_item': 'vocational', 'guidance_schedule': 'therapy', 'plan_goal': None,
          'referral': None}


def upgrade():
    for table, default in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('atensi', sa.String(length=20), nullable=True,
                                          server_default=default))
    op.execute("UPDATE guidance_schedule SET atensi = 'family' "
               "WHERE guidance_type = 'family_life'")
    for table, default in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            if default is not None:
                batch_op.alter_column('atensi', existing_type=sa.String(length=20),
                                      nullable=False,
                                      server_default=None if table == 'guidance_schedule'
                                      else default)
            check = f"atensi IN {CODES}" if default is not None \
                else f"atensi IS NULL OR atensi IN {CODES}"
            batch_op.create_check_constraint(op.f(f'ck_{table}_atensi'), check)


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_atensi'), type_='check')
            batch_op.drop_column('atensi')
