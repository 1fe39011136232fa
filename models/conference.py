"""Case conferences (konferensi kasus, KK): the meeting that decides a client's plan."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, check_order, db
from .choices import CONFERENCE_KINDS
from .client import Client
from .staff import Staff

conference_attendee = Table(
    "conference_attendee",
    db.metadata,
    Column("conference_id", ForeignKey("case_conference.id", ondelete="CASCADE"),
           primary_key=True),
    Column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
)

conference_client = Table(
    "conference_client",
    db.metadata,
    Column("conference_id", ForeignKey("case_conference.id", ondelete="CASCADE"),
           primary_key=True),
    Column("client_id", ForeignKey("client.id", ondelete="CASCADE"), primary_key=True),
)


class CaseConference(VersionMixin, TimestampMixin, db.Model):
    """A KK meeting: its kind, chair, attendees, the clients discussed, summary and decisions."""

    __tablename__ = "case_conference"
    __table_args__ = (
        check_in("kind", "kind", CONFERENCE_KINDS.codes),
        check_order("times_ordered", "start_time", "end_time", strict=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    kind: Mapped[str] = mapped_column(String(30))
    location: Mapped[str | None] = mapped_column(String(120))
    chair_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    summary: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)

    chair: Mapped[Staff | None] = relationship()
    attendees: Mapped[list[Staff]] = relationship(secondary=conference_attendee)
    clients: Mapped[list[Client]] = relationship(secondary=conference_client)

    @property
    def kind_label(self) -> str:
        return CONFERENCE_KINDS.label(self.kind)

    def __str__(self) -> str:
        return f"KK {self.date:%d/%m/%Y} — {self.kind_label}"
