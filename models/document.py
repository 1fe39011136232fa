"""Documents kept on a client's file: letters, identity papers, reports (scans)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, db, utcnow
from .client import Client
from .stay import StayMixin
from .user import User


class DocumentType(VersionMixin, TimestampMixin, db.Model):
    """A kind of document (the four selection letters, KTP, KK, assessment report…),
    kept by the admin in *Jenis dokumen*."""

    __tablename__ = "document_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=100)  # order in pickers
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.name


class ClientDocument(StayMixin, VersionMixin, TimestampMixin, db.Model):
    """One file on a client's file: its type, number and date, and the scan (served only to
    those who may see the client's documents)."""

    __tablename__ = "client_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No cascade: a client with documents is not deleted (its file outlives mistakes).
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("document_type.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(80))  # nomor surat
    issued_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    file: Mapped[str] = mapped_column(String(255))  # generated name under uploads/documents
    original_name: Mapped[str] = mapped_column(String(255))  # for the download, sanitised
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # An attachment of an assessment note (a genogram, an ecomap, a test sheet): read only by
    # whom may read that note. No cascade: a note with attachments is not deleted.
    case_note_id: Mapped[int | None] = mapped_column(ForeignKey("case_note.id"), index=True)

    client: Mapped[Client] = relationship()
    document_type: Mapped[DocumentType] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"{self.document_type} {self.number or ''}".strip()
