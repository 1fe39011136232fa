"""Transactions that read what they are about to change.

PostgreSQL runs each transaction at READ COMMITTED: a writer that must see the latest rows
locks them (``SELECT … FOR UPDATE``) and every later statement sees what was committed before
it. SQLite has one writer at a time, and the Python driver begins the transaction only at the
first INSERT/UPDATE/DELETE, so the reads before it may be stale by then. ``lock_for_writing``
moves that begin to the front — ``BEGIN IMMEDIATE`` — so the reads that follow are current
and no other writer can change them before the commit. A busy lock is waited for (the
connection's busy timeout), never refused.
"""

from __future__ import annotations

from models import db


def lock_for_writing() -> None:
    """Take SQLite's write lock now, before reading what this transaction will change (held
    until commit or rollback); on PostgreSQL a no-op: lock the rows in the reading query."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    # Already writing: the lock is held. Sent to the driver directly, like its own BEGIN, so
    # SQLAlchemy's transaction (autobegun above) carries on and commits it.
    if not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")
