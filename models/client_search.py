"""The text index of client search (services/client_search.py), created with the ``client``
table on each engine: on SQLite an FTS5 table over the searched columns with the trigram
tokenizer, kept in step by triggers (external content: the text is not stored twice); on
PostgreSQL the ``pg_trgm`` extension and a trigram GIN index per column. For one or two
characters, the words: a second FTS5 table (unicode61, prefix indexes) on SQLite, a GIN index
of the columns' text-search vector on PostgreSQL.

Migrations ``0031_client_search`` and ``0034_client_search_words`` create the same objects on
an existing database. A later
migration that rebuilds ``client`` on SQLite (Alembic's batch mode copies the table) drops
its triggers with the old table: it must create them again and rebuild the index.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from .client import Client

SEARCHED = ("register_number", "full_name", "nik", "birth_place", "district_of_origin")
_LIST = ", ".join(SEARCHED)
_NEW = ", ".join(f"new.{name}" for name in SEARCHED)
_OLD = ", ".join(f"old.{name}" for name in SEARCHED)

SQLITE = (
    f"CREATE VIRTUAL TABLE client_search USING fts5({_LIST}, content='client', "
    "content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER client_search_insert AFTER INSERT ON client BEGIN "
    f"INSERT INTO client_search(rowid, {_LIST}) VALUES (new.id, {_NEW}); END",
    f"CREATE TRIGGER client_search_delete AFTER DELETE ON client BEGIN "
    f"INSERT INTO client_search(client_search, rowid, {_LIST}) "
    f"VALUES ('delete', old.id, {_OLD}); END",
    f"CREATE TRIGGER client_search_update AFTER UPDATE OF {_LIST} ON client BEGIN "
    f"INSERT INTO client_search(client_search, rowid, {_LIST}) "
    f"VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO client_search(rowid, {_LIST}) VALUES (new.id, {_NEW}); END",
)
# Words, for terms shorter than a trigram (one or two characters): an FTS5 table with the
# unicode61 tokenizer and prefix indexes of one and two characters, so "ri" finds the clients
# with a word starting with it; kept by triggers the same way.
SQLITE_WORDS = (
    f"CREATE VIRTUAL TABLE client_search_words USING fts5({_LIST}, content='client', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2')",
    f"CREATE TRIGGER client_search_words_insert AFTER INSERT ON client BEGIN "
    f"INSERT INTO client_search_words(rowid, {_LIST}) VALUES (new.id, {_NEW}); END",
    f"CREATE TRIGGER client_search_words_delete AFTER DELETE ON client BEGIN "
    f"INSERT INTO client_search_words(client_search_words, rowid, {_LIST}) "
    f"VALUES ('delete', old.id, {_OLD}); END",
    f"CREATE TRIGGER client_search_words_update AFTER UPDATE OF {_LIST} ON client BEGIN "
    f"INSERT INTO client_search_words(client_search_words, rowid, {_LIST}) "
    f"VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO client_search_words(rowid, {_LIST}) VALUES (new.id, {_NEW}); END",
)
# On PostgreSQL the words of the searched columns as a text-search vector (the 'simple'
# configuration: lower case, no stemming), indexed with GIN; a prefix query reads it.
# Anything but letters and digits separates words (as on SQLite: 2026-0049 is 2026 and 0049,
# not a signed number).
WORDS_VECTOR = "to_tsvector('simple'::regconfig, regexp_replace(" + " || ' ' || ".join(
    f"coalesce({name}, '')" for name in SEARCHED) + ", '[^[:alnum:]]+', ' ', 'g'))"
POSTGRESQL_WORDS = (f"CREATE INDEX client_search_words ON client USING gin ({WORDS_VECTOR})",)
# The operator class is named with the schema the extension lives in (public, or the app's
# own schema where it was installed there), whatever the connection's search path. (DDL
# formats its text with %: hence %%I for format()'s %I.)
POSTGRESQL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "DO $$ DECLARE home text; BEGIN "
    "SELECT n.nspname INTO home FROM pg_extension e "
    "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'; "
    + " ".join(f"EXECUTE format('CREATE INDEX client_search_{name} ON client "
               f"USING gin ({name} %%I.gin_trgm_ops)', home);" for name in SEARCHED)
    + " END $$",
)

for statement in SQLITE + SQLITE_WORDS:
    event.listen(Client.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in POSTGRESQL + POSTGRESQL_WORDS:
    event.listen(Client.__table__, "after_create",
                 DDL(statement).execute_if(dialect="postgresql"))


def is_search_object(name: str | None) -> bool:
    """Whether a table or index is part of this index (schema comparisons leave it out: the
    models do not describe it as tables and indexes)."""
    return bool(name) and name.startswith("client_search")
