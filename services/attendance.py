"""Attendance sheets (daftar hadir): loading an event's sheet, reading and saving what the
grid posts; the summaries are in attendance_summary.

A sheet is one event's roster with the codes recorded so far: a training session (the
clients enrolled that day), one meeting of a guidance schedule (its clients) or a
recreation activity (its participants). Loading a sheet and saving it each take a fixed
number of queries whatever the number of clients.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import joinedload

from models import (
    Attendance,
    AuditEntry,
    Client,
    Enrollment,
    GuidanceSchedule,
    RecreationActivity,
    TrainingClass,
    TrainingSession,
    db,
)
from models.choices import ATTENDANCE_CODES, AttendanceCode
from models.guidance import guidance_client
from models.recreation import recreation_participant

from .audit import CALLER_AUDITS, SHEET_DETAIL, caller_audits, record_sheet
from .dates import format_date, format_time
from .dates import today as panti_today
from .inputs import parse_id
from .schedule import EVENT_KINDS, guidance_days, holidays_between
from .scopes import led_events
from .transactions import lock_for_writing
from .versions import Conflict, entries_since, log_position

GRID_KINDS = ("training", "guidance", "recreation")
NOTE_MAX = 255


@dataclass
class Row:
    """One client's line on the sheet."""

    client_id: int
    register_number: str
    full_name: str
    record: Attendance | None = None

    @property
    def code(self) -> str:
        return self.record.code if self.record else ""

    @property
    def note(self) -> str:
        return (self.record.note or "") if self.record else ""


@dataclass
class Sheet:
    """An event with its roster and what was recorded."""

    kind: str
    record_id: int
    day: date
    start: time
    end: time
    title: str
    leader_id: int | None
    place: str | None
    allow_overlap: bool = False
    rows: list[Row] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return EVENT_KINDS.label(self.kind)

    @property
    def recorded(self) -> int:
        return sum(1 for row in self.rows if row.record is not None)

    @property
    def parent_table(self) -> str:
        """The table of the event whose sheet this is (its audit entries name it)."""
        return {"training": TrainingSession, "recreation": RecreationActivity}.get(
            self.kind, GuidanceSchedule).__tablename__

    def event_columns(self) -> dict:
        """The columns an Attendance row of this event carries."""
        if self.kind == "training":
            return {"session_id": self.record_id}
        if self.kind == "recreation":
            return {"activity_id": self.record_id}
        return {"guidance_id": self.record_id, "guidance_date": self.day}


def _event_condition(kind: str, record_id: int, day: date):
    if kind == "training":
        return Attendance.session_id == record_id
    if kind == "recreation":
        return Attendance.activity_id == record_id
    return and_(Attendance.guidance_id == record_id, Attendance.guidance_date == day)


def _other_event_condition(kind: str, record_id: int, day: date):
    """Rows of any other event (NULL-safe: a row of another kind has NULL here)."""
    if kind == "training":
        return or_(Attendance.session_id.is_(None), Attendance.session_id != record_id)
    if kind == "recreation":
        return or_(Attendance.activity_id.is_(None), Attendance.activity_id != record_id)
    return or_(Attendance.guidance_id.is_(None), Attendance.guidance_id != record_id,
               Attendance.guidance_date != day)


