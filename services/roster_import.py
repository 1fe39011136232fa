"""Importing the roster workbook (the export's own layout) back: a dry run first, then
all-or-nothing.

``plan(path)`` reads the file and says, row by row, what would happen — create, update or
reject with the reasons — without writing anything. Every row is held to the client rules
of the form (``services.client_rules``), rows of the same file counting against each other
(two men for the last place of a room). ``apply(path)`` plans again (the database may have
changed since the preview) and, only when no row is rejected, writes every row in one
transaction: a fixed number of statements whatever the number of rows.

The file is an upload: its zip package is checked (sizes, parts, no DTD) before any XML
parser sees it, and at most ``MAX_ROWS`` data rows are read (``services.roster_reading``);
the writes are ``services.roster_writing``'s.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from models import AuditEntry, Client, ClientStay, RegisterNumber, Room, Staff, db
from models.choices import (
    REFERRAL_SOURCES,
    RELIGIONS,
    SEXES,
    STAGES,
    TERMINATION_REASONS,
    Choices,
    Stage,
)

from . import duplicates, lifecycle
from .client_rules import Facts, client_problems
from .exports import ROSTER_COLUMNS
from .roster_reading import MAX_ROWS, MAX_TOTAL_BYTES, ImportFileError, read_rows
from .roster_writing import (
    NEW_CLIENT_STAGE,
    attr_column,
    create_clients,
    move_day,
    record_moves,
    update_clients,
)
from .transactions import lock_for_writing

# What callers use from here (the reading's limits and refusal included).
__all__ = ["MAX_ROWS", "MAX_TOTAL_BYTES", "ImportFileError", "Plan", "RowPlan", "apply", "plan",
           "read_rows"]

DISTRICT = re.compile(r"(Kabupaten|Kota) [A-Za-z][A-Za-z .'-]+")
DATE_COLUMNS = {"birth_date", "admission_date", "termination_date"}
CODED: dict[str, Choices] = {"sex": SEXES, "religion": RELIGIONS,
                             "referral_source": REFERRAL_SOURCES, "stage": STAGES,
                             "termination_reason": TERMINATION_REASONS}
RULE_FIELDS = ("full_name", "cohort", "sex", "birth_place", "birth_date", "religion", "nik",
               "family_card_number", "address", "district_of_origin", "guardian_name",
               "guardian_relation", "guardian_phone", "referral_source", "admission_date",
               "stage", "room", "termination_date", "termination_reason")


@dataclass
class RowPlan:
    """What one row of the file would do."""

    row: int  # the spreadsheet row number users see
    register_number: str
    full_name: str
    action: str = "create"  # create, update, unchanged, reject
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)  # labels of the fields an update changes
    moved_from: str | None = None  # an update that moves the client: the stage it leaves


@dataclass
class Plan:
    rows: list[RowPlan]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def rejected(self) -> int:
        return self.count("reject")


class _Lookups:
    """What every row is checked against, read once per plan."""

    def __init__(self, numbers: set[str]):
        # Only the clients the file names (all of them would be a large read for a file of
        # new clients); the numbers ever issued, to refuse reusing a deleted client's.
        self.clients = {client.register_number: client for client in db.session.scalars(
            select(Client).where(Client.register_number.in_(numbers)))} if numbers else {}
        self.issued = set(db.session.scalars(select(RegisterNumber.number)))
        # The ended stays of those clients (a roster of an earlier month lists them): client
        # id and admission date → the stay's number.
        self.ended = {(client_id, admitted): number for client_id, admitted, number in
                      db.session.execute(select(ClientStay.client_id,
                                                ClientStay.admission_date, ClientStay.number)
                                         .where(ClientStay.client_id.in_(
                                             [c.id for c in self.clients.values()])))} \
            if self.clients else {}
        self.rooms = {name.casefold(): room_id for room_id, name in db.session.execute(
            select(Room.id, Room.name))}
        self.workers: dict[str, list[int]] = {}
        for staff_id, name in db.session.execute(select(Staff.id, Staff.name)):
            self.workers.setdefault(name.casefold(), []).append(staff_id)
        self.districts = {d for d in db.session.scalars(
            select(func.distinct(Client.district_of_origin))) if d}
        self.facts = Facts.preloaded()
        # Translated once per plan, not once per cell.
        self.labels = {attr: str(label) for label, attr in ROSTER_COLUMNS}
        self.codes = {attr: _code_names(vocabulary) for attr, vocabulary in CODED.items()}


def plan(path: str) -> Plan:
    """The dry run: nothing is written."""
    return _plan(path)[0]


def _plan(path: str) -> tuple[Plan, _Lookups]:
    # Read the whole sheet first: a file over the row limit is refused before any checking.
    cells = list(read_rows(path))
    lookups = _Lookups({str(raw["register_number"]) for _n, raw in cells
                        if raw.get("register_number")})
    labels = lookups.labels
    seen_numbers: dict[str, int] = {}
    seen_niks: dict[str, int] = {}
    rows = []
    for number, raw in cells:
        row = RowPlan(number, str(raw.get("register_number") or ""),
                      str(raw.get("full_name") or ""))
        row.values = _parse(raw, row, lookups)
        reg = row.register_number
        if reg:
            if reg in seen_numbers:
                row.reasons.append(_("Nomor induk %(n)s dobel (juga di baris %(row)s).",
                                     n=reg, row=seen_numbers[reg]))
            seen_numbers.setdefault(reg, number)
        nik = row.values.get("nik")
        if nik:
            if nik in seen_niks:
                row.reasons.append(_("NIK dobel (juga di baris %(row)s).", row=seen_niks[nik]))
            seen_niks.setdefault(nik, number)
        existing = lookups.clients.get(reg) if reg else None
        ended = lookups.ended.get((existing.id, row.values["admission_date"])) \
            if existing is not None and row.values.get("admission_date") else None
        if ended is not None:  # never written over the stay the person is in now
            row.reasons.append(_("Baris ini masa tinggal ke-%(n)s yang sudah berakhir; masa "
                                 "tinggal yang lalu tidak diubah lewat impor.", n=ended))
        if existing is not None:
            row.changes = [str(label) for label, attr in ROSTER_COLUMNS
                           if attr in row.values and attr != "register_number"
                           and row.values[attr] != getattr(existing, attr_column(attr))]
            row.action = "update" if row.changes else "unchanged"
        elif reg and reg in lookups.issued:
            row.reasons.append(_("Nomor induk %(n)s pernah dipakai klien yang sudah dihapus; "
                                 "nomor induk tidak boleh dipakai ulang.", n=reg))
        elif reg:  # a new client is a candidate: its number comes with its admission
            row.reasons.append(_("Nomor induk %(n)s tidak ada di buku induk. Klien baru "
                                 "mendapat nomor induk saat penerimaan: kosongkan kolom "
                                 "ini.", n=reg))
        record = _record(row, existing)
        # An unchanged row writes nothing: what is stored is not judged again here.
        problems = [] if row.action == "unchanged" else \
            client_problems(record, current=existing, facts=lookups.facts)
        for problem in problems:
            label = labels.get(problem.field, problem.field)
            row.reasons.append(problem.message if problem.message.startswith(label)
                               else f"{label}: {problem.message}")
        if row.action != "unchanged" and not problems:
            refused = _stage_refusal(row, record, existing)
            if refused:
                row.reasons.append(f"{labels['stage']}: {refused}")
        # The row counts for the rows below it, as the form counts the clients saved before.
        if not any(problem.field == "room" for problem in problems):
            lookups.facts.place(existing, record.get("room"), record.get("stage"))
        if existing is not None:  # a NIK it gives up is free for the rows below
            lookups.facts.claim_nik(record.get("nik"), existing, reg)
        if row.reasons:
            row.action = "reject"
        rows.append(row)
    return Plan(rows), lookups


def _stage_refusal(row: RowPlan, record: dict[str, Any], existing: Client | None) -> str | None:
    """What the stage machine says of the row's stage (the moves of the "Pindah tahap"
    page): a new client begins at the first stage and moves on from there; a changed stage
    is a move this user may make now, with its evidence (an exit: with its reason)."""
    target = record.get("stage")
    if existing is None:
        if target == Stage.APPROACH:
            return None
        existing = Client(stage=Stage.APPROACH, sex=record.get("sex"),
                          room_id=record.get("room"), admission_date=record.get("admission_date"),
                          social_worker_id=record.get("social_worker"))
    elif target == existing.stage:
        return None
    try:
        lifecycle.check(existing, target, lifecycle.acting_user(),
                        reason=record.get("termination_reason"), day=move_day(record))
    except lifecycle.MoveRefused as exc:
        return str(exc)
    row.moved_from = existing.stage
    return None


def _record(row: RowPlan, existing: Client | None) -> dict[str, Any]:
    """The client as the row would leave it: the file's values over the stored ones."""
    record = {}
    for attr in RULE_FIELDS:
        if attr in row.values:
            record[attr] = row.values[attr]
        elif existing is not None:
            record[attr] = getattr(existing, attr_column(attr))
        else:
            record[attr] = None
    record["full_name"] = row.full_name or None
    if existing is None:
        record["register_number"] = row.register_number or None
        record["stage"] = record["stage"] or NEW_CLIENT_STAGE
    return record


