"""Reading the audit history: the changes of a record's entries as a user reads them (field
labels, related records by name, coded values by their label, dates dd/mm/yyyy). The writing
side (session hooks, ``install``, ``record_*``) is services/audit.py."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import inspect, select

from models import AuditEntry, db

from .dates import format_date, format_datetime, format_time


def _shown(value: Any) -> str:
    """A stored value as a user reads it (dates dd/mm/yyyy, times HH:MM, booleans Ya/Tidak)."""
    from flask_babel import gettext as _

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            if len(value) == 10:
                return format_date(date.fromisoformat(value))
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and len(value) >= 8 and value[2] == ":" and value[5] == ":":
        try:  # a stored time (08:00:00) as the forms show it
            return format_time(time.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def field_names(model) -> dict[str, str]:
    """Foreign-key column → its relationship's name (``class_id`` → ``training_class``):
    screens label and show a reference by the relationship."""
    names: dict[str, str] = {}
    for rel in inspect(model).relationships:
        if rel.direction.name == "MANYTOONE":
            for col in rel.local_columns:
                names.setdefault(col.key, rel.key)
    return names


def readable_changes(entries, model, labels: dict[str, Any], vocabularies: dict[str, Any],
                     visible: frozenset[str] | None = None) -> dict[int, list[tuple]]:
    """``{entry.id: [(field label, before, after), …]}`` for audit ``entries`` of ``model``.

    Ids of related records are shown by name (one query per related table); coded values by
    their Indonesian label; fields outside ``visible`` (what the screen's details page shows)
    are left out, so history never shows more than the record itself.
    """
    mapper = inspect(model)
    related: dict[str, Any] = {}  # field → mapped class of the ids it holds
    for rel in mapper.relationships:
        if rel.secondary is not None:
            related[rel.key] = rel.mapper.class_
        elif rel.direction.name == "MANYTOONE":
            for col in rel.local_columns:
                related[col.key] = rel.mapper.class_
    wanted: dict[Any, set] = {}
    for entry in entries:
        for key, pair in (entry.changes or {}).items():
            cls = related.get(key)
            if cls is None:
                continue
            for value in pair:
                for ident in value if isinstance(value, list) else [value]:
                    if isinstance(ident, int):
                        wanted.setdefault(cls, set()).add(ident)
    names = {
        (cls, obj.id): str(obj)
        for cls, ids in wanted.items()
        for obj in db.session.query(cls).filter(cls.id.in_(ids))
    }
    # A related record deleted since: its name as the log recorded it when it went.
    for cls, ids in wanted.items():
        gone = {i for i in ids if (cls, i) not in names}
        if gone:
            table = cls.__tablename__
            for record_id, label in db.session.execute(
                    select(AuditEntry.record_id, AuditEntry.record_label).where(
                        AuditEntry.table_name == table, AuditEntry.action == "delete",
                        AuditEntry.record_id.in_(gone))):
                if label:
                    names[(cls, record_id)] = label

    def show(key: str, value: Any) -> str:
        cls = related.get(key)
        if cls is not None and value is not None:
            items = value if isinstance(value, list) else [value]
            return ", ".join(names.get((cls, i), f"#{i}") for i in items) or "—"
        vocabulary = vocabularies.get(key)
        if vocabulary is not None and isinstance(value, str):
            return vocabulary.label(value)
        return _shown(value)

    references = field_names(model)

    result = {}
    for entry in entries:
        rows = []
        for key, (before, after) in (entry.changes or {}).items():
            name = references.get(key, key)
            if visible is not None and name not in visible and key not in visible:
                continue
            rows.append((str(labels.get(name, labels.get(key, name))), show(key, before),
                         show(key, after)))
        result[entry.id] = rows
    return result
