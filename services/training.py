"""Training operations shared by the screens and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from models import TrainingClass, TrainingSession, db

from .conflicts import Conflict, describe, find_conflicts
from .dates import format_date
from .schedule import (
    Booking,
    enrolled_by_class,
    enrolled_on,
    holidays_between,
    staff_of,
    weekly_days,
)


def class_dates(klass: TrainingClass, holidays: set[date]) -> list[date]:
    """Every date between the class's start and end that falls on one of its weekdays and
    is not a holiday, in order."""
    return sorted(day for weekday in {int(d) for d in klass.weekdays}
                  for day in weekly_days(weekday, klass.start_date, klass.end_date, holidays))


@dataclass
class Generated:
    """What a generation run did for one class."""

    klass: TrainingClass
    created: list[TrainingSession] = field(default_factory=list)
    skipped: list[Conflict] = field(default_factory=list)

    def messages(self) -> list[str]:
        """Why dates were left out, naming what is already booked then."""
        if not self.skipped:
            return []
        days = sorted({c.booking.day for c in self.skipped})
        head = ", ".join(format_date(day) for day in days[:10]) + (" …" if len(days) > 10
                                                                   else "")
        return [_("%(klass)s: %(n)s pertemuan tidak dibuat karena bentrok (%(days)s).",
                  klass=self.klass.name, n=len(days), days=head), *describe(self.skipped)]


def generate_sessions(klass: TrainingClass) -> Generated:
    """Add the sessions of ``klass``'s weekly pattern that do not exist yet (not committed).

    Idempotent: a date that already has a session at the class's start time is left alone,
    so running it again, or after the admin moved a session, adds nothing twice. A date on
    which the instructor, the place or an enrolled client is already booked at that time is
    skipped and reported, like a holiday but with the reason. A fixed number of queries
    whatever the length of the class.
    """
    holidays = holidays_between(klass.start_date, klass.end_date)
    existing = set(db.session.scalars(
        select(TrainingSession.date).where(
            TrainingSession.class_id == klass.id,
            TrainingSession.start_time == klass.start_time,
        )
    ))
    days = [day for day in class_dates(klass, holidays) if day not in existing]
    enrollments = enrolled_by_class([klass.id]).get(klass.id, [])
    bookings = [Booking("training", None, ("class", klass.id), klass.name, day,
                        klass.start_time, klass.end_time, staff_of(klass.instructor),
                        klass.location, enrolled_on(enrollments, day)) for day in days]
    result = Generated(klass, skipped=find_conflicts(bookings))
    refused = {conflict.booking.day for conflict in result.skipped}
    result.created = [
        TrainingSession(training_class=klass, date=day, start_time=klass.start_time,
                        end_time=klass.end_time)
        for day in days
        if day not in refused
    ]
    db.session.add_all(result.created)
    return result
