"""Finding a client by what a user types: register number, name, NIK, birthplace or
district, any part of them (``Nomor 49``, ``rizk``, ``3273``), fast at a province's scale.

A term of three characters or more is looked up in the engine's own text index, kept by the
database itself (``models/client_search.py``): on SQLite an FTS5 table with the trigram
tokenizer (updated by triggers), on PostgreSQL trigram (``pg_trgm``) GIN indexes, which serve
``ILIKE '%…%'``. A term of one or two letters or digits finds the clients with a *word
starting* with it (``ri``: Rizki, Rina; ``Bu``: Bu Ani), through a word index with prefixes
(FTS5 unicode61 on SQLite, a text-search vector on PostgreSQL): no index serves two letters
anywhere in a word, and at a province's scale reading every client for them took 190–250 ms.
A short term of other characters reads the columns with an escaped ``LIKE``. Each term of a
search must be found (in any of the columns).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, column, func, literal_column, or_, select, table

from models import Client, db
from models.client_search import SEARCHED, WORDS_VECTOR

COLUMNS = tuple(getattr(Client, name) for name in SEARCHED)
FTS_TABLE = "client_search"
TRIGRAM = 3  # the shortest term a trigram index can find
WORDS_TABLE = "client_search_words"
_fts = table(FTS_TABLE, column("rowid"))
_words = table(WORDS_TABLE, column("rowid"))


def _escaped(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def term_condition(term: str) -> ColumnElement[bool]:
    """A client holding ``term`` in one of the searched columns (case-insensitive)."""
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    if len(term) >= TRIGRAM and sqlite:
        phrase = '"' + term.replace('"', '""') + '"'  # the term as it is, not FTS syntax
        return Client.id.in_(select(_fts.c.rowid).where(
            literal_column(FTS_TABLE).op("MATCH")(phrase)))
    if len(term) < TRIGRAM and term.isalnum():  # a word's start: no syntax can slip in
        if sqlite:
            return Client.id.in_(select(_words.c.rowid).where(
                literal_column(WORDS_TABLE).op("MATCH")(f'"{term}"*')))
        return literal_column(WORDS_VECTOR).op("@@")(
            func.to_tsquery(literal_column("'simple'::regconfig"), f"{term.lower()}:*"))
    pattern = f"%{_escaped(term)}%"
    return or_(*(field.ilike(pattern, escape="\\") for field in COLUMNS))


def conditions(search: str) -> list[ColumnElement[bool]]:
    """One condition per word typed: every word must be found."""
    return [term_condition(term) for term in search.split()]
