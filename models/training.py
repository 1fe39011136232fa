"""Skill training (bimbingan keterampilan): skills, classes, enrollments and sessions."""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, check_order, db
from .choices import ATENSI_COMPONENTS
from .client import Client
from .staff import Staff

if TYPE_CHECKING:
    from .attendance import Attendance


class SkillType(VersionMixin, TimestampMixin, db.Model):
    """A skill the panti teaches (menjahit, las, sablon, ...)."""

    __tablename__ = "skill_type"
    __table_args__ = (check_in("atensi", "atensi", ATENSI_COMPONENTS.codes),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Skill training is ATENSI's vocational component (5), unless the panti says otherwise.
    atensi: Mapped[str] = mapped_column(String(20), default="vocational",
                                        server_default="vocational")

    def __str__(self) -> str:
        return self.name


class TrainingClass(VersionMixin, TimestampMixin, db.Model):
    """A class (kelas/kelompok) of one skill, taught by an instructor on a weekly pattern.

    ``weekdays`` holds ISO weekday digits, e.g. ``"135"`` for Monday, Wednesday, Friday.
    """

    __tablename__ = "training_class"
    __table_args__ = (
        check_order("dates_ordered", "start_date", "end_date"),
        check_order("times_ordered", "start_time", "end_time", strict=True),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint(
            "length(weekdays) BETWEEN 1 AND 7 AND trim(weekdays, '1234567') = ''",
            name="weekdays",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    skill_type_id: Mapped[int] = mapped_column(ForeignKey("skill_type.id"), index=True)
    instructor_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    location: Mapped[str | None] = mapped_column(String(120))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    weekdays: Mapped[str] = mapped_column(String(7))
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    capacity: Mapped[int] = mapped_column(Integer)

    skill_type: Mapped[SkillType] = relationship()
    instructor: Mapped[Staff | None] = relationship()
    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="training_class", cascade="all, delete-orphan"
    )
    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="training_class",
        cascade="all, delete-orphan",
        order_by="TrainingSession.date",
    )

    def __str__(self) -> str:
        return self.name


class Enrollment(VersionMixin, TimestampMixin, db.Model):
    """A client's place in a class; leaving sets ``left_on`` and keeps past attendance."""

    __tablename__ = "enrollment"
    __table_args__ = (
        UniqueConstraint("class_id", "client_id"),
        check_order("dates_ordered", "enrolled_on", "left_on"),
        # The enrollment list's default order (newest first, the id settling ties): a page
        # is read from the index instead of sorting every enrollment.
        Index("ix_enrollment_enrolled_on", "enrolled_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("training_class.id", ondelete="CASCADE"), index=True
    )
    # Clients and sessions with records cannot be deleted (RESTRICT): the history stays.
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    enrolled_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)

    training_class: Mapped[TrainingClass] = relationship(back_populates="enrollments")
    client: Mapped[Client] = relationship()

    def __str__(self) -> str:
        return f"{self.client} @ {self.training_class}"


class TrainingSession(VersionMixin, TimestampMixin, db.Model):
    """One dated meeting (pertemuan) of a class."""

    __tablename__ = "training_session"
    __table_args__ = (
        UniqueConstraint("class_id", "date", "start_time"),
        check_order("times_ordered", "start_time", "end_time", strict=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("training_class.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    topic: Mapped[str | None] = mapped_column(String(200))

    training_class: Mapped[TrainingClass] = relationship(back_populates="sessions")
    # passive_deletes="all": deleting a session with attendance fails in the database
    # instead of the ORM silently orphaning the rows.
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="session", passive_deletes="all"
    )

    def __str__(self) -> str:
        return f"{self.training_class} — {self.date:%d/%m/%Y}"


# Clients currently in a class (left_on empty), read in the class's own SELECT.
TrainingClass.enrolled_count = column_property(
    select(func.count(Enrollment.id))
    .where(Enrollment.class_id == TrainingClass.id, Enrollment.left_on.is_(None))
    .correlate_except(Enrollment)
    .scalar_subquery()
)
