"""Selection (identifikasi & seleksi, stage 1): the criteria, the head's decision, and the
letters the head waived (DOMAIN stage 1; the letters themselves are documents)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, db
from .client import Client
from .document import DocumentType
from .stay import StayMixin
from .user import User


class Selection(StayMixin, VersionMixin, TimestampMixin, db.Model):
    """A candidate's selection: each criterion as checked (None: not yet), by whom and when,
    and the decision — accepted, or not eligible with the reason."""

    __tablename__ = "selection"
    __table_args__ = (
        UniqueConstraint("client_id", "stay"),  # one per stay (models/stay.py)
        check_in("decision", "decision", ("accepted", "not_eligible"), nullable=True),
        CheckConstraint("decision <> 'not_eligible' OR reason IS NOT NULL",
                        name="refusal_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    mentally_healthy: Mapped[bool | None] = mapped_column(Boolean)
    no_infection_or_disability: Mapped[bool | None] = mapped_column(Boolean)
    not_in_legal_proceedings: Mapped[bool | None] = mapped_column(Boolean)
    productive_age: Mapped[bool | None] = mapped_column(Boolean)
    checked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    checked_on: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_on: Mapped[date | None] = mapped_column(Date)

    client: Mapped[Client] = relationship()
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class LetterWaiver(StayMixin, TimestampMixin, db.Model):
    """A selection letter the head waived for a candidate, with the reason (many gepeng have
    no family to consent)."""

    __tablename__ = "letter_waiver"
    __table_args__ = (UniqueConstraint("client_id", "stay", "type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"),
                                           index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("document_type.id"))
    reason: Mapped[str] = mapped_column(Text)
    waived_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    waived_on: Mapped[date] = mapped_column(Date)

    document_type: Mapped[DocumentType] = relationship()
    waived_by: Mapped[User | None] = relationship()