def _parse(raw: dict[str, Any], row: RowPlan, lookups: _Lookups) -> dict[str, Any]:
    """Cell values as column values; what cannot be read goes to ``row.reasons`` (the
    client rules judge the rest)."""
    values: dict[str, Any] = {}
    labels = lookups.labels
    for attr, value in raw.items():
        if attr == "register_number":
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number typed into a text column (NIK, cohort)
        if value is None:
            values[attr] = None
        elif attr in DATE_COLUMNS:
            values[attr] = _date(value)
            if values[attr] is None:
                row.reasons.append(_("%(col)s tidak valid: %(v)s (tulis dd/mm/yyyy).",
                                     col=labels[attr], v=value))
        elif attr in CODED:
            values[attr] = lookups.codes[attr].get(" ".join(str(value).split()).casefold())
            if values[attr] is None:
                row.reasons.append(_("%(col)s tidak dikenal: %(v)s.", col=labels[attr], v=value))
        elif attr == "cohort":
            values[attr] = int(value) if str(value).isdecimal() and str(value).isascii() \
                else value
        elif attr in ("nik", "family_card_number"):
            values[attr] = re.sub(r"[\s.\-]", "", str(value))
        elif attr == "district_of_origin":
            values[attr] = _district(str(value), row, lookups)
        elif attr == "room":
            values[attr] = lookups.rooms.get(str(value).casefold())
            if values[attr] is None:
                row.reasons.append(_("Kamar tidak dikenal: %(v)s.", v=value))
        elif attr == "social_worker":
            found = lookups.workers.get(str(value).casefold(), [])
            values[attr] = found[0] if len(found) == 1 else None
            if len(found) != 1:
                row.reasons.append(_("Pekerja sosial tidak dikenal atau namanya tidak unik: "
                                     "%(v)s.", v=value))
        else:
            values[attr] = str(value)
    return values


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    return None


