"""Placement (penyaluran, DOMAIN stage 8): where a client goes when the programme ends —
back to the family, a job, an own business or an apprenticeship."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, db
from .choices import PLACEMENT_KINDS
from .client import Client
from .partner import NetworkPartner
from .staff import Staff
from .stay import StayMixin


class Placement(StayMixin, VersionMixin, TimestampMixin, db.Model):
    """A client's placement: its kind, the partner (employer, workshop…) if any, where and
    from when, whom to contact, the plan and the placement meeting's summary; the reason when
    the partner had no MoU in force."""

    __tablename__ = "placement"
    __table_args__ = (check_in("kind", "kind", PLACEMENT_KINDS.codes),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    social_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_partner.id"), index=True)
    address: Mapped[str] = mapped_column(String(255))
    contact: Mapped[str | None] = mapped_column(String(120))
    start_date: Mapped[date] = mapped_column(Date, index=True)
    plan: Mapped[str | None] = mapped_column(Text)
    meeting_summary: Mapped[str | None] = mapped_column(Text)
    without_mou_reason: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client] = relationship()
    partner: Mapped[NetworkPartner | None] = relationship()
    social_worker: Mapped[Staff | None] = relationship()

    def __str__(self) -> str:
        return f"Penyaluran {self.client.full_name} {self.start_date:%d/%m/%Y}"
