"""Audit history: every create, update and delete of a record, whatever path made it.

Changes are caught at the SQLAlchemy session (``after_flush``; ``create_app`` calls
``install``), so screens, commands and services are all covered without each remembering to
log. The rows are written on the same connection inside the same transaction: a rolled-back
change leaves no history, and a committed one always has it. Reading the history back for a
screen is services/audit_reading.py.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from flask import g, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from models import (
    AuditEntry,
    ClientNameKey,
    ClientStay,
    DuplicateDecision,
    RegisterCounter,
    RegisterNumber,
    StageMove,
    db,
)
from models.base import utcnow

MASK = "••••••"
# Never stored, not even masked: bookkeeping that says nothing about the record.
IGNORED = frozenset({"created_at", "updated_at", "last_login_at", "session_token",
                     "row_version"})
# Stored only as "changed", never the value.
SECRET = frozenset({"password_hash"})
# Tables that are themselves logs or ledgers.
# A stage move, a duplicate decision and a stay that ended are themselves append-only
# records of who did what when (the client's change a move or a re-admission makes is
# audited on the client); name keys are derived data.
NOT_AUDITED = frozenset({AuditEntry.__tablename__, RegisterNumber.__tablename__,
                         RegisterCounter.__tablename__, StageMove.__tablename__,
                         DuplicateDecision.__tablename__, ClientNameKey.__tablename__,
                         ClientStay.__tablename__})
# Execution option of a bulk INSERT whose caller writes the per-record entries itself
# (record_created), so the hook does not add a row-count entry as well.
CALLER_AUDITS = "audited_by_caller"
LABEL_COLUMNS = ("register_number", "full_name", "name", "username", "title", "topic", "goal")
# session.info key: entries for rows the database itself changes (ON DELETE SET NULL or
# CASCADE), found before the flush and written with the flush's own entries.
_CASCADED = "audit_cascaded"
# session.info key: tables whose flushed changes the caller records itself (``caller_audits``).
_CALLER_TABLES = "audit_caller_tables"
# The ``detail`` of an attendance sheet's entry: the day of the meeting it records.
SHEET_DETAIL = "sheet:"

_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Attribute changes made outside a request (a ``flask`` command) to ``name``."""
    token = _actor.set(name)
    try:
        yield
    finally:
        _actor.reset(token)


def actor() -> dict[str, Any]:
    """Who is acting now: the logged-in user, a named command, or the system."""
    if has_request_context():
        # Read the user Flask-Login already loaded; loading it here could query mid-flush.
        user = getattr(g, "_login_user", None)
        ip = request.remote_addr
        if user is not None and getattr(user, "is_authenticated", False):
            return {"user_id": user.id, "username": user.username, "ip": ip}
        return {"user_id": None, "username": _actor.get(), "ip": ip}
    return {"user_id": None, "username": _actor.get() or "sistem", "ip": None}


def plain(value: Any) -> Any:
    """A JSON-safe form of a column value."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return value


def _label(state) -> str | None:
    # Only already-loaded columns: a lazy load here would add queries to every flush.
    parts = [str(state.dict[c]) for c in LABEL_COLUMNS if state.dict.get(c) not in (None, "")]
    return " — ".join(parts[:2])[:200] or None


def _related_ids(objs) -> list[Any]:
    return sorted(
        (ident[0] if ident and len(ident) == 1 else ident)
        for ident in (inspect(o).identity for o in objs if o is not None)
        if ident is not None
    )


def _logged(mapper, prop) -> bool:
    """Whether changes of a column attribute go into the log: data of the row itself."""
    if prop.key in IGNORED or prop.key == "id" or not hasattr(prop, "columns"):
        return False
    # Not a column_property over another table.
    return all(getattr(col, "table", None) is mapper.local_table for col in prop.columns)


def _note(changes: dict[str, list[Any]], key: str, before: Any, after: Any) -> None:
    """Put ``[before, after]`` of ``key`` into ``changes`` as the log keeps it: JSON-safe,
    secrets masked, nothing when both are empty or the same."""
    if before is None and after is None:
        return
    if key in SECRET:
        changes[key] = [MASK if before is not None else None, MASK]
        return
    before, after = plain(before), plain(after)
    if before != after:
        changes[key] = [before, after]


def _changes(state, kind: str) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the columns (and many-to-many lists) of ``state``."""
    changes: dict[str, list[Any]] = {}
    mapper = state.mapper
    for prop in mapper.column_attrs:
        if not _logged(mapper, prop):
            continue
        key = prop.key
        hist = state.attrs[key].history
        if kind == "create":
            before, after = None, state.dict.get(key)
        elif kind == "delete":
            before, after = state.dict.get(key), None
        else:
            if not hist.has_changes():
                continue
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
        _note(changes, key, before, after)
    for rel in mapper.relationships:
        if rel.secondary is None or not rel.uselist:
            continue
        hist = state.attrs[rel.key].history
        if kind == "update" and not hist.has_changes():
            continue
        before = _related_ids([*hist.unchanged, *hist.deleted])
        after = _related_ids([*hist.unchanged, *hist.added]) if kind != "delete" else []
        if before != after:
            changes[rel.key] = [before, after]
    return changes


