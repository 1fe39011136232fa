"""Attendance (kehadiran) at anything a client is expected at: a training session, one
meeting of a guidance schedule, a recreation activity."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, db
from .choices import ATTENDANCE_CODES
from .client import Client
from .guidance import GuidanceSchedule
from .recreation import RecreationActivity
from .training import TrainingSession


class Attendance(VersionMixin, TimestampMixin, db.Model):
    """A client's code at one event: H hadir, I izin, S sakit, A alpa.

    Exactly one of the three event references is set. A guidance schedule repeats weekly,
    so its meeting is the schedule plus ``guidance_date``.
    """

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "client_id"),
        UniqueConstraint("activity_id", "client_id"),
        UniqueConstraint("guidance_id", "guidance_date", "client_id"),
        check_in("code", "code", ATTENDANCE_CODES.codes),
        CheckConstraint(
            "(CASE WHEN session_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN activity_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN guidance_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_event",
        ),
        CheckConstraint("(guidance_id IS NULL) = (guidance_date IS NULL)",
                        name="guidance_dated"),
        # The attendance list sorted by code: read in order, not millions of rows sorted.
        Index("ix_attendance_code_id", "code", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Events with records cannot be deleted (RESTRICT): the history stays.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_session.id"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("recreation_activity.id"), index=True
    )
    guidance_id: Mapped[int | None] = mapped_column(
        ForeignKey("guidance_schedule.id"), index=True
    )
    # Indexed: a month's reports find the guidance rows by their day (tests/test_history_cost).
    guidance_date: Mapped[date | None] = mapped_column(Date, index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    code: Mapped[str] = mapped_column(String(1))
    note: Mapped[str | None] = mapped_column(String(255))

    session: Mapped[TrainingSession | None] = relationship(back_populates="attendances")
    activity: Mapped[RecreationActivity | None] = relationship()
    guidance: Mapped[GuidanceSchedule | None] = relationship()
    client: Mapped[Client] = relationship()

    def __str__(self) -> str:
        return f"{self.client} {self.code}"
