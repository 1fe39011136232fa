"""Everything booked on the panti's calendar.

Four kinds of events take a time slot: training sessions, meetings of guidance schedules
(a weekly schedule repeats on its weekday), recreation activities and case conferences.
The calendar shows them; every save checks a new or changed booking against them (the
conflicts between bookings live in services.conflicts).

Loading a date range costs a fixed number of queries whatever it holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from models import (
    CaseConference,
    Enrollment,
    GuidanceSchedule,
    Holiday,
    RecreationActivity,
    Staff,
    TrainingClass,
    TrainingSession,
    db,
)
from models.choices import CONFERENCE_KINDS, Choices
from models.conference import conference_attendee, conference_client
from models.guidance import guidance_client
from models.recreation import recreation_participant

from .dates import format_date, format_time

EVENT_KINDS = Choices(
    ("training", _l("Pelatihan")),
    ("guidance", _l("Bimbingan")),
    ("recreation", _l("Rekreasi")),
    ("conference", _l("Konferensi kasus")),
)
ALL_KINDS = tuple(EVENT_KINDS.codes)

# How far ahead an open-ended weekly pattern is checked for conflicts.
HORIZON = timedelta(days=366)
# The longest stretch any weekly pattern is expanded over, whatever its end date: a class
# lasts at most this long (its form says so), and a weekly guidance schedule is checked for
# conflicts this far ahead (a later booking is checked against it when it is saved). Without
# a bound a class ending in 2500 took seconds and half a gigabyte to save.
PATTERN_SPAN = timedelta(days=2 * 366)


@dataclass
class Booking:
    """One occurrence of an event on one day."""

    kind: str
    record_id: int | None  # session, schedule, activity or conference id (None: unsaved)
    owner: tuple[str, int | None]  # what the occurrence belongs to: ("class", id) for training
    title: str
    day: date
    start: time | None
    end: time | None
    staff: dict[int, str] = field(default_factory=dict)  # staff id → name
    place: str | None = None
    clients: frozenset[int] = frozenset()
    allow_overlap: bool = False
    # A class's pattern stands for all its sessions: its stored ones are being replaced.
    replaces_owner: bool = False

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.kind, self.record_id)

    @property
    def place_key(self) -> str | None:
        """The place as compared: case and spacing do not make two rooms."""
        return " ".join(self.place.split()).casefold() if self.place else None

    @property
    def timed(self) -> bool:
        return self.start is not None and self.end is not None

    def overlaps(self, other: Booking) -> bool:
        return (self.day == other.day and self.timed and other.timed
                and self.start < other.end and other.start < self.end)

    @property
    def hours(self) -> str:
        if not self.timed:
            return ""
        return f"{format_time(self.start)}–{format_time(self.end)}"

    def label(self) -> str:
        """How a user recognises it: kind, title, date and time."""
        return f"{EVENT_KINDS.label(self.kind)} «{self.title}» {format_date(self.day)} {self.hours}"



# --- loading what is booked ------------------------------------------------------------

def month_end(first: date) -> date:
    """The last day of ``first``'s month."""
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def pattern_end(first: date) -> date:
    """The last day a weekly pattern starting on ``first`` is expanded to."""
    return first + PATTERN_SPAN if first <= date.max - PATTERN_SPAN else date.max


