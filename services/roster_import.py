"""Importing the roster workbook (the export's own layout) back: a dry run first, then
all-or-nothing.

``plan(path)`` reads the file and says, row by row, what would happen — create, update or
reject with the reasons — without writing anything. Every row is held to the client rules
of the form (``services.client_rules``), rows of the same file counting against each other
(two men for the last place of a room). ``apply(path)`` plans again (the database may have
changed since the preview) and, only when no row is rejected, writes every row in one
transaction: a fixed number of statements whatever the number of rows.

The file is an upload: its zip package is checked (sizes, parts, no DTD) before any XML
parser sees it, and at most ``MAX_ROWS`` data rows are read.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import JSON, bindparam, func, insert, select, update

from models import AuditEntry, Client, RegisterNumber, Room, Staff, db
from models.base import utcnow
from models.choices import (
    REFERRAL_SOURCES,
    RELIGIONS,
    SEXES,
    STAGES,
    TERMINATION_REASONS,
    Choices,
)

from .audit import CALLER_AUDITS, created_entries, updated_entries
from .client_rules import Facts, client_problems
from .clients import keep_counters_above, next_register_numbers
from .dates import today as panti_today
from .errors import Refusal
from .exports import ROSTER_COLUMNS
from .transactions import lock_for_writing
from .versions import entries_since, shown_time
from .workbook import HEADER_ROW, restore
from .workbook_reader import Cell, first_sheet_rows

MAX_ROWS = 10_000
# What a roster of MAX_ROWS clients needs, with room to spare (an export of 10,000 clients
# unpacks to about 11 MiB in 230,000 cells). Anything past it is not a roster — a zip bomb, a
# sheet of millions of cells, a huge shared-strings table — and is refused before it is
# parsed: parsing time and memory follow the number of elements, not the file size.
MAX_PARTS = 200
MAX_PART_BYTES = 32 * 2**20
MAX_TOTAL_BYTES = 64 * 2**20
MAX_CELLS = 600_000
MAX_CELLS_PER_ROW = 200
MAX_STRINGS = 600_000
MAX_ROW_ELEMENTS = MAX_ROWS + HEADER_ROW + 1000
PROLOG_BYTES = 4096
# A cell, a row or a shared string, with or without a namespace prefix.
ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?(c|row|si|xf)[\s/>]")
MAX_STYLES = 65_000  # Excel's own limit of cell formats
DISTRICT = re.compile(r"(Kabupaten|Kota) [A-Za-z][A-Za-z .'-]+")
DATE_COLUMNS = {"birth_date", "admission_date", "termination_date"}
CODED: dict[str, Choices] = {"sex": SEXES, "religion": RELIGIONS,
                             "referral_source": REFERRAL_SOURCES, "stage": STAGES,
                             "termination_reason": TERMINATION_REASONS}
HEADINGS = {str(heading).casefold(): attr for heading, attr in ROSTER_COLUMNS}
# Every column a client row is written with (one shape for the whole bulk INSERT).
CLIENT_COLUMNS = ("register_number", "full_name", "cohort", "sex", "birth_place", "birth_date",
                  "religion", "nik", "family_card_number", "address", "district_of_origin",
                  "guardian_name", "guardian_relation", "guardian_phone", "referral_source",
                  "admission_date", "stage", "room_id", "social_worker_id", "termination_date",
                  "termination_reason")
RULE_FIELDS = ("full_name", "cohort", "sex", "birth_place", "birth_date", "religion", "nik",
               "family_card_number", "address", "district_of_origin", "guardian_name",
               "guardian_relation", "guardian_phone", "referral_source", "admission_date",
               "stage", "room", "termination_date", "termination_reason")
NEW_CLIENT_STAGE = "admission"


class ImportFileError(Refusal):
    """The file as a whole cannot be read as a roster."""


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


@dataclass
class Plan:
    rows: list[RowPlan]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def rejected(self) -> int:
        return self.count("reject")


# --- reading the upload -------------------------------------------------------------------

def check_package(path: str) -> None:
    """Refuse, before any XML is parsed, a file that is not a small, plain xlsx package:
    not a zip, too many parts, parts that unpack too large (a zip bomb), more cells, rows
    or shared strings than a roster can have, XML with a document type declaration
    (external entities, entity expansion) or in an encoding other than UTF-8.

    The sizes in the zip directory bind: Python's zip reader stops at the declared size and
    fails the CRC check if a part holds more.
    """
    if not zipfile.is_zipfile(path):
        raise ImportFileError(_("Berkas bukan buku kerja Excel (.xlsx)."))
    try:
        with zipfile.ZipFile(path) as package:
            parts = [part for part in package.infolist() if not part.is_dir()]
            if len(parts) > MAX_PARTS:
                raise ImportFileError(_("Berkas Excel tidak dapat dibaca."))
            if sum(p.file_size for p in parts) > MAX_TOTAL_BYTES or \
                    any(p.file_size > MAX_PART_BYTES for p in parts):
                raise ImportFileError(_too_big())
            counts = {b"c": 0, b"row": 0, b"si": 0, b"xf": 0}
            for part in parts:
                with package.open(part) as stream:
                    head = stream.read(PROLOG_BYTES)
                    if _check_prolog(head):
                        _count_elements(head, stream, counts)
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged package: bad CRC, unknown compression, ...
        raise ImportFileError(_("Berkas Excel tidak dapat dibaca.")) from exc


def _too_big() -> str:
    return _("Berkas terlalu besar untuk buku induk (paling banyak %(n)s baris data, "
             "%(mb)s MB setelah dibuka). Periksa berkasnya atau bagi menjadi beberapa impor.",
             n=MAX_ROWS, mb=MAX_TOTAL_BYTES // 2**20)


def _count_elements(head: bytes, stream, counts: dict[bytes, int]) -> None:
    """Count cells, rows and shared strings of an XML part as it streams by (a regular
    expression over the bytes: no tree is built) and refuse past the limits."""
    carry, chunk, in_row = b"", head, 0
    while chunk:
        following = stream.read(2**20)
        text = carry + chunk
        # Leave the last bytes for the next round unless this is the end: a tag may be cut.
        cut = len(text) - 40 if following else len(text)
        for match in ELEMENT.finditer(text):
            if match.start() >= cut:
                break
            name = match.group(1)
            counts[name] += 1
            if name == b"row":
                in_row = 0
            elif name == b"c":
                in_row += 1
                if in_row > MAX_CELLS_PER_ROW:
                    raise ImportFileError(_too_big())
        if counts[b"row"] > MAX_ROW_ELEMENTS:
            raise ImportFileError(_("Paling banyak %(n)s baris per impor; bagi berkasnya "
                                    "menjadi beberapa impor.", n=MAX_ROWS))
        if counts[b"c"] > MAX_CELLS or counts[b"si"] > MAX_STRINGS or \
                counts[b"xf"] > MAX_STYLES:
            raise ImportFileError(_too_big())
        carry, chunk = text[cut:], following


def _check_prolog(head: bytes) -> bool:
    """An XML part starts (after its declaration, comments, processing instructions) with its
    root element, never a ``<!DOCTYPE``. True for XML; a part that is not XML (an image)
    is left alone."""
    refused = _("Berkas Excel ini memuat deklarasi XML yang tidak diizinkan (DTD/entitas); "
                "simpan ulang sebagai buku kerja Excel biasa.")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:2] in (b"\x00<", b"<\x00") \
            or head[:4] == b"\x00\x00\x00<":
        raise ImportFileError(refused)  # UTF-16/32: not what a spreadsheet writes
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text.startswith(b"<"):
        return False
    while text.startswith((b"<?", b"<!--")):
        closing = b"?>" if text.startswith(b"<?") else b"-->"
        end = text.find(closing)
        if end < 0:
            raise ImportFileError(refused)  # a prolog longer than we look at
        declaration = text[:end].lower()
        if text.startswith(b"<?xml") and b"encoding" in declaration and \
                not re.search(rb"encoding\s*=\s*[\"']utf-8[\"']", declaration):
            raise ImportFileError(refused)
        text = text[end + len(closing):].lstrip()
    if text.startswith(b"<!"):
        raise ImportFileError(refused)
    return True


def read_rows(path: str):
    """(spreadsheet row number, {attribute: cell value}) for each non-empty data row."""
    check_package(path)
    rows = first_sheet_rows(path)
    try:
        columns: dict[int, str] | None = None
        data_rows = 0
        for number, cells in rows:
            if number <= HEADER_ROW:
                continue
            if columns is None:
                found = {} if number > HEADER_ROW + 1 else cells
                columns = {i: HEADINGS[str(cell.value).strip().casefold()]
                           for i, cell in found.items()
                           if str(cell.value).strip().casefold() in HEADINGS}
                _require(columns)
                if number == HEADER_ROW + 1:
                    continue
            values = {attr: _value(cells.get(i)) for i, attr in columns.items()}
            if all(v in (None, "") for v in values.values()):
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                raise ImportFileError(_("Paling banyak %(n)s baris per impor; bagi "
                                        "berkasnya menjadi beberapa impor.", n=MAX_ROWS))
            yield number, values
        if columns is None:
            _require({})
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged workbook found while reading it
        raise ImportFileError(_("Berkas Excel tidak dapat dibaca.")) from exc
    finally:
        rows.close()


def _require(columns: dict[int, str]) -> None:
    missing = {"register_number", "full_name", "sex"} - set(columns.values())
    if missing:
        labels = [str(h) for h, attr in ROSTER_COLUMNS if attr in missing]
        raise ImportFileError(_("Kolom wajib tidak ada di baris %(row)s: %(cols)s. "
                                "Gunakan format hasil unduhan buku induk.",
                                row=HEADER_ROW + 1, cols=", ".join(labels)))


def _value(cell: Cell | None) -> Any:
    """A cell's value; text trimmed and blank text as None. Text written with Excel's quote
    prefix (our exports' formula guard, or typed as '…) is taken as it is; an apostrophe
    that older exports wrote into the text itself is taken off."""
    if cell is None:
        return None
    value = cell.value
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("'") and not cell.quoted:
            value = restore(value)
        return value or None
    return value


class _Lookups:
    """What every row is checked against, read once per plan."""

    def __init__(self, numbers: set[str]):
        # Only the clients the file names (all of them would be a large read for a file of
        # new clients); the numbers ever issued, to refuse reusing a deleted client's.
        self.clients = {client.register_number: client for client in db.session.scalars(
            select(Client).where(Client.register_number.in_(numbers)))} if numbers else {}
        self.issued = set(db.session.scalars(select(RegisterNumber.number)))
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
        if existing is not None:
            row.changes = [str(label) for label, attr in ROSTER_COLUMNS
                           if attr in row.values and attr != "register_number"
                           and row.values[attr] != getattr(existing, _attr_column(attr))]
            row.action = "update" if row.changes else "unchanged"
        elif reg and reg in lookups.issued:
            row.reasons.append(_("Nomor induk %(n)s pernah dipakai klien yang sudah dihapus; "
                                 "nomor induk tidak boleh dipakai ulang.", n=reg))
        record = _record(row, existing)
        # An unchanged row writes nothing: what is stored is not judged again here.
        problems = [] if row.action == "unchanged" else \
            client_problems(record, current=existing, facts=lookups.facts)
        for problem in problems:
            label = labels.get(problem.field, problem.field)
            row.reasons.append(problem.message if problem.message.startswith(label)
                               else f"{label}: {problem.message}")
        # The row counts for the rows below it, as the form counts the clients saved before.
        if not any(problem.field == "room" for problem in problems):
            lookups.facts.place(existing, record.get("room"), record.get("stage"))
        if existing is not None:  # a NIK it gives up is free for the rows below
            lookups.facts.claim_nik(record.get("nik"), existing, reg)
        if row.reasons:
            row.action = "reject"
        rows.append(row)
    return Plan(rows), lookups


def _record(row: RowPlan, existing: Client | None) -> dict[str, Any]:
    """The client as the row would leave it: the file's values over the stored ones."""
    record = {}
    for attr in RULE_FIELDS:
        if attr in row.values:
            record[attr] = row.values[attr]
        elif existing is not None:
            record[attr] = getattr(existing, _attr_column(attr))
        else:
            record[attr] = None
    record["full_name"] = row.full_name or None
    if existing is None:
        record["register_number"] = row.register_number or None
        record["stage"] = record["stage"] or NEW_CLIENT_STAGE
    return record


