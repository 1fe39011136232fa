"""Aftercare (bimbingan lanjut, DOMAIN stage 10): the visits planned after termination and
what each found."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, db
from .choices import AFTERCARE_KINDS
from .client import Client
from .staff import Staff
from .stay import StayMixin


class AftercareVisit(StayMixin, VersionMixin, TimestampMixin, db.Model):
    """One aftercare contact: planned some months after termination, then done — a home or
    workplace visit, a call, group guidance or advocacy — with its outcome and next step."""

    __tablename__ = "aftercare_visit"
    __table_args__ = (
        check_in("kind", "kind", AFTERCARE_KINDS.codes, nullable=True),
        # A visit done says how and what came of it.
        CheckConstraint("done_on IS NULL OR (kind IS NOT NULL AND outcome IS NOT NULL)",
                        name="done_has_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    social_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    months_after: Mapped[int | None] = mapped_column(Integer)  # the plan's offset, if planned
    planned_on: Mapped[date] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client] = relationship()
    social_worker: Mapped[Staff | None] = relationship()

    def __str__(self) -> str:
        return f"Bimbingan lanjut {self.client.full_name} {self.planned_on:%d/%m/%Y}"
