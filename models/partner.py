"""Network partners (jaringan kerja) and their cooperation agreements (MoU)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import TimestampMixin, VersionMixin, check_in, check_order, db
from .choices import PARTNER_KINDS


class NetworkPartner(VersionMixin, TimestampMixin, db.Model):
    """A resource owner the panti refers clients to or places them with."""

    __tablename__ = "network_partner"
    __table_args__ = (
        check_in("kind", "kind", PARTNER_KINDS.codes),
        check_order("mou_ordered", "mou_start", "mou_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    contact_person: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(255))
    mou_number: Mapped[str | None] = mapped_column(String(80))
    mou_start: Mapped[date | None] = mapped_column(Date)
    mou_end: Mapped[date | None] = mapped_column(Date)
    services: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.name