def load_sheet(kind: str, record_id: int, day: date | None = None,
               for_saving: bool = False) -> Sheet | None:
    """The sheet of an event, or None when there is no such event (or, for a guidance
    schedule, ``day`` is not one of its meeting days).

    ``for_saving``: the sheet is about to be saved. The event is locked first (its row on
    PostgreSQL, the database on SQLite) until the commit, and the codes are read after that,
    so two saves of one sheet at the same moment run one after the other and the second sees
    the first's rows (it corrects them instead of inserting the same client twice).
    """
    lock = {"key_share": True} if for_saving else None  # FOR NO KEY UPDATE: saves queue
    if for_saving:
        lock_for_writing()
    if kind == "training":
        query = (select(TrainingSession).options(joinedload(TrainingSession.training_class))
                 .where(TrainingSession.id == record_id))
        if lock:
            query = query.with_for_update(of=TrainingSession, **lock)
        session = db.session.scalar(query)
        if session is None:
            return None
        klass = session.training_class
        sheet = Sheet(kind, session.id, session.date, session.start_time, session.end_time,
                      klass.name, klass.instructor_id, klass.location)
        roster = (select(Enrollment.client_id)
                  .where(Enrollment.class_id == klass.id, Enrollment.enrolled_on <= sheet.day,
                         or_(Enrollment.left_on.is_(None), Enrollment.left_on >= sheet.day)))
    elif kind == "recreation":
        activity = db.session.get(RecreationActivity, record_id, with_for_update=lock)
        if activity is None:
            return None
        sheet = Sheet(kind, activity.id, activity.date, activity.start_time, activity.end_time,
                      activity.title, activity.leader_id, activity.place,
                      activity.allow_overlap)
        roster = (select(recreation_participant.c.client_id)
                  .where(recreation_participant.c.activity_id == activity.id))
    elif kind == "guidance":
        schedule = db.session.get(GuidanceSchedule, record_id, with_for_update=lock)
        if schedule is None or day is None:
            return None
        holidays = set() if schedule.date else holidays_between(day, day)
        if day not in guidance_days(schedule, day, day, holidays):
            return None
        sheet = Sheet(kind, schedule.id, day, schedule.start_time, schedule.end_time,
                      schedule.title, schedule.staff_id, schedule.location)
        roster = (select(guidance_client.c.client_id)
                  .where(guidance_client.c.schedule_id == schedule.id))
    else:
        return None
    # Roster and recorded codes in one query; a client recorded but no longer on the roster
    # (left the class, removed from the group) keeps their line so history stays visible.
    recorded = select(Attendance).where(_event_condition(kind, sheet.record_id, sheet.day))
    recorded_sq = recorded.subquery()
    rows = db.session.execute(
        select(Client.id, Client.register_number, Client.full_name, Attendance)
        .outerjoin(Attendance, and_(Attendance.client_id == Client.id,
                                    _event_condition(kind, sheet.record_id, sheet.day)))
        .where(or_(Client.id.in_(roster), Client.id.in_(select(recorded_sq.c.client_id))))
        .order_by(Client.full_name, Client.id)
    ).all()
    sheet.rows = [Row(row[0], row[1], row[2], row[3]) for row in rows]
    return sheet


def leads(sheet: Sheet, user) -> bool:
    """Whether the sheet is one of the events ``user`` leads (``led_events``): the admin and
    the head oversee every event; anyone else leads those they teach or lead (a user without
    a staff record leads nothing). Recording it also needs the screen's write right."""
    if not led_events(user):
        return True
    return user.staff_id is not None and sheet.leader_id == user.staff_id


@dataclass
class Entry:
    code: str
    note: str | None


def parse_entries(sheet: Sheet, form: Mapping) -> tuple[dict[int, Entry], list[str]]:
    """The codes and notes posted for ``sheet`` (``form``: a MultiDict), with the problems
    found. Fields are ``code-<client id>`` and ``note-<client id>``."""
    errors: list[str] = []
    entries: dict[int, Entry] = {}
    names = {row.client_id: row.full_name for row in sheet.rows}
    for key in form:
        prefix, _sep, raw_id = key.partition("-")
        if prefix != "code":
            continue
        client_id = parse_id(raw_id)
        if client_id is None:
            errors.append(_("Baris kehadiran tidak dikenal."))
            continue
        values = form.getlist(key)
        if len(values) > 1:
            errors.append(_("Kehadiran %(client)s terkirim dua kali; simpan ulang.",
                            client=names.get(client_id, client_id)))
            continue
        code = (values[0] or "").strip().upper()
        note = (form.get(f"note-{client_id}") or "").strip() or None
        if client_id not in names:
            errors.append(_("Klien nomor %(id)s tidak terdaftar pada kegiatan ini; "
                            "kehadirannya tidak dapat dicatat.", id=client_id))
            continue
        if code and code not in ATTENDANCE_CODES.codes:
            errors.append(_("Kode kehadiran %(client)s harus H, I, S atau A.",
                            client=names[client_id]))
            continue
        if note and len(note) > NOTE_MAX:
            errors.append(_("Catatan %(client)s terlalu panjang (maks. %(n)s karakter).",
                            client=names[client_id], n=NOTE_MAX))
            continue
        if note and not code:
            errors.append(_("Pilih kode kehadiran %(client)s sebelum mengisi catatan.",
                            client=names[client_id]))
            continue
        entries[client_id] = Entry(code, note)
    return entries, errors