def _attr_column(attr: str) -> str:
    return {"room": "room_id", "social_worker": "social_worker_id"}.get(attr, attr)


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


# --- writing ------------------------------------------------------------------------------

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
    _update([row for row in result.rows if row.action == "update"], lookups, position)
    if not result.rejected:
        _create([row for row in result.rows if row.action == "create"])
    return result


def _update(rows: list[RowPlan], lookups: _Lookups, position: int) -> None:
    """One UPDATE per set of columns (a file has one), run for every changed client, each
    only where the client's version is still the one read (``row_version``, as the session
    would check it). The driver gives the sum of the rows matched: short of the rows sent,
    the clients someone changed meanwhile are found and their rows rejected."""
    if not rows:
        return
    stamp = utcnow()
    table = Client.__table__
    changed: dict[tuple[str, ...], list[tuple[Client, dict[str, Any]]]] = defaultdict(list)
    for row in rows:
        new = {"full_name": row.full_name}
        new.update({_attr_column(attr): value for attr, value in row.values.items()})
        changed[tuple(new)].append((lookups.clients[row.register_number], new))
    matched = 0
    for columns, group in changed.items():
        # A Core statement on the table: the session's per-object audit hook never sees
        # these rows; updated_entries gives the entries it would have written.
        statement = (update(table)
                     .where(table.c.id == bindparam("b_id"),
                            table.c.row_version == bindparam("b_version"))
                     .values(row_version=table.c.row_version + 1, updated_at=stamp,
                             **{column: bindparam(column) for column in columns}))
        matched += db.session.execute(statement, [
            {"b_id": client.id, "b_version": client.row_version, **new}
            for client, new in group]).rowcount
    if matched < len(rows):
        _refuse_changed(rows, lookups, stamp, position)
        return
    _insert(AuditEntry, updated_entries(
        Client, [pair for group in changed.values() for pair in group]))


