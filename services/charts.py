"""The figures of the Dasbor (dashboard): what the head shows at a meeting — rooms against
their capacity, the panti's occupancy month by month, clients per stage, admissions and exits
by sex, attendance per class, plan reviews overdue.

Each figure is one grouped query over the whole roster (per month: columns of the SELECT, or
groups by month), so the page runs the same few queries whatever the number of clients. A figure
is None where the user may not open the screen its rows come from, and the rows are those
the visibility policy (``services.scopes.visible``) lets the user see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from flask_babel import format_date as babel_date
from sqlalchemy import and_, case, func, not_, or_, select

from models import (
    Attendance,
    Client,
    Room,
    TrainingClass,
    TrainingSession,
    User,
    db,
)
from models.choices import ACTIVE_STAGES, SEXES, STAGES, AttendanceCode, Stage

from .conferences import REVIEWED_STAGES, last_decisions, review_falls_due_by
from .dates import today as panti_today
from .exports.monthly import atensi_served
from .permissions import readers
from .schedule import month_end
from .scopes import caseload, visible
from .stays import all_stays

CENSUS_MONTHS = 12  # occupancy, admissions and exits: the last twelve months
ATTENDANCE_MONTHS = 6  # attendance per class: half a year fits a page's width
REVIEW_NOTICE_DAYS = 30  # reviews falling due within a month: for the next monthly KK


@dataclass(frozen=True)
class Month:
    """A calendar month of a chart; ``last`` is today for the month in progress."""

    first: date
    last: date

    @cached_property  # read for every square and row of the page's charts and tables
    def label(self) -> str:
        """"Nov 2026": Babel's Indonesian month names."""
        return babel_date(self.first, "MMM yyyy")

    @cached_property
    def short(self) -> str:
        """"Nov": the month under a column."""
        return babel_date(self.first, "MMM")

    @property
    def key(self) -> str:
        """2026-11, as the attendance summary takes a month in its links."""
        return f"{self.first.year:04d}-{self.first.month:02d}"

    @property
    def partial(self) -> bool:
        """The month in progress (counted up to today)."""
        return self.last != month_end(self.first)


def months_until(today: date, count: int) -> list[Month]:
    """The ``count`` months ending with ``today``'s, oldest first."""
    firsts = [today.replace(day=1)]
    while len(firsts) < count:
        firsts.append((firsts[-1] - timedelta(days=1)).replace(day=1))
    return [Month(first, min(month_end(first), today)) for first in reversed(firsts)]


@dataclass
class RoomLoad:
    """A room's residents (clients living in the panti) against its capacity."""

    id: int
    name: str
    residents: int
    capacity: int
    active: bool = True

    @property
    def over(self) -> bool:
        return self.residents > self.capacity


@dataclass
class StageCount:
    code: str
    label: str
    count: int

    @property
    def in_panti(self) -> bool:
        """The stages in which a client lives in the panti."""
        return self.code in ACTIVE_STAGES


@dataclass
class MonthCensus:
    """One month of the census by sex (L/P): clients in the panti at its end, admitted and
    exited during it — counted as the monthly report counts them."""

    month: Month
    in_panti: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEXES.codes, 0))
    admitted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEXES.codes, 0))
    exited: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEXES.codes, 0))


@dataclass
class Rate:
    """Attendance codes of one class in one month: H (hadir) of all recorded codes."""

    present: int = 0
    recorded: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.present / self.recorded, 1) if self.recorded else None


@dataclass
class ClassRates:
    id: int
    name: str
    rates: list[Rate]


@dataclass
class Reviews:
    """Plans due for the three-monthly KK review (``review_counts``): overdue, and coming
    due within ``REVIEW_NOTICE_DAYS``."""

    overdue: int
    due_soon: int


@dataclass
class Figures:
    today: date
    census_months: list[Month]
    attendance_months: list[Month]
    rooms: list[RoomLoad] | None = None
    capacity: int | None = None  # of the active rooms: the reference line of occupancy
    stages: list[StageCount] | None = None
    census: list[MonthCensus] | None = None
    attendance: list[ClassRates] | None = None
    reviews: Reviews | None = None
    atensi: dict[str, dict[str, int]] | None = None  # this month: component → sex → clients


def figures(user: User, today: date | None = None) -> Figures:
    """Every figure of the dashboard ``user`` may see (one query each)."""
    today = today or panti_today()
    result = Figures(today, months_until(today, CENSUS_MONTHS),
                     months_until(today, ATTENDANCE_MONTHS))
    role = user.role
    if role in readers("room"):
        result.rooms = room_loads()
        result.capacity = sum(room.capacity for room in result.rooms if room.active)
    if role in readers("client"):
        result.stages = stage_counts(user)
        result.census = census(user, result.census_months)
    if role in readers("attendance"):
        result.attendance = attendance_rates(user, result.attendance_months)
    if role in readers("conference"):
        result.reviews = review_counts(user, today)
    if role in readers("client"):  # as the monthly report, which the roster's readers get
        result.atensi = atensi_served(today.replace(day=1), today)
    return result


def room_loads() -> list[RoomLoad]:
    """Active rooms, and inactive ones somebody still lives in, by name."""
    rows = db.session.execute(
        select(Room.id, Room.name, Room.occupancy, Room.capacity, Room.active)
        .order_by(Room.name))
    return [RoomLoad(room_id, name, residents or 0, capacity, active)
            for room_id, name, residents, capacity, active in rows if active or residents]


