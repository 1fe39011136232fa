"""Reports from the people around the client (issue 15): the dorm caregiver's report, a
health check by the doctor or nurse, the instructor's skill assessment at the end of a
class. Each is written by its author, read by the client's social worker and the head."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, db
from .choices import SKILL_LEVELS, STAFF_REPORT_KINDS
from .client import Client
from .staff import Staff
from .stay import StayMixin
from .training import TrainingClass


class StaffReport(StayMixin, VersionMixin, TimestampMixin, db.Model):
    """One report on a client by a member of staff; a skill assessment names its class and
    the level reached."""

    __tablename__ = "staff_report"
    __table_args__ = (
        check_in("kind", "kind", STAFF_REPORT_KINDS.codes),
        check_in("skill_level", "skill_level", SKILL_LEVELS.codes, nullable=True),
        CheckConstraint("kind <> 'skill' OR (class_id IS NOT NULL AND skill_level IS NOT NULL)",
                        name="skill_names_class_and_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[date] = mapped_column(Date, index=True)
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_class.id", ondelete="SET NULL"), index=True)
    skill_level: Mapped[str | None] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client] = relationship()
    author: Mapped[Staff | None] = relationship()
    training_class: Mapped[TrainingClass | None] = relationship()

    def __str__(self) -> str:
        return f"{STAFF_REPORT_KINDS.label(self.kind)} — {self.client.full_name}"
