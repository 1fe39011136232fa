"""Service contracts (kesepakatan / kontrak pelayanan) between client and social worker."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, check_order, db
from .choices import CONTRACT_KINDS, CONTRACT_STATUSES
from .client import Client
from .staff import Staff
from .stay import StayMixin


class ServiceContract(StayMixin, VersionMixin, TimestampMixin, db.Model):
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
        CheckConstraint("version > 0", name="version_positive"),
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
    techniques: Mapped[str | None] = mapped_column(Text)  # teknik dan cara mencapai tujuan
    # The rights and obligations text as it stood when the contract was drafted.
    rights_text: Mapped[str | None] = mapped_column(Text)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_plan.id", ondelete="SET NULL"), index=True
    )
    # An amendment is a new version pointing at the one it changes; history is kept.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_contract.id"), index=True
    )
    # Who signed: the client, family or guardian (named), the social worker, the head.
    signed_by_client: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default="0")
    guardian_signer: Mapped[str | None] = mapped_column(String(120))
    signed_by_worker: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default="0")
    head_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    scan: Mapped[str | None] = mapped_column(String(255))  # file name under uploads/contracts

    client: Mapped[Client] = relationship()
    social_worker: Mapped[Staff | None] = relationship(foreign_keys=[social_worker_id])
    head: Mapped[Staff | None] = relationship(foreign_keys=[head_id])
    previous: Mapped[ServiceContract | None] = relationship(remote_side=[id])

    @property
    def locked(self) -> bool:
        """Signed (or later): the text may no longer change; an amendment does."""
        return self.status != "draft"

    def __str__(self) -> str:
        return f"{CONTRACT_KINDS.label(self.kind)} — {self.client.full_name}"
