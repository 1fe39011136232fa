"""Formulir 4 — the head's performance evaluations of the social workers: when each is
due. The rules of one evaluation are in ``evaluation_rules``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from models import Staff, WorkerEvaluation, db

from .dates import add_months, local

# Every social worker is evaluated twice a year (the supervisor's administrative function,
# seeds: "Fungsi Supervisi"); the first one six months after they join the panti.
EVALUATION_MONTHS = 6


@dataclass(frozen=True)
class EvaluationDue:
    """A social worker due for Formulir 4: since when, and their last evaluation's day."""

    staff: Staff
    due: date
    last: date | None


def evaluations_due(today: date) -> list[EvaluationDue]:
    """Every active social worker whose last evaluation is more than EVALUATION_MONTHS old
    (or who joined that long ago and has none), most overdue first; one query."""
    last = select(WorkerEvaluation.staff_id,
                  func.max(WorkerEvaluation.evaluated_on).label("day")) \
        .group_by(WorkerEvaluation.staff_id).subquery()
    due = []
    for staff, day in db.session.execute(
            select(Staff, last.c.day).outerjoin(last, last.c.staff_id == Staff.id)
            .where(Staff.position == "social_worker", Staff.active.is_(True))):
        since = add_months(day or local(staff.created_at).date(), EVALUATION_MONTHS)
        if since <= today:
            due.append(EvaluationDue(staff, since, day))
    due.sort(key=lambda entry: (entry.due, entry.staff.name))
    return due
