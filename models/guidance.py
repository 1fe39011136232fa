"""Guidance schedules (jadwal bimbingan): social, physical & health, mental-spiritual, family."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, check_order, db
from .choices import ATENSI_COMPONENTS, GUIDANCE_ATENSI, GUIDANCE_TYPES, WEEKDAYS
from .client import Client
from .staff import Staff

guidance_client = Table(
    "guidance_client",
    db.metadata,
    Column("schedule_id", ForeignKey("guidance_schedule.id", ondelete="CASCADE"),
           primary_key=True),
    Column("client_id", ForeignKey("client.id", ondelete="CASCADE"), primary_key=True),
)


def _atensi_of_type(context) -> str | None:
    """An insert's default: the component of its guidance type (None for a blank form)."""
    if context is None:
        return None
    return GUIDANCE_ATENSI.get(context.get_current_parameters().get("guidance_type"), "therapy")


class GuidanceSchedule(VersionMixin, TimestampMixin, db.Model):
    """A guidance slot: either weekly on a weekday (1 = Senin) or once on a date."""

    __tablename__ = "guidance_schedule"
    __table_args__ = (
        check_in("guidance_type", "guidance_type", GUIDANCE_TYPES.codes),
        check_in("atensi", "atensi", ATENSI_COMPONENTS.codes),
        CheckConstraint("(weekday IS NULL) <> (date IS NULL)", name="weekday_or_date"),
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 1 AND 7", name="weekday_range"),
        check_order("times_ordered", "start_time", "end_time", strict=True),
        check_order("validity_ordered", "valid_from", "valid_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guidance_type: Mapped[str] = mapped_column(String(30), index=True)
    # The ATENSI component it serves; left empty, the one of its guidance type.
    atensi: Mapped[str] = mapped_column(String(20), default=_atensi_of_type)
    title: Mapped[str] = mapped_column(String(150))
    weekday: Mapped[int | None] = mapped_column(Integer)
    date: Mapped[date | None] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    # A weekly slot runs between these dates (open-ended when empty).
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    location: Mapped[str | None] = mapped_column(String(120))
    group_name: Mapped[str | None] = mapped_column(String(120))

    staff: Mapped[Staff | None] = relationship()
    clients: Mapped[list[Client]] = relationship(secondary=guidance_client)

    @property
    def when_label(self) -> str:
        if self.date is not None:
            return f"{self.date:%d/%m/%Y}"
        return WEEKDAYS.label(str(self.weekday))

    def __str__(self) -> str:
        return f"{self.title} ({self.when_label})"
