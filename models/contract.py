"""Service contracts (kesepakatan / kontrak pelayanan) between client and social worker."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, check_in, check_order, db
from .choices import CONTRACT_KINDS, CONTRACT_STATUSES
from .client import Client
from .staff import Staff


class ServiceContract(TimestampMixin, db.Model):
    """A written agreement on problem, goals, both sides' responsibilities, time and place."""

    __tablename__ = "service_contract"
    __table_args__ = (
        check_in("kind", "kind", CONTRACT_KINDS.codes),
        check_in("status", "status", CONTRACT_STATUSES.codes),
        check_order("dates_ordered", "start_date", "end_date"),
        CheckConstraint(
            "status IN ('draft', 'cancelled') OR signed_date IS NOT NULL",
            name="signed_has_date",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    social_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    problem: Mapped[str] = mapped_column(Text)
    goals: Mapped[str] = mapped_column(Text)
    client_responsibilities: Mapped[str | None] = mapped_column(Text)
    worker_responsibilities: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(120))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    signed_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)

    client: Mapped[Client] = relationship()
    social_worker: Mapped[Staff | None] = relationship()

    def __str__(self) -> str:
        return f"{CONTRACT_KINDS.label(self.kind)} — {self.client.full_name}"
