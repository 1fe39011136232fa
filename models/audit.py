"""The audit log: who changed which record when, logins, refusals. Rows are only ever added."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import check_in, db, utcnow
from .choices import AUDIT_ACTIONS


class AuditEntry(db.Model):
    """One event. ``changes`` maps a field to ``[before, after]`` (secrets masked).

    No foreign keys on purpose: deleting a user or a record must neither cascade into nor
    be blocked by its history, and the log keeps the name the actor had at the time.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        check_in("action", "action", AUDIT_ACTIONS.codes),
        Index("ix_audit_log_record", "table_name", "record_id"),
        # A child row's entries (a plan's goals) shown on its parent's history page.
        Index("ix_audit_log_parent", "parent_table", "parent_id"),
        # The login throttle counts recent failures per name and per address.
        Index("ix_audit_log_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str | None] = mapped_column(String(80))  # also the name typed at login
    ip: Mapped[str | None] = mapped_column(String(45))
    table_name: Mapped[str | None] = mapped_column(String(50))
    record_id: Mapped[int | None] = mapped_column(Integer)
    record_label: Mapped[str | None] = mapped_column(String(200))
    parent_table: Mapped[str | None] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    detail: Mapped[str | None] = mapped_column(String(255))  # path refused, command run, …

    @property
    def action_label(self) -> str:
        return AUDIT_ACTIONS.label(self.action)
