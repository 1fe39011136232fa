"""The roster import's writes (``services.roster_import.apply``): changed clients in one
checked executemany UPDATE per set of columns, new clients with their register numbers in
bulk (COPY on PostgreSQL), and the audit entries of both in one statement each.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import JSON, bindparam, insert, select, update

from models import AuditEntry, Client, StageMove, db
from models.base import utcnow
from models.choices import Stage

from . import lifecycle
from .audit import CALLER_AUDITS, created_entries, updated_entries
from .dates import today as panti_today
from .versions import entries_since, shown_time

if TYPE_CHECKING:
    from .roster_import import RowPlan, _Lookups

# Every column a client row is written with (one shape for the whole bulk INSERT).
CLIENT_COLUMNS = ("register_number", "full_name", "cohort", "sex", "birth_place", "birth_date",
                  "religion", "nik", "family_card_number", "address", "district_of_origin",
                  "guardian_name", "guardian_relation", "guardian_phone", "referral_source",
                  "admission_date", "stage", "room_id", "social_worker_id", "termination_date",
                  "termination_reason")
NEW_CLIENT_STAGE = Stage.APPROACH  # as in the form: the stage machine moves it on


def attr_column(attr: str) -> str:
    """The client column a roster attribute is stored in."""
    return {"room": "room_id", "social_worker": "social_worker_id"}.get(attr, attr)


def update_clients(rows: list[RowPlan], lookups: _Lookups, position: int) -> None:
    """One UPDATE per set of columns (a file has one), run for every changed client, each
    only where the client's version is still the one read (``row_version``, as the session
    would check it). The driver gives the sum of the rows matched: short of the rows sent,
    the clients someone changed meanwhile are found and their rows rejected."""
    if not rows:
        return
    stamp = utcnow()
    table = Client.__table__
    changed: dict[tuple[str, ...], list[tuple[Client, dict[str, Any]]]] = defaultdict(list)
    for row in rows:
        new = {"full_name": row.full_name}
        new.update({attr_column(attr): value for attr, value in row.values.items()})
        changed[tuple(new)].append((lookups.clients[row.register_number], new))
    matched = 0
    for columns, group in changed.items():
        # A Core statement on the table: the session's per-object audit hook never sees
        # these rows; updated_entries gives the entries it would have written.
        statement = (update(table)
                     .where(table.c.id == bindparam("b_id"),
                            table.c.row_version == bindparam("b_version"))
                     .values(row_version=table.c.row_version + 1, updated_at=stamp,
                             **{column: bindparam(column) for column in columns}))
        matched += db.session.execute(statement, [
            {"b_id": client.id, "b_version": client.row_version, **new}
            for client, new in group]).rowcount
    if matched < len(rows):
        _refuse_changed(rows, lookups, stamp, position)
        return
    _insert(AuditEntry, updated_entries(
        Client, [pair for group in changed.values() for pair in group]))


def _refuse_changed(rows: list[RowPlan], lookups: _Lookups, stamp: datetime,
                    position: int) -> None:
    """Reject the rows whose client someone changed (or deleted) after this import read it,
    saying who, when and what, as an edit form does."""
    ids = {lookups.clients[row.register_number].id: row for row in rows}
    written = set(db.session.scalars(select(Client.id).where(
        Client.id.in_(list(ids)), Client.updated_at == stamp)))
    labels = {attr_column(attr): label for attr, label in lookups.labels.items()}
    for client_id, row in ids.items():
        if client_id in written:
            continue
        # Newest first: the change that made this import's reading outdated.
        entry = next(iter(entries_since(position, Client.__tablename__, [client_id])), None)
        if entry is None:  # deleted, or changed without the console
            row.reasons.append(_("Data klien ini diubah atau dihapus pengguna lain sejak "
                                 "dibaca untuk impor ini."))
        else:
            fields = [labels[key] for key in entry.changes or {} if key in labels]
            row.reasons.append(_("Data klien ini sudah diubah oleh %(who)s pada %(when)s "
                                 "(%(fields)s) sejak dibaca untuk impor ini.",
                                 who=entry.username or _("pengguna lain"),
                                 when=shown_time(entry.at), fields=", ".join(fields) or "—"))
        row.action = "reject"


def create_clients(rows: list[RowPlan]) -> dict[int, int]:
    """Insert the new clients, candidates of stage 1 without a register number (issued at
    admission); their ids by spreadsheet row."""
    if not rows:
        return {}
    stamp = utcnow()
    records = []
    for row in rows:
        record = dict.fromkeys(CLIENT_COLUMNS)
        record.update({attr_column(attr): value for attr, value in row.values.items()})
        record.update(register_number=None, full_name=row.full_name,
                      stage=record["stage"] or NEW_CLIENT_STAGE)
        records.append(record)
    # Then the new ids, found by their creation time (one for all of them) in the order they
    # went in: an INSERT … RETURNING, or a list of thousands of ids, would have the driver
    # parse statements of thousands of placeholders. One executemany (or COPY) takes its ids
    # from the sequence row by row, and the import holds the write lock (SQLite) or is the
    # only writer of this moment's creation time.
    _insert(Client, [{**record, "created_at": stamp, "updated_at": stamp}
                     for record in records])
    ids = list(db.session.scalars(
        select(Client.id).where(Client.created_at == stamp).order_by(Client.id)))
    if len(ids) != len(rows):
        raise RuntimeError("the new clients could not be told apart by their creation time")
    pairs = list(zip(ids, records, strict=True))
    _insert(AuditEntry, created_entries(Client.__tablename__, [
        (client_id, record["full_name"], record) for client_id, record in pairs]))
    return {row.row: client_id for row, client_id in zip(rows, ids, strict=True)}


def move_day(values: dict[str, Any]):
    """The day a row's move counts from: its termination date for a termination, else
    None (today, as on the move page)."""
    return values.get("termination_date") if values.get("stage") == Stage.TERMINATION \
        else None


def record_moves(rows: list[RowPlan], lookups: _Lookups, ids: dict[int, int]) -> None:
    """The stage timeline of what the import did: where each new client (``ids``: by
    spreadsheet row) begins, and each move an updated row made (the stage machine allowed
    it in the plan). One statement."""
    user = lifecycle.acting_user()
    today, stamp = panti_today(), utcnow()
    # Each move names its stay (models/stay.py): a new client's first, a known one's current.
    moves = [{"client_id": ids[row.row], "stay": 1, "from_stage": None,
              "to_stage": row.values.get("stage") or NEW_CLIENT_STAGE,
              "moved_on": row.values.get("admission_date") or today, "reason": None}
             for row in rows if row.action == "create"]
    moves += [{"client_id": lookups.clients[row.register_number].id,
               "stay": lookups.clients[row.register_number].stay,
               "from_stage": row.moved_from, "to_stage": row.values["stage"],
               "moved_on": move_day(row.values) or today,
               "reason": row.values.get("termination_reason")
               if row.values["stage"] == Stage.TERMINATION else None}
              for row in rows if row.action == "update" and row.moved_from is not None]
    if moves:
        db.session.execute(insert(StageMove), [
            {**move, "moved_at": stamp, "moved_by_id": user.id if user else None,
             "actor": None if user else "flask import", "note": _(
                 "Impor buku induk")} for move in moves])


def _insert(model, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (each with the same keys) of ``model``, whose audit entries the caller
    writes: on PostgreSQL with COPY (one INSERT per row, as an executemany runs them, costs
    the server about four times as much), elsewhere as an executemany INSERT."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(insert(model).execution_options(**{CALLER_AUDITS: True}), rows)
        return
    from psycopg.types.json import Json  # the driver of PostgreSQL URLs (requirements.txt)

    table = model.__table__
    # The column defaults evaluated in Python that the INSERT would have filled in.
    defaults = {column.key: column.default.arg(None) if column.default.is_callable
                else column.default.arg for column in table.columns
                if column.default is not None and column.key not in rows[0]
                and (column.default.is_scalar or column.default.is_callable)}
    keys, tail = list(rows[0]), list(defaults.values())
    json = {key for key in keys if isinstance(table.c[key].type, JSON)}  # as SQLAlchemy's
    quoted = connection.dialect.identifier_preparer
    names = ", ".join(quoted.quote(table.c[key].name) for key in [*keys, *defaults])
    # The session's own connection: the same transaction as the rest of the import.
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(
            f"COPY {quoted.format_table(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([*(Json(row[key]) if key in json else row[key] for key in keys),
                            *tail])
