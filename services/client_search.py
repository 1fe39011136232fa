"""Finding a client by what a user types: register number, name, NIK, birthplace or
district, any part of them (``Nomor 49``, ``rizk``, ``3273``), fast at a province's scale.

A term of three characters or more is looked up in the engine's own text index, kept by the
database itself (``models/client_search.py``): on SQLite an FTS5 table with the trigram
tokenizer (updated by triggers), on PostgreSQL trigram (``pg_trgm``) GIN indexes, which serve
``ILIKE '%…%'``. Shorter terms, and whatever the index cannot serve, read the columns with an
escaped ``LIKE``. Each term of a search must be found (in any of the columns).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, column, literal_column, or_, select, table

from models import Client, db

COLUMNS = (Client.register_number, Client.full_name, Client.nik, Client.birth_place,
           Client.district_of_origin)
FTS_TABLE = "client_search"
TRIGRAM = 3  # the shortest term a trigram index can find
_fts = table(FTS_TABLE, column("rowid"))


def _escaped(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def term_condition(term: str) -> ColumnElement[bool]:
    """A client holding ``term`` in one of the searched columns (case-insensitive)."""
    if len(term) >= TRIGRAM and db.session.get_bind().dialect.name == "sqlite":
        phrase = '"' + term.replace('"', '""') + '"'  # the term as it is, not FTS syntax
        return Client.id.in_(select(_fts.c.rowid).where(
            literal_column(FTS_TABLE).op("MATCH")(phrase)))
    pattern = f"%{_escaped(term)}%"
    return or_(*(field.ilike(pattern, escape="\\") for field in COLUMNS))


def conditions(search: str) -> list[ColumnElement[bool]]:
    """One condition per word typed: every word must be found."""
    return [term_condition(term) for term in search.split()]
