"""Attendance summaries: tallies of the codes per class and per client (the summary page,
the client page, the monthly export) and how many clients are recorded at each event (the
grid's list of events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from models import (
    Attendance,
    Client,
    RecreationActivity,
    TrainingClass,
    TrainingSession,
    db,
)
from models.choices import ATTENDANCE_CODES

from .attendance import GRID_KINDS
from .schedule import bookings_between
from .scopes import led_events


@dataclass
class Tally:
    """Counts of each code and the attendance rate (H of all recorded)."""

    label: str
    key: int | None = None
    detail: str = ""
    H: int = 0
    I: int = 0  # noqa: E741 - the code's own letter
    S: int = 0
    A: int = 0

    @property
    def total(self) -> int:
        return self.H + self.I + self.S + self.A

    @property
    def rate(self) -> float | None:
        """Percentage present of the recorded meetings (None when nothing is recorded)."""
        return round(100 * self.H / self.total, 1) if self.total else None

    def add(self, other: Tally) -> None:
        for code in ATTENDANCE_CODES.codes:
            setattr(self, code, getattr(self, code) + getattr(other, code))


def code_counts():
    """Columns summing the rows of each attendance code, in H, I, S, A order."""
    return [func.sum(case((Attendance.code == code, 1), else_=0))
            for code in ATTENDANCE_CODES.codes]


def _tally(label, key, detail, counts) -> Tally:
    h, i, s, a = (int(n or 0) for n in counts)
    return Tally(label, key, detail, h, i, s, a)


def _within(query, first: date | None, last: date | None, class_ids, client_ids, where=()):
    """``query`` (over sessions and attendance) limited to the dates (open ends: all time),
    classes and clients given (a subquery or a list each; None: no limit) and the
    conditions ``where`` on attendance rows (the visibility policy's)."""
    query = query.where(*where)
    if first is not None:
        query = query.where(TrainingSession.date >= first)
    if last is not None:
        query = query.where(TrainingSession.date <= last)
    if class_ids is not None:
        query = query.where(TrainingSession.class_id.in_(class_ids))
    if client_ids is not None:
        query = query.where(Attendance.client_id.in_(client_ids))
    return query


def class_tallies(first: date | None, last: date | None, class_ids=None,
                  client_ids=None, where=()) -> list[Tally]:
    """Per class: the codes recorded at its sessions between ``first`` and ``last``."""
    query = (
        select(TrainingClass.id, TrainingClass.name, *code_counts())
        .join(TrainingSession, TrainingSession.class_id == TrainingClass.id)
        .join(Attendance, Attendance.session_id == TrainingSession.id)
        .group_by(TrainingClass.id, TrainingClass.name)
        .order_by(TrainingClass.name)
    )
    query = _within(query, first, last, class_ids, client_ids, where)
    return [_tally(row[1], row[0], "", row[2:]) for row in db.session.execute(query)]


def client_tallies(first: date | None, last: date | None, class_ids=None,
                   client_ids=None, where=()) -> list[Tally]:
    """Per client: the codes recorded at training sessions between ``first`` and ``last``
    (open ends: all time), optionally only in ``class_ids`` / for ``client_ids``."""
    query = (
        select(Client.id, Client.full_name, Client.register_number, *code_counts())
        .join(Attendance, Attendance.client_id == Client.id)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .group_by(Client.id, Client.full_name, Client.register_number)
        .order_by(Client.full_name, Client.id)
    )
    query = _within(query, first, last, class_ids, client_ids, where)
    return [_tally(row[1], row[0], row[2], row[3:]) for row in db.session.execute(query)]


def one_client_by_class(client_id: int) -> tuple[list[Tally], Tally]:
    """A client's training attendance per class over all time, and the overall tally."""
    tallies = class_tallies(None, None, client_ids=[client_id])
    overall = total_of(tallies)
    overall.label = _("Semua kelas")
    return tallies, overall


def format_rate(rate: float | None) -> str:
    """"87,5%" the Indonesian way; a dash when nothing was recorded."""
    return "—" if rate is None else f"{rate:.1f}".replace(".", ",") + "%"


def total_of(tallies: list[Tally]) -> Tally:
    """The column totals of a summary table."""
    total = Tally(_("Jumlah"))
    for tally in tallies:
        total.add(tally)
    return total


def recorded_counts(bookings) -> dict[tuple, int]:
    """How many clients are recorded at each of ``bookings`` (schedule.Booking), keyed by
    (kind, record id, day); one query per kind present."""
    counts: dict[tuple, int] = {}
    ids = {kind: {b.record_id for b in bookings if b.kind == kind} for kind in GRID_KINDS}
    dated = {  # kind → (the row's event column, the event's table, its date)
        "training": (Attendance.session_id, TrainingSession, TrainingSession.date),
        "recreation": (Attendance.activity_id, RecreationActivity, RecreationActivity.date),
    }
    for kind, (event_id, table, day) in dated.items():
        if ids[kind]:
            for record_id, on_day, n in db.session.execute(
                select(event_id, day, func.count())
                .join(table, table.id == event_id)
                .where(event_id.in_(ids[kind]))
                .group_by(event_id, day)
            ):
                counts[(kind, record_id, on_day)] = n
    if ids["guidance"]:
        days = [b.day for b in bookings if b.kind == "guidance"]
        for schedule_id, day, n in db.session.execute(
            select(Attendance.guidance_id, Attendance.guidance_date, func.count())
            .where(Attendance.guidance_id.in_(ids["guidance"]),
                   Attendance.guidance_date.between(min(days), max(days)))
            .group_by(Attendance.guidance_id, Attendance.guidance_date)
        ):
            counts[("guidance", schedule_id, day)] = n
    return counts


# How far back a sheet not yet complete is still asked for (the Presensi page, home pages).
RECENT_DAYS = 30


def led_sheets(user, first: date, last: date) -> list:
    """The attendance sheets ``user`` records between the two days (the events they lead;
    the admin and the head: every event), each booking with ``recorded``: how many clients
    have a code on it. A class's sessions not generated yet have no sheet."""
    bookings = [b for b in bookings_between(first, last, GRID_KINDS, led_events(user))
                if b.record_id is not None]
    counts = recorded_counts(bookings)
    for booking in bookings:
        booking.recorded = counts.get((booking.kind, booking.record_id, booking.day), 0)
    return bookings


def incomplete(booking) -> bool:
    """Whether some client on the sheet has no code yet."""
    return booking.recorded < len(booking.clients)


def sheet_args(kind: str, record_id: int, day: date) -> dict:
    """The sheet page's arguments (a guidance schedule's sheet is one day of it)."""
    return {"kind": kind, "id": record_id,
            **({"date": day.isoformat()} if kind == "guidance" else {})}
