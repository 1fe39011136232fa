"""Conflicts between bookings, the free slots offered instead, and their descriptions.

The same staff member, the same place or the same client at overlapping times is a
conflict. Slots that only touch (one ends at 10:00, the next starts at 10:00) do not
overlap. Every check reads the calendar (services.schedule) over its days once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from models import Client, TrainingClass, db
from models.choices import WEEKDAYS

from .dates import format_date, format_time, today
from .schedule import Booking, bookings_between, holidays_between, pattern_bookings


@dataclass
class Conflict:
    """``booking`` (being saved) meets ``other`` (already booked) at the same time."""

    booking: Booking
    other: Booking
    staff: list[str]
    place: str | None
    clients: frozenset[int]


def clients_busy_during(klass: TrainingClass, from_day: date) -> set[int]:
    """Clients booked elsewhere (another class, a guidance group, an activity, a KK) at a
    time of ``klass``'s meetings from ``from_day`` on: who cannot join it without a clash.
    One read of the calendar over the class's span (as ``find_conflicts`` does)."""
    meetings = [b for b in pattern_bookings(klass, from_day, clients=()) if b.timed]
    if not meetings:
        return set()
    by_day: dict[date, list[Booking]] = defaultdict(list)
    for meeting in meetings:
        by_day[meeting.day].append(meeting)
    busy: set[int] = set()
    for other in bookings_between(min(by_day), max(by_day)):
        if other.allow_overlap or other.owner == ("class", klass.id) or not other.clients:
            continue
        if any(meeting.overlaps(other) for meeting in by_day.get(other.day, ())):
            busy |= other.clients
    return busy


# --- conflicts ---------------------------------------------------------------------------

def checked(candidates: list[Booking]) -> list[Booking]:
    """The candidates a conflict check looks at: timed, not allowed to overlap."""
    return [c for c in candidates if c.timed and not c.allow_overlap]


def booked_by_day(first: date, last: date) -> dict[date, list[Booking]]:
    """Everything booked from ``first`` to ``last``, by day (one load)."""
    booked: dict[date, list[Booking]] = defaultdict(list)
    for other in bookings_between(first, last):
        booked[other.day].append(other)
    return booked


def find_conflicts(candidates: list[Booking]) -> list[Conflict]:
    """Every place where ``candidates`` meet what is already booked, all at once. A record
    never conflicts with its own stored version, nor a class's pattern with the sessions it
    stands for."""
    candidates = checked(candidates)
    if not candidates:
        return []
    return _meetings(candidates, booked_by_day(min(c.day for c in candidates),
                                               max(c.day for c in candidates)))


def _meetings(candidates: list[Booking], booked: dict[date, list[Booking]]) -> list[Conflict]:
    """The conflicts of ``candidates`` with the ``booked`` events (no query)."""
    conflicts = []
    for candidate in candidates:
        for other in booked.get(candidate.day, ()):
            if other.allow_overlap or not candidate.overlaps(other):
                continue
            if candidate.record_id is not None and other.key == candidate.key:
                continue  # its own stored version
            if other.owner == candidate.owner and (candidate.replaces_owner
                                                   or other.record_id is None):
                continue  # a class's pattern and its own sessions stand for each other
            staff = sorted(name for staff_id, name in candidate.staff.items()
                           if staff_id in other.staff)
            place = candidate.place if candidate.place_key and \
                candidate.place_key == other.place_key else None
            clients = candidate.clients & other.clients
            if staff or place or clients:
                conflicts.append(Conflict(candidate, other, staff, place, clients))
    return conflicts


def conflicts_and_slots(candidates: list[Booking], one_off: bool,
                        limit: int = 3) -> tuple[list[Conflict], list[Slot]]:
    """find_conflicts and, when there is any, the free_slots, reading the calendar over the
    candidates' days once for both."""
    candidates = checked(candidates)
    if not candidates:
        return [], []
    booked = booked_by_day(min(c.day for c in candidates), max(c.day for c in candidates))
    conflicts = _meetings(candidates, booked)
    if not conflicts:
        return [], []
    return conflicts, free_slots(candidates, one_off, booked, limit)


# --- free slots --------------------------------------------------------------------------

# The hours a suggested slot may take: the panti's working day, 07:00–17:00 (morning roll
# call to the end of the afternoon programme), on the half hour.
WORKING_HOURS = (time(7), time(17))
SLOT_STEP = timedelta(minutes=30)
# How many weeks after its date a one-off booking may be moved to (same weekday).
SLOT_WEEKS = 8