def sheet_token(sheet: Sheet) -> str:
    """The sheet form's hidden ``seen_version``: the audit log's position, then per recorded
    client the record's id and version ("120/7:31:2,9:32:1")."""
    rows = ",".join(f"{row.client_id}:{row.record.id}:{row.record.row_version}"
                    for row in sheet.rows if row.record is not None)
    return f"{log_position()}/{rows}"


def _read_token(raw: str | None) -> tuple[int, dict[int, tuple[int, int]]] | None:
    position, slash, rows = (raw or "").partition("/")
    numbers = [position, *(n for part in rows.split(",") if part for n in part.split(":"))]
    if not slash or not all(n.isascii() and n.isdigit() and len(n) < 19 for n in numbers):
        return None
    seen = {}
    for part in filter(None, rows.split(",")):
        bits = [int(n) for n in part.split(":")]
        if len(bits) != 3:
            return None
        seen[bits[0]] = (bits[1], bits[2])
    return int(position), seen


def sheet_changed(sheet: Sheet, raw_token: str | None) -> str | None:
    """The refusal when someone recorded, corrected or removed a code on ``sheet`` since its
    form was opened (``raw_token``, from sheet_token): who, when, and whose line, with the
    code it holds now. None when nothing changed or no token was posted."""
    read = _read_token(raw_token)
    if read is None:
        return None
    position, seen = read
    now = {row.client_id: (row.record.id, row.record.row_version)
           for row in sheet.rows if row.record is not None}
    changed = {client for client in seen.keys() | now.keys() if seen.get(client) != now.get(client)}
    if not changed:
        return None
    rows = {row.client_id: row for row in sheet.rows}
    client_of = {pair[0]: client for client in changed
                 for pair in (seen.get(client), now.get(client)) if pair is not None}
    conflict = Conflict()
    # A line changed by a save of this sheet (one entry naming its lines), or by the
    # single-record form (an entry of the record).
    found = [*entries_since(position, Attendance.__tablename__, client_of),
             *sheet_entries(sheet.parent_table, sheet.record_id, sheet.day, position)]
    for entry in sorted(found, key=lambda entry: entry.id):
        if entry.record_id is not None:
            lines = [rows.get(client_of.get(entry.record_id))]
        else:
            lines = [rows.get(int(client)) for client in entry.changes or {}
                     if int(client) in changed]
        conflict.add(entry, [_line(row) for row in lines if row is not None])
    if not conflict.by_user:
        conflict.add(None, [_line(rows[c]) for c in sorted(changed) if c in rows])
    return conflict.message(_("Daftar hadir ini"))


def sheet_entries(parent_table: str, record_id: int, day: date,
                  position: int | None = None) -> list[AuditEntry]:
    """The audit entries of the saves of an event's sheet on ``day`` (after ``position``),
    oldest first (the event's own table and id: ``Sheet.parent_table``, ``record_id``)."""
    return list(db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.table_name == Attendance.__tablename__,
            AuditEntry.parent_table == parent_table,
            AuditEntry.parent_id == record_id,
            AuditEntry.detail == f"{SHEET_DETAIL}{day.isoformat()}",
            *((AuditEntry.id > position,) if position is not None else ()))
        .order_by(AuditEntry.id)))


def _line(row: Row) -> str:
    return f"{row.full_name}: {row.code or _('kosong')}"