def weekly_days(weekday: int, first: date, last: date, holidays: set[date]) -> Iterator[date]:
    """Every ``weekday`` (1 = Senin) between ``first`` and ``last`` that is not a holiday,
    at most PATTERN_SPAN from ``first``."""
    last = min(last, pattern_end(first))
    offset = (weekday - first.isoweekday()) % 7
    if first > last or (last - first).days < offset:
        return
    start = first + timedelta(days=offset)
    for week in range((last - start).days // 7 + 1):  # counted: no date past date.max
        day = start + timedelta(weeks=week)
        if day not in holidays:
            yield day


def holidays_between(first: date, last: date) -> set[date]:
    return set(db.session.scalars(select(Holiday.date).where(Holiday.date.between(first, last))))


def _pairs(table_column, key_column, ids: Iterable[int]) -> dict[int, set[int]]:
    """``key → {values}`` from an association table, for the given keys (one query)."""
    ids = list(ids)
    found: dict[int, set[int]] = defaultdict(set)
    if ids:
        for key, value in db.session.execute(
            select(key_column, table_column).where(key_column.in_(ids))
        ):
            found[key].add(value)
    return found


def enrolled_by_class(class_ids: Iterable[int]) -> dict[int, list[tuple[int, date, date | None]]]:
    """class id → [(client id, enrolled on, left on)] (one query)."""
    found: dict[int, list] = defaultdict(list)
    class_ids = list(class_ids)
    if class_ids:
        for class_id, client_id, enrolled_on, left_on in db.session.execute(
            select(Enrollment.class_id, Enrollment.client_id, Enrollment.enrolled_on,
                   Enrollment.left_on).where(Enrollment.class_id.in_(class_ids))
        ):
            found[class_id].append((client_id, enrolled_on, left_on))
    return found


def enrolled_on(enrollments, day: date) -> frozenset[int]:
    """The clients of ``enrollments`` who are in the class on ``day``."""
    return frozenset(client for client, start, left in enrollments
                     if start <= day and (left is None or left >= day))


def _training(first: date, last: date, where: list[Any], holidays: set[date]) -> list[Booking]:
    """Sessions in the range, and the weekly pattern of each class on the days after its
    last session (a class whose sessions are not generated yet is booked all the same)."""
    rows = db.session.execute(
        select(TrainingSession.id, TrainingSession.class_id, TrainingSession.date,
               TrainingSession.start_time, TrainingSession.end_time, TrainingClass.name,
               TrainingClass.location, TrainingClass.instructor_id, Staff.name)
        .join(TrainingClass, TrainingSession.class_id == TrainingClass.id)
        .outerjoin(Staff, TrainingClass.instructor_id == Staff.id)
        .where(TrainingSession.date.between(first, last), *where)
    ).all()
    last_session = (select(func.max(TrainingSession.date))
                    .where(TrainingSession.class_id == TrainingClass.id)
                    .correlate(TrainingClass).scalar_subquery())
    classes = db.session.execute(
        select(TrainingClass.id, TrainingClass.name, TrainingClass.location,
               TrainingClass.instructor_id, Staff.name, TrainingClass.weekdays,
               TrainingClass.start_date, TrainingClass.end_date, TrainingClass.start_time,
               TrainingClass.end_time, last_session.label("last_session"))
        .outerjoin(Staff, TrainingClass.instructor_id == Staff.id)
        .where(TrainingClass.start_date <= last, TrainingClass.end_date >= first, *where)
    ).all()
    enrollments = enrolled_by_class({row.class_id for row in rows} | {k.id for k in classes})
    bookings = [
        Booking("training", row.id, ("class", row.class_id), row[5], row.date, row.start_time,
                row.end_time, {row.instructor_id: row[8]} if row.instructor_id else {},
                row.location, enrolled_on(enrollments[row.class_id], row.date))
        for row in rows
    ]
    for klass in classes:
        start = max(first, klass.start_date)
        if klass.last_session is not None:
            start = max(start, klass.last_session + timedelta(days=1))
        end = min(last, klass.end_date)
        staff = {klass.instructor_id: klass[4]} if klass.instructor_id else {}
        for weekday in {int(d) for d in klass.weekdays}:
            for day in weekly_days(weekday, start, end, holidays):
                bookings.append(Booking(
                    "training", None, ("class", klass.id), klass.name, day, klass.start_time,
                    klass.end_time, staff, klass.location,
                    enrolled_on(enrollments[klass.id], day)))
    return bookings


def _guidance(first: date, last: date, where: list[Any], holidays: set[date]) -> list[Booking]:
    rows = db.session.execute(
        select(GuidanceSchedule.id, GuidanceSchedule.title, GuidanceSchedule.weekday,
               GuidanceSchedule.date, GuidanceSchedule.valid_from, GuidanceSchedule.valid_until,
               GuidanceSchedule.start_time, GuidanceSchedule.end_time,
               GuidanceSchedule.location, GuidanceSchedule.staff_id, Staff.name)
        .outerjoin(Staff, GuidanceSchedule.staff_id == Staff.id)
        .where(or_(
            GuidanceSchedule.date.between(first, last),
            and_(GuidanceSchedule.weekday.is_not(None),
                 or_(GuidanceSchedule.valid_from.is_(None), GuidanceSchedule.valid_from <= last),
                 or_(GuidanceSchedule.valid_until.is_(None),
                     GuidanceSchedule.valid_until >= first)),
        ), *where)
    ).all()
    clients = _pairs(guidance_client.c.client_id, guidance_client.c.schedule_id,
                     [row.id for row in rows])
    bookings = []
    for row in rows:
        staff = {row.staff_id: row.name} if row.staff_id else {}
        for day in guidance_days(row, first, last, holidays):
            bookings.append(Booking("guidance", row.id, ("guidance", row.id), row.title, day,
                                    row.start_time, row.end_time, staff, row.location,
                                    frozenset(clients[row.id])))
    return bookings


def guidance_days(schedule, first: date, last: date, holidays: set[date]) -> list[date]:
    """The meeting days of a guidance schedule between ``first`` and ``last``: its date, or
    its weekday within the validity dates, holidays skipped."""
    if schedule.date is not None:
        return [schedule.date] if first <= schedule.date <= last else []
    start = max(first, schedule.valid_from or first)
    end = min(last, schedule.valid_until or last)
    return list(weekly_days(schedule.weekday, start, end, holidays))


def _recreation(first: date, last: date, where: list[Any]) -> list[Booking]:
    rows = db.session.execute(
        select(RecreationActivity.id, RecreationActivity.title, RecreationActivity.date,
               RecreationActivity.start_time, RecreationActivity.end_time,
               RecreationActivity.place, RecreationActivity.leader_id,
               RecreationActivity.allow_overlap, Staff.name)
        .outerjoin(Staff, RecreationActivity.leader_id == Staff.id)
        .where(RecreationActivity.date.between(first, last), *where)
    ).all()
    participants = _pairs(recreation_participant.c.client_id,
                          recreation_participant.c.activity_id, [row.id for row in rows])
    return [
        Booking("recreation", row.id, ("recreation", row.id), row.title, row.date,
                row.start_time, row.end_time,
                {row.leader_id: row.name} if row.leader_id else {}, row.place,
                frozenset(participants[row.id]), row.allow_overlap)
        for row in rows
    ]


def _conferences(first: date, last: date, where: list[Any]) -> list[Booking]:
    rows = db.session.execute(
        select(CaseConference.id, CaseConference.kind, CaseConference.date,
               CaseConference.start_time, CaseConference.end_time, CaseConference.location,
               CaseConference.chair_id, Staff.name)
        .outerjoin(Staff, CaseConference.chair_id == Staff.id)
        .where(CaseConference.date.between(first, last), *where)
    ).all()
    ids = [row.id for row in rows]
    clients = _pairs(conference_client.c.client_id, conference_client.c.conference_id, ids)
    attendees: dict[int, dict[int, str]] = defaultdict(dict)
    if ids:
        for conference_id, staff_id, name in db.session.execute(
            select(conference_attendee.c.conference_id, Staff.id, Staff.name)
            .join(Staff, Staff.id == conference_attendee.c.staff_id)
            .where(conference_attendee.c.conference_id.in_(ids))
        ):
            attendees[conference_id][staff_id] = name
    bookings = []
    for row in rows:
        staff = dict(attendees[row.id])
        if row.chair_id:
            staff[row.chair_id] = row.name
        bookings.append(Booking("conference", row.id, ("conference", row.id),
                                CONFERENCE_KINDS.label(row.kind), row.date, row.start_time,
                                row.end_time, staff, row.location, frozenset(clients[row.id])))
    return bookings


def bookings_between(first: date, last: date, kinds: Iterable[str] = ALL_KINDS,
                     where: dict[str, list[Any]] | None = None) -> list[Booking]:
    """Every booking from ``first`` to ``last`` (inclusive), sorted by day and time. A class
    whose sessions are not generated (yet) is booked by its weekly pattern: such bookings
    have no ``record_id``.

    ``where`` narrows a kind with extra conditions (the calendar passes each role's scope).
    """
    where = where or {}
    kinds = set(kinds)
    holidays = holidays_between(first, last)
    bookings: list[Booking] = []
    if "training" in kinds:
        bookings += _training(first, last, where.get("training", []), holidays)
    if "guidance" in kinds:
        bookings += _guidance(first, last, where.get("guidance", []), holidays)
    if "recreation" in kinds:
        bookings += _recreation(first, last, where.get("recreation", []))
    if "conference" in kinds:
        bookings += _conferences(first, last, where.get("conference", []))
    bookings.sort(key=lambda b: (b.day, b.start or time.min, b.kind, b.title))
    return bookings


# --- bookings about to be saved ----------------------------------------------------------

def pattern_bookings(klass: TrainingClass, from_day: date,
                     clients: Iterable[int] | None = None) -> list[Booking]:
    """The occurrences of a class from ``from_day`` on: its sessions already planned, and
    the days of its weekly pattern that have none yet (holidays skipped).

    ``clients`` overrides who is booked (an enrollment checks one client only); by default
    the class's enrolled clients on each day.
    """
    first = max(klass.start_date, from_day)
    sessions = [] if klass.id is None else db.session.execute(
        select(TrainingSession.id, TrainingSession.date, TrainingSession.start_time,
               TrainingSession.end_time)
        .where(TrainingSession.class_id == klass.id, TrainingSession.date >= first)
    ).all()
    planned = {(row.date, row.start_time) for row in sessions}
    occurrences = [(row.id, row.date, row.start_time, row.end_time) for row in sessions]
    if first <= klass.end_date:
        holidays = holidays_between(first, min(klass.end_date, pattern_end(first)))
        weekdays = {int(d) for d in klass.weekdays or ""}
        for weekday in weekdays:
            for day in weekly_days(weekday, first, klass.end_date, holidays):
                if (day, klass.start_time) not in planned:
                    occurrences.append((None, day, klass.start_time, klass.end_time))
    if clients is None:
        enrollments = enrolled_by_class([klass.id]).get(klass.id, []) if klass.id else []
    staff = staff_of(klass.instructor)
    return [
        Booking("training", session_id, ("class", klass.id), klass.name, day, start, end,
                staff, klass.location,
                frozenset(clients) if clients is not None else enrolled_on(enrollments, day),
                replaces_owner=True)
        for session_id, day, start, end in occurrences
    ]


def guidance_bookings(schedule: GuidanceSchedule, from_day: date) -> list[Booking]:
    """The meetings of a guidance schedule from ``from_day`` (a dated one: its own date)."""
    if schedule.date is not None:
        days = [schedule.date]
    else:
        first = max(from_day, schedule.valid_from or from_day)
        last = min(schedule.valid_until or first + HORIZON, pattern_end(first))
        days = guidance_days(schedule, first, last, holidays_between(first, last))
    staff = staff_of(schedule.staff)
    clients = frozenset(client.id for client in schedule.clients or [])
    return [Booking("guidance", schedule.id, ("guidance", schedule.id), schedule.title, day,
                    schedule.start_time, schedule.end_time, staff, schedule.location, clients)
            for day in days]


def staff_of(member) -> dict[int, str]:
    """A booking's staff from one (optional) staff member."""
    return {member.id: member.name} if member is not None else {}