def _code_names(vocabulary: Choices) -> dict[str, str]:
    """Each way a cell may name a code, casefolded → the code: the code itself or its label
    (a stage with or without its number: "2. Penerimaan & registrasi" or "Penerimaan &
    registrasi")."""
    names = {}
    for code, label in vocabulary.pairs:
        label = str(label).casefold()
        for name in (re.sub(r"^\d+\.\s*", "", label), label, code.casefold()):
            names[name] = code
    return names


def _district(text: str, row: RowPlan, lookups: _Lookups) -> str:
    """A district written the way the roster writes them, "Kabupaten X" or "Kota X";
    a near miss of a known one is refused with the suggestion (a typo would split the
    census), a new one is accepted with a note."""
    text = " ".join(text.split())
    text = re.sub(r"^Kab\.?\s+", "Kabupaten ", text, flags=re.I)
    if text in lookups.districts:
        return text
    if not DISTRICT.fullmatch(text):
        row.reasons.append(_("Daerah asal tidak dikenal: %(v)s (tulis \"Kabupaten …\" atau "
                             "\"Kota …\").", v=text[:80]))
        return text
    close = difflib.get_close_matches(text, lookups.districts, n=1, cutoff=0.85)
    if close:
        row.reasons.append(_("Daerah asal tidak dikenal: %(v)s; maksudnya %(s)s?", v=text,
                             s=close[0]))
    else:
        row.notes.append(_("Daerah asal baru: %(v)s.", v=text))
    return text


# --- confirming ---------------------------------------------------------------------------

def apply(path: str) -> Plan:
    """Plan again and, when no row is rejected, write them all in one transaction (the
    caller commits; on any error it rolls back and nothing is kept).

    Changed clients go in as one checked executemany UPDATE, with their audit entries in one
    more statement; new clients get their register numbers in one query per admission year
    and go in as one bulk INSERT, with their audit entries in one more statement. A client
    changed by someone else since it was read here turns its row into a rejected one (the
    caller then keeps nothing).
    """
    lock_for_writing()  # SQLite: nobody else writes between these reads and the writes
    position = db.session.scalar(select(func.max(AuditEntry.id))) or 0
    result, lookups = _plan(path)
    if result.rejected:
        return result
    # Changes first: a NIK one of them gives up may go to a new client.
    update_clients([row for row in result.rows if row.action == "update"], lookups, position)
    if not result.rejected:
        created = create_clients([row for row in result.rows if row.action == "create"])
        record_moves(result.rows, lookups, created)
        # The duplicate check's keys of the new clients and of the changed ones.
        duplicates.index([
            (created[row.row], {**row.values, "full_name": row.full_name})
            for row in result.rows if row.action == "create"] + [
            (lookups.clients[row.register_number].id,
             {**{name: getattr(lookups.clients[row.register_number], name)
                 for name in duplicates.KEY_FIELDS}, **row.values, "full_name": row.full_name})
            for row in result.rows if row.action == "update"])
    return result
