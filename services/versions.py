"""Edits made from an outdated reading: the token a form carries and who changed what since.

A form that edits a record carries, in a hidden field, the record's version (its
``row_version``) and the position of the audit log when the form was opened. On submit the
version is compared with the database's: a difference means someone else saved meanwhile,
and the audit entries after that position say who, when and what. The database itself
guards the moment between that check and the write (see ``models.base.VersionMixin``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from models import AuditEntry, db

from .dates import format_datetime

FIELD = "seen_version"  # the hidden form field's name on every form that edits a record
MOST_ENTRIES = 200  # a forged or ancient position must not read the whole log


@dataclass(frozen=True)
class Seen:
    """What the user's form was filled from: the record's version and the log position."""

    version: int
    position: int


def log_position() -> int:
    """The newest audit entry's id (once per request: every form on a page shares it)."""
    cached = g.get("_audit_position") if has_request_context() else None
    if cached is None:
        cached = db.session.scalar(select(func.max(AuditEntry.id))) or 0
        if has_request_context():
            g._audit_position = cached
    return cached


def token(version: int | None) -> str:
    """The hidden field's value for a record now at ``version`` (None: not created yet)."""
    return f"{version or 0}.{log_position()}"


def parse(raw: str | None) -> Seen | None:
    """The posted token, or None when absent or malformed (such a post is checked only by
    the database's guard: a form from this console always carries one)."""
    version, _dot, position = (raw or "").strip().partition(".")
    if not (version.isascii() and version.isdigit() and position.isascii()
            and position.isdigit()) or len(version) > 12 or len(position) > 15:
        return None
    return Seen(int(version), int(position))


def entries_since(position: int | None, table: str, ids: Iterable[int],
                  refs: dict[str, int] | None = None) -> list[AuditEntry]:
    """Audit entries of ``table`` after ``position`` about the records ``ids``, or (``refs``,
    e.g. ``{"plan_id": 7}``) about rows created or removed with those column values. Newest
    first. With no position (the form carried none) only the newest entry counts."""
    ids = {i for i in ids if i is not None}
    about = [AuditEntry.record_id.in_(ids)] if ids else []
    if refs:
        about.append(AuditEntry.action.in_(("create", "delete")))
    if not about:
        return []
    query = (select(AuditEntry)
             .where(AuditEntry.table_name == table, or_(*about))
             .order_by(AuditEntry.id.desc()).limit(MOST_ENTRIES))
    if position is not None:
        query = query.where(AuditEntry.id > position)
    found = [entry for entry in db.session.scalars(query)
             if entry.record_id in ids or _refers(entry, refs or {})]
    return found if position is not None else found[:1]


def _refers(entry: AuditEntry, refs: dict[str, int]) -> bool:
    changes = entry.changes or {}
    return bool(refs) and all(value in (changes.get(key) or ()) for key, value in refs.items())


@dataclass
class Conflict:
    """Who changed a record since a form was opened: per user, their latest time and the
    field labels they changed (only fields the reader may see)."""

    by_user: dict[str, tuple[datetime | None, list[str]]] = field(default_factory=dict)

    def add(self, entry: AuditEntry | None, labels: Iterable[str]) -> None:
        """Count ``entry`` (None: a change the log does not name) with what it changed."""
        who = (entry.username if entry is not None else None) or _("pengguna lain")
        when = entry.at if entry is not None else None
        at, fields = self.by_user.get(who, (None, []))
        if at is None or (when is not None and when > at):
            at = when
        fields.extend(label for label in labels if label not in fields)
        self.by_user[who] = (at, fields)

    def message(self, what: str) -> str:
        """The refusal for the user: who changed ``what`` when, and what to do now."""
        parts = []
        for who, (at, fields) in self.by_user.items():
            part = _("%(who)s pada %(when)s", who=who, when=shown_time(at)) if at else who
            if fields:
                part += " (" + ", ".join(fields) + ")"
            parts.append(part)
        changed_by = "; ".join(parts) or _("pengguna lain")
        return _("%(what)s sudah diubah oleh %(by)s sejak Anda membukanya, jadi isian Anda "
                 "belum disimpan. Isian Anda masih ada di formulir: bandingkan dengan "
                 "perubahan itu, lalu simpan lagi bila isian Anda tetap yang benar.",
                 what=what, by=changed_by)


def shown_time(value: datetime | None) -> str:
    """A stored (UTC) time as the panti reads it."""
    return format_datetime(value) or "—"