@dataclass(frozen=True)
class Slot:
    """A free time for what was refused: a new date (one-off) or the same days (weekly)."""

    day: date | None
    start: time
    end: time

    def label(self) -> str:
        hours = f"{format_time(self.start)}–{format_time(self.end)}"
        if self.day is None:
            return hours
        return f"{WEEKDAYS.label(str(self.day.isoweekday()))} {format_date(self.day)} {hours}"


def _starts(length: timedelta) -> list[time]:
    """Every start on the half hour at which a slot of ``length`` fits the working hours."""
    first, last = (datetime.combine(date.min, t) for t in WORKING_HOURS)
    starts = []
    moment = first
    while moment + length <= last:
        starts.append(moment.time())
        moment += SLOT_STEP
    return starts


def free_slots(candidates: list[Booking], one_off: bool, booked: dict[date, list[Booking]],
               limit: int = 3) -> list[Slot]:
    """Up to ``limit`` slots of the same length on the same weekday where the staff, the
    place and the clients of ``candidates`` are all free, within WORKING_HOURS.

    A one-off booking (``one_off``: a single date) is offered the later times of its own
    day, then the same weekday of the next SLOT_WEEKS weeks (holidays and past days
    skipped). A weekly pattern keeps its days and is offered the times after the requested
    one, then the earlier ones. ``booked`` is the calendar over the candidates' days (a
    one-off's later weeks are loaded here): at most one load whatever is tried.
    """
    candidates = checked(candidates)
    if not candidates:
        return []
    asked = candidates[0]
    length = datetime.combine(date.min, asked.end) - datetime.combine(date.min, asked.start)
    starts = _starts(length) if length > timedelta(0) else []
    if one_off:
        base = asked.day
        last = base + timedelta(weeks=SLOT_WEEKS)
        holidays, earliest = holidays_between(base, last), today()
        tries = [(base, start) for start in starts if start > asked.start]
        for week in range(1, SLOT_WEEKS + 1):
            day = base + timedelta(weeks=week)
            if day >= earliest and day not in holidays:
                tries += [(day, start) for start in starts]
        # Its own day is loaded already, the weeks after it are not.
        booked = {**booked_by_day(base + timedelta(days=1), last), base: booked.get(base, [])}
    else:
        tries = ([(None, start) for start in starts if start > asked.start]
                 + [(None, start) for start in starts if start < asked.start])
    found: list[Slot] = []
    for day, start in tries:
        end = (datetime.combine(date.min, start) + length).time()
        moved = [replace(c, day=day or c.day, start=start, end=end) for c in candidates]
        if not _meetings(moved, booked):
            found.append(Slot(day, start, end))
            if len(found) == limit:
                break
    return found


def describe(conflicts: list[Conflict], limit: int = 5) -> list[str]:
    """One sentence per conflicting event naming it, its time and what is shared; a weekly
    event met on many days is named once with the number of further days."""
    if not conflicts:
        return []
    groups: dict[tuple, list[Conflict]] = {}
    for conflict in conflicts:
        key = (conflict.other.owner, conflict.other.start, conflict.other.end,
               tuple(conflict.staff), conflict.place, conflict.clients)
        groups.setdefault(key, []).append(conflict)
    shown = list(groups.values())[:limit]
    client_ids = set().union(*(group[0].clients for group in shown))
    names = dict(db.session.execute(
        select(Client.id, Client.full_name).where(Client.id.in_(client_ids))
    ).all()) if client_ids else {}
    messages = []
    for group in shown:
        conflict = group[0]
        shared = []
        if conflict.staff:
            shared.append(_("petugas yang sama (%(names)s)", names=", ".join(conflict.staff)))
        if conflict.place:
            shared.append(_("tempat yang sama (%(place)s)", place=conflict.place))
        if conflict.clients:
            listed = sorted(names.get(i, str(i)) for i in conflict.clients)
            shown_names = ", ".join(listed[:5]) + (" …" if len(listed) > 5 else "")
            shared.append(_("klien yang sama (%(names)s)", names=shown_names))
        other = conflict.other.label()
        if len(group) > 1:
            other = _("%(event)s dan %(n)s kali lagi sampai %(last)s", event=other,
                      n=len(group) - 1, last=format_date(group[-1].other.day))
        messages.append(_("Bentrok dengan %(other)s: %(shared)s.", other=other,
                          shared="; ".join(shared)))
    if len(groups) > limit:
        messages.append(_("… dan %(n)s bentrok lainnya.", n=len(groups) - limit))
    return messages
