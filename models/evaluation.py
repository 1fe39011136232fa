"""Formulir 4 — Evaluasi Unjuk Kerja Pekerja Sosial: the head's evaluation of a social
worker's performance, activity by activity (DOMAIN, forms in the seeds)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, check_order, db
from .choices import PERFORMANCE_RATINGS
from .staff import Staff


class WorkerEvaluation(VersionMixin, TimestampMixin, db.Model):
    """One social worker's evaluation over a period: who evaluated, when, the conclusion;
    the rows of the form are its activities."""

    __tablename__ = "worker_evaluation"
    __table_args__ = (check_order("period_ordered", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # An evaluation outlives a worker's leaving: staff are deactivated, not deleted.
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    evaluator_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    evaluated_on: Mapped[date] = mapped_column(Date, index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    conclusion: Mapped[str | None] = mapped_column(Text)

    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])
    evaluator: Mapped[Staff | None] = relationship(foreign_keys=[evaluator_id])
    activities: Mapped[list[EvaluationActivity]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan",
        order_by="EvaluationActivity.position")

    def __str__(self) -> str:
        return f"Evaluasi unjuk kerja — {self.staff.name} ({self.evaluated_on:%d/%m/%Y})"


class EvaluationActivity(VersionMixin, TimestampMixin, db.Model):
    """One row of Formulir 4: the activity, its time, how its steps were carried out, the
    rating of the performance and the recommendation."""

    __tablename__ = "evaluation_activity"
    __audit_parent__ = "evaluation_id"  # its changes are part of the evaluation's history
    __version_parent__ = "evaluation"  # one form edits both
    __table_args__ = (check_in("rating", "rating", PERFORMANCE_RATINGS.codes),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("worker_evaluation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    activity: Mapped[str] = mapped_column(Text)
    activity_date: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str] = mapped_column(String(20))
    recommendation: Mapped[str | None] = mapped_column(Text)

    evaluation: Mapped[WorkerEvaluation] = relationship(back_populates="activities")

    def __str__(self) -> str:
        return self.activity[:80]
