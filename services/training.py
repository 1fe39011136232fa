"""Training operations shared by the screens and the command line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from models import Holiday, TrainingClass, TrainingSession, db


def class_dates(klass: TrainingClass, holidays: set[date]) -> Iterator[date]:
    """Every date between the class's start and end that falls on one of its weekdays and
    is not a holiday."""
    weekdays = {int(d) for d in klass.weekdays}
    day = klass.start_date
    while day <= klass.end_date:
        if day.isoweekday() in weekdays and day not in holidays:
            yield day
        day += timedelta(days=1)


def generate_sessions(klass: TrainingClass) -> list[TrainingSession]:
    """Add the sessions of ``klass``'s weekly pattern that do not exist yet (not committed).

    Idempotent: a date that already has a session at the class's start time is left alone,
    so running it again, or after the admin moved a session, adds nothing twice.
    Two queries whatever the length of the class.
    """
    holidays = set(db.session.scalars(
        select(Holiday.date).where(Holiday.date.between(klass.start_date, klass.end_date))
    ))
    existing = set(db.session.scalars(
        select(TrainingSession.date).where(
            TrainingSession.class_id == klass.id,
            TrainingSession.start_time == klass.start_time,
        )
    ))
    created = [
        TrainingSession(training_class=klass, date=day, start_time=klass.start_time,
                        end_time=klass.end_time)
        for day in class_dates(klass, holidays)
        if day not in existing
    ]
    db.session.add_all(created)
    return created