def _record_id(state) -> int | None:
    # A new record has no identity key until the flush ends; its primary key is already set.
    identity = state.identity or state.mapper.primary_key_from_instance(state.obj()) or ()
    return identity[0] if len(identity) == 1 and isinstance(identity[0], int) else None


def _parent(state) -> tuple[str | None, int | None]:
    """(table, id) of the record a child row belongs to, for models that name the column
    in ``__audit_parent__`` (a plan goal → its plan)."""
    column = getattr(state.class_, "__audit_parent__", None)
    if column is None:
        return None, None
    (foreign_key,) = state.mapper.local_table.c[column].foreign_keys
    hist = state.attrs[column].history
    value = state.dict.get(column)
    if value is None and hist.deleted:
        value = hist.deleted[0]
    return foreign_key.column.table.name, value


def _entry(kind: str, table: str, record_id: int | None, label: str | None,
           changes: dict[str, list[Any]], who: dict[str, Any], now: datetime,
           parent: tuple[str | None, int | None] = (None, None)) -> dict[str, Any]:
    return {
        "at": now, "action": kind, "table_name": table, "record_id": record_id,
        "record_label": label, "changes": changes, "detail": None,
        "parent_table": parent[0], "parent_id": parent[1], **who,
    }


def _row(kind: str, state, who: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    changes = _changes(state, kind)
    if kind == "update" and not changes:
        return None
    return _entry(kind, state.mapper.local_table.name, _record_id(state), _label(state),
                  changes, who, now, _parent(state))


# --- changes the database makes itself -----------------------------------------------
def _mapped_tables() -> dict[str, Any]:
    return {mapper.local_table.name: mapper for mapper in db.Model.registry.mappers}


def _referring_keys(table: str):
    """Foreign keys of other tables that point at ``table`` and act on its deletion."""
    for other in db.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table.name == table and (fk.ondelete or "").upper() in (
                    "SET NULL", "CASCADE"):
                yield other, fk


def _row_label(row) -> str | None:
    parts = [str(row[c]) for c in LABEL_COLUMNS if c in row and row[c] not in (None, "")]
    return " — ".join(parts[:2])[:200] or None


def _database_cascades(connection, table: str, ids: set[int], gone: set[tuple[str, int]],
                       who: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """Entries for what deleting ``ids`` of ``table`` will do through ON DELETE rules: the
    cleared reference on each record that pointed at them, each row deleted with them
    (and, in turn, what that deletion does), and the shortened lists of many-to-many
    links. ``gone``: (table, id) of records the flush deletes itself (already recorded)."""
    mappers = _mapped_tables()
    entries: list[dict[str, Any]] = []
    for child, fk in _referring_keys(table):
        column = fk.parent
        mapper = mappers.get(child.name)
        if mapper is not None and "id" in child.c:
            rows = connection.execute(select(child).where(column.in_(ids))).mappings().all()
            rows = [r for r in rows if (child.name, r["id"]) not in gone]
            if fk.ondelete.upper() == "SET NULL":
                entries += [_entry("update", child.name, r["id"], _row_label(r),
                                   {column.key: [r[column.key], None]}, who, now)
                            for r in rows]
                continue
            entries += [_entry("delete", child.name, r["id"], _row_label(r),
                               {k: [plain(v), None] for k, v in r.items()
                                if v is not None and k not in IGNORED and k != "id"},
                               who, now) for r in rows]
            gone |= {(child.name, r["id"]) for r in rows}
            if rows:
                entries += _database_cascades(connection, child.name,
                                              {r["id"] for r in rows}, gone, who, now)
            continue
        # A many-to-many link table: the record on the other side loses the deleted ids.
        others = [f for f in child.foreign_keys if f is not fk]
        if len(others) != 1:
            continue
        other_col, other_table = others[0].parent, others[0].column.table.name
        owner = mappers.get(other_table)
        keys = [rel.key for rel in owner.relationships if rel.secondary is child] if owner else []
        if not keys:
            continue
        links = connection.execute(
            select(other_col, column).where(other_col.in_(
                select(other_col).where(column.in_(ids))))).all()
        before: dict[int, list[int]] = {}
        for other_id, linked in links:
            before.setdefault(other_id, []).append(linked)
        for other_id, linked in sorted(before.items()):
            if (other_table, other_id) in gone:
                continue
            entries.append(_entry("update", other_table, other_id, None, {keys[0]: [
                sorted(linked), sorted(i for i in linked if i not in ids)]}, who, now))
    return entries


def _collect_cascades(session: Session, _flush_context, _instances) -> None:
    """Before records are deleted, note what the database will change along with them."""
    session.info[_CASCADED] = []
    doomed: dict[str, set[int]] = {}
    for obj in session.deleted:
        state = inspect(obj)
        table = state.mapper.local_table.name
        record_id = _record_id(state)
        if table not in NOT_AUDITED and table not in session.info.get(_CALLER_TABLES, ()) \
                and record_id is not None:
            doomed.setdefault(table, set()).add(record_id)
    if not doomed:
        return
    gone = {(table, i) for table, ids in doomed.items() for i in ids}
    who, now, connection = actor(), utcnow(), session.connection()
    with session.no_autoflush:
        for table, ids in doomed.items():
            session.info[_CASCADED] += _database_cascades(connection, table, ids, gone,
                                                          who, now)


def _record_flush(session: Session, _flush_context) -> None:
    """Write one audit row per created, changed or deleted record of this flush."""
    groups = (("create", session.new), ("update", session.dirty), ("delete", session.deleted))
    who, now, rows = None, utcnow(), []
    for kind, objects in groups:
        for obj in objects:
            state = inspect(obj)
            table = state.mapper.local_table.name
            if table in NOT_AUDITED or table in session.info.get(_CALLER_TABLES, ()):
                continue
            who = who or actor()
            row = _row(kind, state, who, now)
            if row is not None:
                rows.append(row)
    recorded = {(r["table_name"], r["record_id"], r["action"]) for r in rows}
    rows += [r for r in session.info.pop(_CASCADED, [])
             if (r["table_name"], r["record_id"], r["action"]) not in recorded]
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def _record_bulk(state) -> None:
    """Bulk statements skip the flush: record an INSERT of many rows as one entry, and refuse
    a bulk UPDATE/DELETE of audited tables (it would change records without history)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    table = mapper.local_table.name if mapper is not None else None
    if table is None or table in NOT_AUDITED:
        return
    if state.is_insert and state.execution_options.get(CALLER_AUDITS):
        return
    if not state.is_insert:
        raise RuntimeError(f"bulk change of audited table {table} would bypass the audit log")
    params = state.parameters
    count = len(params) if isinstance(params, list) else 1
    state.session.connection().execute(insert(AuditEntry.__table__), [{
        "at": utcnow(), "action": "create", "table_name": table, "record_id": None,
        "record_label": None, "changes": {"rows": [None, count]},
        "detail": "bulk insert", **actor(),
    }])


_HOOKS = (("before_flush", _collect_cascades), ("after_flush", _record_flush),
          ("do_orm_execute", _record_bulk))


def install(database: SQLAlchemy) -> None:
    """Record every change made through ``database.session`` (called by ``create_app``).

    Explicit rather than an import side effect, so what records history is visible in the
    factory; calling it again (a second app in the same process) adds nothing."""
    for name, hook in _HOOKS:
        if not event.contains(database.session, name, hook):
            event.listen(database.session, name, hook)


def record_created(table_name: str, rows: list[tuple[int, str | None, dict[str, Any]]]) -> None:
    """One "create" entry per (record id, label, column values) of a bulk INSERT made with
    the CALLER_AUDITS option: the same entries a flush would write, in one statement."""
    if rows:
        db.session.execute(insert(AuditEntry.__table__), created_entries(table_name, rows))


def created_entries(table_name: str, rows: list[tuple[int, str | None, dict[str, Any]]]
                    ) -> list[dict[str, Any]]:
    """The audit rows ``record_created`` writes, for a caller that inserts them itself."""
    who, now = actor(), utcnow()
    return [{
        "at": now, "action": "create", "table_name": table_name, "record_id": record_id,
        "record_label": label, "detail": None,
        "changes": {key: [None, plain(value)] for key, value in values.items()
                    if value is not None},
        **who,
    } for record_id, label, values in rows]


def updated_entries(model, rows: list[tuple[Any, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The audit rows a flush would write for (loaded record, its new column values) pairs
    — the fields whose value differs, the label from the new values — for a caller that
    changed them with a bulk UPDATE, bypassing the session, and inserts these itself. For
    records that are not child rows (no ``__audit_parent__``)."""
    mapper = inspect(model)
    keys = [prop.key for prop in mapper.column_attrs if _logged(mapper, prop)]
    who, now, entries = actor(), utcnow(), []
    for record, new in rows:
        stored = inspect(record).dict
        changes: dict[str, list[Any]] = {}
        for key in keys:
            if key in new and new[key] != stored.get(key):
                _note(changes, key, stored.get(key), new[key])
        if changes:
            entries.append(_entry("update", mapper.local_table.name, record.id,
                                  _row_label({**stored, **new}), changes, who, now))
    return entries


@contextmanager
def caller_audits(table_name: str) -> Iterator[None]:
    """Within the block, changes of ``table_name`` flushed through the session write no
    entries of their own: the caller records them (an attendance sheet: one entry)."""
    tables = db.session.info.setdefault(_CALLER_TABLES, set())
    tables.add(table_name)
    try:
        yield
    finally:
        tables.discard(table_name)


def record_sheet(parent_table: str, parent_id: int, day, label: str,
                 changes: dict[str, list[Any]]) -> None:
    """One entry for a save of the attendance sheet of an event (``parent_table``/``_id``,
    and ``day`` for a weekly guidance schedule's meeting): ``changes`` maps each client id
    whose line changed to [before, after] ("H", "I — sakit", None for no record). The log
    grows with the saves people make, not with the rows a save writes."""
    if changes:
        db.session.execute(insert(AuditEntry.__table__), [{
            "at": utcnow(), "action": "update", "table_name": "attendance", "record_id": None,
            "record_label": label[:200], "parent_table": parent_table, "parent_id": parent_id,
            "detail": f"{SHEET_DETAIL}{day.isoformat()}", "changes": changes, **actor()}])


def record_event(action: str, *, username: str | None = None, user_id: int | None = None,
                 detail: str | None = None, table_name: str | None = None,
                 record_id: int | None = None) -> None:
    """Add a non-record event (login, logout, refusal, export) in the current transaction."""
    who = actor()
    if username is not None:
        who.update(username=username, user_id=user_id)
    db.session.execute(insert(AuditEntry), [{
        "at": utcnow(), "action": action, "detail": (detail or "")[:255] or None,
        "table_name": table_name, "record_id": record_id, **who,
    }])
