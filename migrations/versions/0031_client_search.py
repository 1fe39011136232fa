"""client search: the engines' own text index over register number, name, NIK, birthplace
and district

SQLite: an FTS5 table ``client_search`` with the trigram tokenizer over the ``client`` table
(external content), triggers keeping it in step, and the existing rows indexed. PostgreSQL:
the ``pg_trgm`` extension and a trigram GIN index per column (served to ``ILIKE '%…%'``).
No row is changed.

Revision ID: 0031_client_search
Revises: 0030_stays
Create Date: 2026-12-01 00:40:00

"""
from alembic import op


revision = '0031_client_search'
down_revision = '0030_stays'
branch_labels = None
depends_on = None

COLUMNS = ('register_number', 'full_name', 'nik', 'birth_place', 'district_of_origin')
LISTED = ', '.join(COLUMNS)
NEW = ', '.join(f'new.{name}' for name in COLUMNS)
OLD = ', '.join(f'old.{name}' for name in COLUMNS)


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"CREATE VIRTUAL TABLE client_search USING fts5({LISTED}, content='client', "
                   "content_rowid='id', tokenize='trigram')")
        op.execute(f"CREATE TRIGGER client_search_insert AFTER INSERT ON client BEGIN "
                   f"INSERT INTO client_search(rowid, {LISTED}) VALUES (new.id, {NEW}); END")
        op.execute(f"CREATE TRIGGER client_search_delete AFTER DELETE ON client BEGIN "
                   f"INSERT INTO client_search(client_search, rowid, {LISTED}) "
                   f"VALUES ('delete', old.id, {OLD}); END")
        op.execute(f"CREATE TRIGGER client_search_update AFTER UPDATE OF {LISTED} ON client "
                   f"BEGIN INSERT INTO client_search(client_search, rowid, {LISTED}) "
                   f"VALUES ('delete', old.id, {OLD}); "
                   f"INSERT INTO client_search(rowid, {LISTED}) VALUES (new.id, {NEW}); END")
        op.execute("INSERT INTO client_search(client_search) VALUES ('rebuild')")
    else:
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        # The operator class named with the extension's schema, whatever the search path.
        op.execute(
            "DO $$ DECLARE home text; BEGIN "
            "SELECT n.nspname INTO home FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'; "
            + " ".join(f"EXECUTE format('CREATE INDEX client_search_{name} ON client "
                       f"USING gin ({name} %I.gin_trgm_ops)', home);" for name in COLUMNS)
            + " END $$")


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER client_search_{trigger}')
        op.execute('DROP TABLE client_search')
    else:
        for name in COLUMNS:
            op.execute(f'DROP INDEX client_search_{name}')
