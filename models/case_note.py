"""The social worker's case record: assessments, interviews, progress and visit notes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, db
from .choices import ASSESSMENT_ASPECTS, CASE_NOTE_KINDS
from .client import Client
from .staff import Staff
from .stay import StayMixin


class CaseNote(StayMixin, VersionMixin, TimestampMixin, db.Model):
    """One dated entry of a client's confidential case record (Formulir 2 and its kin).

    Confidential: only the head and the social workers serving the client read it.
    """

    __tablename__ = "case_note"
    __table_args__ = (
        check_in("kind", "kind", CASE_NOTE_KINDS.codes),
        check_in("aspect", "aspect", ASSESSMENT_ASPECTS.codes, nullable=True),
        CheckConstraint("kind = 'assessment' OR aspect IS NULL", name="aspect_only_assessment"),
        CheckConstraint("kind = 'assessment' OR tools IS NULL", name="tools_only_assessment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No cascade: a case record outlives mistakes elsewhere (deleting the client is refused).
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    aspect: Mapped[str | None] = mapped_column(String(20))
    problem: Mapped[str | None] = mapped_column(Text)  # masalah
    content: Mapped[str] = mapped_column(Text)  # uraian / tindakan
    result: Mapped[str | None] = mapped_column(Text)  # hasil (positif/negatif)
    tools: Mapped[str | None] = mapped_column(String(255))  # alat asesmen: genogram, ecomap…
    next_step: Mapped[str | None] = mapped_column(Text)  # rencana / tindak lanjut

    client: Mapped[Client] = relationship()
    author: Mapped[Staff | None] = relationship()

    def __str__(self) -> str:
        return f"{CASE_NOTE_KINDS.label(self.kind)} {self.date:%d/%m/%Y}"