def _refuse_changed(rows: list[RowPlan], lookups: _Lookups, stamp: datetime,
                    position: int) -> None:
    """Reject the rows whose client someone changed (or deleted) after this import read it,
    saying who, when and what, as an edit form does."""
    ids = {lookups.clients[row.register_number].id: row for row in rows}
    written = set(db.session.scalars(select(Client.id).where(
        Client.id.in_(list(ids)), Client.updated_at == stamp)))
    labels = {_attr_column(attr): label for attr, label in lookups.labels.items()}
    for client_id, row in ids.items():
        if client_id in written:
            continue
        # Newest first: the change that made this import's reading outdated.
        entry = next(iter(entries_since(position, Client.__tablename__, [client_id])), None)
        if entry is None:  # deleted, or changed without the console
            row.reasons.append(_("Data klien ini diubah atau dihapus pengguna lain sejak "
                                 "dibaca untuk impor ini."))
        else:
            fields = [labels[key] for key in entry.changes or {} if key in labels]
            row.reasons.append(_("Data klien ini sudah diubah oleh %(who)s pada %(when)s "
                                 "(%(fields)s) sejak dibaca untuk impor ini.",
                                 who=entry.username or _("pengguna lain"),
                                 when=shown_time(entry.at), fields=", ".join(fields) or "—"))
        row.action = "reject"


