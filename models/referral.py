"""Referrals (rujukan) of a client to a network partner: why, when, and the partner's answer
(issue 15, DOMAIN: network partners receive referrals)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, check_order, db
from .choices import ATENSI_COMPONENTS, REFERRAL_STATUSES
from .client import Client
from .partner import NetworkPartner
from .staff import Staff
from .stay import StayMixin


class Referral(StayMixin, VersionMixin, TimestampMixin, db.Model):
    """A client referred to a partner (Puskesmas, legal aid, BLK…) and the loop back: sent,
    received, then completed or declined with the partner's feedback."""

    __tablename__ = "referral"
    __table_args__ = (
        check_in("status", "status", REFERRAL_STATUSES.codes),
        check_in("atensi", "atensi", ATENSI_COMPONENTS.codes, nullable=True),
        check_order("feedback_after_referral", "referred_on", "feedback_on"),
        # An answered referral carries the answer.
        CheckConstraint("status NOT IN ('completed', 'declined') OR feedback IS NOT NULL",
                        name="answered_has_feedback"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("network_partner.id"), index=True)
    social_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(Text)
    atensi: Mapped[str | None] = mapped_column(String(20))  # the ATENSI component served
    status: Mapped[str] = mapped_column(String(20), default="sent", index=True)
    feedback: Mapped[str | None] = mapped_column(Text)
    feedback_on: Mapped[date | None] = mapped_column(Date)

    client: Mapped[Client] = relationship()
    partner: Mapped[NetworkPartner] = relationship()
    social_worker: Mapped[Staff | None] = relationship()

    @property
    def letter_number(self) -> str:
        """The referral letter's number: the record's own, so two letters never share one."""
        return f"{self.id:04d}/RJK/{self.referred_on.year}"

    def __str__(self) -> str:
        return f"Rujukan {self.client.full_name} ke {self.partner.name}"