def stage_counts(user: User) -> list[StageCount]:
    """Clients in each of the ten stages, in the stages' order."""
    counts = dict(db.session.execute(
        select(Client.stage, func.count()).where(*visible(Client, user))
        .group_by(Client.stage)).all())
    return [StageCount(code, str(label), counts.get(code, 0)) for code, label in STAGES.pairs]


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _month_of(column, months: list[Month]):
    """Which of ``months`` a date falls in, numbered from 1; 0 before the first, one past
    the last after it or when there is no date."""
    after = len(months) + 1
    return case((column.is_(None), after), (column < months[0].first, 0),
                *((column <= month.last, n) for n, month in enumerate(months, 1)),
                else_=after)


def census(user: User, months: list[Month]) -> list[MonthCensus]:
    """Per month and sex: in the panti at the month's end (today for this month), admitted
    and exited during it, as the monthly report counts them (``exports.monthly.census``):
    clients admitted with a register number, out from their termination date on; each stay
    of a person admitted again counts."""
    stays = all_stays()
    admitted = _month_of(stays.c.admission_date, months)
    stay = (
        select(stays.c.sex.label("sex"),
               # A candidate (no register number or date; a person admitted again: in
               # stage 1) was not admitted: -1 (as exports.in_panti_during).
               case((or_(stays.c.register_number.is_(None), stays.c.stage == Stage.APPROACH,
                         stays.c.admission_date.is_(None)), -1),
                    else_=admitted).label("admitted"),
               _month_of(stays.c.termination_date, months).label("left"))
        .select_from(stays).join(Client, Client.id == stays.c.client_id)
        # Only the termination date filters rows, and no index covers it: SQLite reads the
        # table once. Filtering on the admission date too, it walks that index and fetches
        # nearly every row one by one instead (several times slower; docs/performance.md).
        .where(or_(stays.c.termination_date.is_(None),
                   stays.c.termination_date >= months[0].first), *visible(Client, user))
        .subquery())
    # Clients counted by sex, month of admission and month of leaving: at most a few hundred
    # groups whatever the roster, folded into the months below.
    groups = db.session.execute(
        select(stay.c.sex, stay.c.admitted, stay.c.left, func.count())
        .group_by(stay.c.sex, stay.c.admitted, stay.c.left))
    result = [MonthCensus(month) for month in months]
    for sex, admitted_in, left_in, count in groups:
        if admitted_in < 0:
            continue
        for n, month in enumerate(result, 1):
            if admitted_in == n:
                month.admitted[sex] += count
            if left_in == n:
                month.exited[sex] += count
            if admitted_in <= n < left_in:  # in by the month's end, not out by then
                month.in_panti[sex] += count
    return result


def attendance_rates(user: User, months: list[Month]) -> list[ClassRates]:
    """Per training class with attendance recorded in ``months``: H and all codes recorded at
    its sessions of each month (the attendance summary's rate), by class name."""
    # Tallied per session first (one pass over the attendance rows, two sums; grouped in the
    # order the date index yields them, so without a sort), then spread over the months per
    # class: a few thousand sessions instead of every row through twelve CASEs.
    sessions = (
        select(TrainingSession.class_id.label("class_id"), TrainingSession.date.label("day"),
               _count_if(Attendance.code == AttendanceCode.PRESENT).label("present"),
               func.count().label("recorded"))
        .join(Attendance, Attendance.session_id == TrainingSession.id)
        .where(TrainingSession.date.between(months[0].first, months[-1].last),
               *visible(Attendance, user))
        .group_by(TrainingSession.date, TrainingSession.id).subquery())
    columns = []
    for month in months:
        in_month = sessions.c.day.between(month.first, month.last)
        columns += [func.coalesce(func.sum(case((in_month, sessions.c.present), else_=0)), 0),
                    func.coalesce(func.sum(case((in_month, sessions.c.recorded), else_=0)), 0)]
    rows = db.session.execute(
        select(TrainingClass.id, TrainingClass.name, *columns)
        .join(sessions, sessions.c.class_id == TrainingClass.id)
        .where(*visible(TrainingClass, user))
        .group_by(TrainingClass.id, TrainingClass.name)
        .order_by(TrainingClass.name, TrainingClass.id))
    return [ClassRates(class_id, name, [Rate(int(counts[2 * n]), int(counts[2 * n + 1]))
                                        for n in range(len(months))])
            for class_id, name, *counts in rows]


def review_counts(user: User, today: date) -> Reviews:
    """How many plans are overdue for their KK review (fell due before today) and how many
    fall due from today to ``REVIEW_NOTICE_DAYS`` ahead — the rule of
    ``conferences.review_due``, counted in the database."""
    last = last_decisions(today)
    late = review_falls_due_by(last, today - timedelta(days=1))
    soon = and_(review_falls_due_by(last, today + timedelta(days=REVIEW_NOTICE_DAYS)),
                not_(late))
    ids = caseload(user)
    row = db.session.execute(
        select(_count_if(late), _count_if(soon))
        .select_from(Client).outerjoin(last, last.c.client_id == Client.id)
        .where(Client.stage.in_(REVIEWED_STAGES), *visible(Client, user),
               *([Client.id.in_(ids)] if ids is not None else []))).one()
    return Reviews(int(row[0]), int(row[1]))
