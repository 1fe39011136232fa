"""client search: a word index for terms of one or two characters

A search term shorter than a trigram finds the clients with a word starting with it. SQLite:
an FTS5 table ``client_search_words`` (unicode61 tokenizer, prefix indexes of one and two
characters) over the ``client`` table (external content), triggers keeping it in step, and
the existing rows indexed. PostgreSQL: a GIN index of the searched columns' text-search
vector ('simple' configuration). No row is changed.

Revision ID: 0034_client_search_words
Revises: 0033_attendance_code_index
Create Date: 2026-12-01 04:10:00

"""
from alembic import op


revision = '0034_client_search_words'
down_revision = '0033_attendance_code_index'
branch_labels = None
depends_on = None

COLUMNS = ('register_number', 'full_name', 'nik', 'birth_place', 'district_of_origin')
LISTED = ', '.join(COLUMNS)
NEW = ', '.join(f'new.{name}' for name in COLUMNS)
OLD = ', '.join(f'old.{name}' for name in COLUMNS)
# Anything but letters and digits separates words (2026-0049: 2026 and 0049).
VECTOR = ("to_tsvector('simple'::regconfig, regexp_replace("
          + " || ' ' || ".join(f"coalesce({name}, '')" for name in COLUMNS)
          + ", '[^[:alnum:]]+', ' ', 'g'))")


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"CREATE VIRTUAL TABLE client_search_words USING fts5({LISTED}, "
                   "content='client', content_rowid='id', "
                   "tokenize='unicode61 remove_diacritics 2', prefix='1 2')")
        op.execute(f"CREATE TRIGGER client_search_words_insert AFTER INSERT ON client BEGIN "
                   f"INSERT INTO client_search_words(rowid, {LISTED}) VALUES (new.id, {NEW}); "
                   "END")
        op.execute(f"CREATE TRIGGER client_search_words_delete AFTER DELETE ON client BEGIN "
                   f"INSERT INTO client_search_words(client_search_words, rowid, {LISTED}) "
                   f"VALUES ('delete', old.id, {OLD}); END")
        op.execute(f"CREATE TRIGGER client_search_words_update AFTER UPDATE OF {LISTED} "
                   f"ON client BEGIN "
                   f"INSERT INTO client_search_words(client_search_words, rowid, {LISTED}) "
                   f"VALUES ('delete', old.id, {OLD}); "
                   f"INSERT INTO client_search_words(rowid, {LISTED}) VALUES (new.id, {NEW}); "
                   "END")
        op.execute("INSERT INTO client_search_words(client_search_words) VALUES ('rebuild')")
    else:
        op.execute(f'CREATE INDEX client_search_words ON client USING gin ({VECTOR})')


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER client_search_words_{trigger}')
        op.execute('DROP TABLE client_search_words')
    else:
        op.execute('DROP INDEX client_search_words')
