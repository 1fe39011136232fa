"""What the duplicate check finds a client by (services/duplicates.py): derived data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import check_in, db, utcnow


class ClientNameKey(db.Model):
    """One key of a client: a normalised word of its name (``n:…``), its NIK (``i:…``),
    family card (``k:…``) or guardian phone (``t:…``). Rebuilt whenever those change."""

    __tablename__ = "client_name_key"
    __table_args__ = (Index("ix_client_name_key_key", "key"),)

    client_id: Mapped[int] = mapped_column(
        ForeignKey("client.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)


class DuplicateDecision(db.Model):
    """A registration that met likely matches, and the choice made: "a different person"
    (``client_id`` is the new client) or "the same person: admitted again" (``client_id`` is
    the person found, who began a new stay); who chose, when, and which clients were shown."""

    __tablename__ = "duplicate_decision"
    __table_args__ = (check_in("choice", "choice", ("different", "same")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"),
                                           index=True)
    shown: Mapped[str] = mapped_column(String(255))  # the matches shown (number — name)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    choice: Mapped[str] = mapped_column(String(10), default="different",
                                        server_default="different")