def present_elsewhere(sheet: Sheet, client_ids: set[int]) -> list[str]:
    """Clients marked H on ``sheet`` who are already recorded H at another event that
    overlaps it (one query): nobody is in two places at once."""
    if not client_ids or sheet.allow_overlap:
        return []
    day_of = func.coalesce(TrainingSession.date, RecreationActivity.date,
                           Attendance.guidance_date)
    start = func.coalesce(TrainingSession.start_time, RecreationActivity.start_time,
                          GuidanceSchedule.start_time)
    end = func.coalesce(TrainingSession.end_time, RecreationActivity.end_time,
                        GuidanceSchedule.end_time)
    title = func.coalesce(TrainingClass.name, RecreationActivity.title, GuidanceSchedule.title)
    elsewhere = _other_event_condition(sheet.kind, sheet.record_id, sheet.day)
    rows = db.session.execute(
        select(Client.full_name, title, start, end, RecreationActivity.allow_overlap)
        .select_from(Attendance)
        .join(Client, Client.id == Attendance.client_id)
        .outerjoin(TrainingSession, TrainingSession.id == Attendance.session_id)
        .outerjoin(TrainingClass, TrainingClass.id == TrainingSession.class_id)
        .outerjoin(RecreationActivity, RecreationActivity.id == Attendance.activity_id)
        .outerjoin(GuidanceSchedule, GuidanceSchedule.id == Attendance.guidance_id)
        .where(Attendance.client_id.in_(client_ids),
               Attendance.code == AttendanceCode.PRESENT, elsewhere,
               day_of == sheet.day, start < sheet.end, end > sheet.start)
        .order_by(Client.full_name)
    ).all()
    return [
        _("%(client)s sudah tercatat hadir di «%(other)s» %(start)s–%(end)s pada jam yang "
          "sama.", client=name, other=other, start=format_time(begin), end=format_time(finish))
        for name, other, begin, finish, overlap_allowed in rows
        if not overlap_allowed
    ]


def not_yet_held(day: date, today: date | None = None) -> str | None:
    """The refusal of attendance at an event on ``day`` that has not happened yet (the
    sheet and the single-record form alike)."""
    if day > (today or panti_today()):
        return _("Kehadiran tidak dapat dicatat untuk kegiatan yang belum berlangsung "
                 "(%(day)s).", day=format_date(day))
    return None


def save_sheet(sheet: Sheet, entries: dict[int, Entry], today: date | None = None) -> list[str]:
    """Record ``entries`` on ``sheet`` in one transaction; the problems if refused (then
    nothing is written). A blank code removes an earlier record (a correction).

    New records go in as one multi-row INSERT (the ORM would insert row by row on SQLite,
    which cannot match generated ids to rows otherwise); changes and removals go through the
    session. The save is one audit entry with every line it changed (``audit.record_sheet``),
    not one per row.
    """
    refused = not_yet_held(sheet.day, today)
    if refused:
        return [refused]
    present = {client_id for client_id, entry in entries.items()
               if entry.code == AttendanceCode.PRESENT}
    problems = present_elsewhere(sheet, present)
    if problems:
        return problems
    columns = sheet.event_columns()
    new_rows, changes = [], {}
    with caller_audits(Attendance.__tablename__):
        for row in sheet.rows:
            entry = entries.get(row.client_id)
            if entry is None:
                continue
            before = line_value(row.record.code, row.record.note) if row.record else None
            after = line_value(entry.code, entry.note) if entry.code else None
            if before != after:
                changes[str(row.client_id)] = [before, after]
            if row.record is None and entry.code:
                new_rows.append({**columns, "client_id": row.client_id, "code": entry.code,
                                 "note": entry.note})
            elif row.record is not None and not entry.code:
                db.session.delete(row.record)
            elif row.record is not None:
                if row.record.code != entry.code:
                    row.record.code = entry.code
                if row.record.note != entry.note:
                    row.record.note = entry.note
        db.session.flush()
        if new_rows:
            db.session.execute(insert(Attendance).execution_options(**{CALLER_AUDITS: True}),
                               new_rows)
        record_sheet(sheet.parent_table, sheet.record_id, sheet.day,
                     f"{sheet.title} — {format_date(sheet.day)}", changes)
        db.session.commit()
    return []


def line_value(code: str, note: str | None) -> str:
    """A sheet line as its audit entry keeps it: the code, and the note after it."""
    return f"{code} — {note}" if note else code