def _create(rows: list[RowPlan]) -> None:
    if not rows:
        return
    given = [row.register_number for row in rows if row.register_number]
    if given:  # numbers typed from a paper register, recorded before numbering the rest
        _insert(RegisterNumber, [{"number": n} for n in given])
        keep_counters_above(given)  # the automatic numbering never reaches them
    by_year: dict[int, list[RowPlan]] = defaultdict(list)
    for row in rows:
        if not row.register_number:
            admitted = row.values.get("admission_date")
            by_year[admitted.year if admitted else panti_today().year].append(row)
    for year, numbered in by_year.items():
        numbers = next_register_numbers(year, len(numbered))
        _insert(RegisterNumber, [{"number": n} for n in numbers])
        for row, number in zip(numbered, numbers, strict=True):
            row.register_number = number
    stamp = utcnow()
    records = {}
    for row in rows:
        record = dict.fromkeys(CLIENT_COLUMNS)
        record.update({_attr_column(attr): value for attr, value in row.values.items()})
        record.update(register_number=row.register_number, full_name=row.full_name,
                      stage=record["stage"] or NEW_CLIENT_STAGE)
        records[row.register_number] = record
    # Then the new ids, found by their creation time (one for all of them; the register
    # number tells them from anyone else's of the same instant): an INSERT … RETURNING, or
    # a list of thousands of numbers, would have the driver parse statements of thousands
    # of placeholders.
    _insert(Client, [{**record, "created_at": stamp, "updated_at": stamp}
                     for record in records.values()])
    created = [(client_id, number) for client_id, number in db.session.execute(
        select(Client.id, Client.register_number).where(Client.created_at == stamp))
        if number in records]
    _insert(AuditEntry, created_entries(Client.__tablename__, [
        (client_id, f"{number} — {records[number]['full_name']}", records[number])
        for client_id, number in created
    ]))


def _insert(model, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (each with the same keys) of ``model``, whose audit entries the caller
    writes: on PostgreSQL with COPY (one INSERT per row, as an executemany runs them, costs
    the server about four times as much), elsewhere as an executemany INSERT."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(insert(model).execution_options(**{CALLER_AUDITS: True}), rows)
        return
    from psycopg.types.json import Json  # the driver of PostgreSQL URLs (requirements.txt)

    table = model.__table__
    # The column defaults evaluated in Python that the INSERT would have filled in.
    defaults = {column.key: column.default.arg(None) if column.default.is_callable
                else column.default.arg for column in table.columns
                if column.default is not None and column.key not in rows[0]
                and (column.default.is_scalar or column.default.is_callable)}
    keys, tail = list(rows[0]), list(defaults.values())
    json = {key for key in keys if isinstance(table.c[key].type, JSON)}  # as SQLAlchemy's
    quoted = connection.dialect.identifier_preparer
    names = ", ".join(quoted.quote(table.c[key].name) for key in [*keys, *defaults])
    # The session's own connection: the same transaction as the rest of the import.
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(
            f"COPY {quoted.format_table(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([*(Json(row[key]) if key in json else row[key] for key in keys),
                            *tail])
