"""Importing the roster workbook (the export's own layout) back: a dry run first, then
all-or-nothing.

``plan(path)`` reads the file and says, row by row, what would happen — create, update or
reject with the reasons — without writing anything. ``apply(path)`` plans again (the
database may have changed since the preview) and, only when no row is rejected, writes every
row in one transaction.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import Client, Room, Staff, db
from models.choices import (
    REFERRAL_SOURCES,
    RELIGIONS,
    SEXES,
    STAGES,
    TERMINATION_REASONS,
    Choices,
)

from .clients import (
    ALLOWED,
    DIGITS_16,
    PHONE,
    issue_register_number,
    nik_problem,
    number_was_issued,
)
from .exports import ROSTER_COLUMNS
from .workbook import HEADER_ROW, restore

MAX_ROWS = 5000
DISTRICT = re.compile(r"(Kabupaten|Kota) [A-Za-z][A-Za-z .'-]+")
DATE_COLUMNS = {"birth_date", "admission_date", "termination_date"}
CODED: dict[str, Choices] = {"sex": SEXES, "religion": RELIGIONS,
                             "referral_source": REFERRAL_SOURCES, "stage": STAGES,
                             "termination_reason": TERMINATION_REASONS}
HEADINGS = {str(heading).casefold(): attr for heading, attr in ROSTER_COLUMNS}


class ImportFileError(ValueError):
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


def read_rows(path: str):
    """(spreadsheet row number, {attribute: cell value}) for each non-empty data row."""
    if not zipfile.is_zipfile(path):
        raise ImportFileError(_("Berkas bukan buku kerja Excel (.xlsx)."))
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("Berkas Excel tidak dapat dibaca.")) from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
        header = next(rows, None) or ()
        columns = {i: HEADINGS[str(h).strip().casefold()] for i, h in enumerate(header)
                   if h is not None and str(h).strip().casefold() in HEADINGS}
        missing = {"register_number", "full_name", "sex"} - set(columns.values())
        if missing:
            labels = [str(h) for h, attr in ROSTER_COLUMNS if attr in missing]
            raise ImportFileError(_("Kolom wajib tidak ada di baris %(row)s: %(cols)s. "
                                    "Gunakan format hasil unduhan buku induk.",
                                    row=HEADER_ROW + 1, cols=", ".join(labels)))
        for number, row in enumerate(rows, start=HEADER_ROW + 2):
            values = {attr: _clean(row[i]) for i, attr in columns.items() if i < len(row)}
            if all(v in (None, "") for v in values.values()):
                continue
            if number - HEADER_ROW - 1 > MAX_ROWS:
                raise ImportFileError(_("Paling banyak %(n)s baris per impor.", n=MAX_ROWS))
            yield number, values
    finally:
        book.close()


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = restore(value.strip())
        return value or None
    return value


class _Lookups:
    """What every row is checked against, read once per plan."""

    def __init__(self):
        self.clients = {number: client for number, client in db.session.execute(
            select(Client.register_number, Client))}
        self.niks = dict(db.session.execute(
            select(Client.nik, Client.register_number).where(Client.nik.is_not(None))).all())
        self.rooms = {name.casefold(): room_id for room_id, name in db.session.execute(
            select(Room.id, Room.name))}
        self.workers: dict[str, list[int]] = {}
        for staff_id, name in db.session.execute(select(Staff.id, Staff.name)):
            self.workers.setdefault(name.casefold(), []).append(staff_id)
        self.districts = {d for d in db.session.scalars(
            select(func.distinct(Client.district_of_origin))) if d}


def plan(path: str) -> Plan:
    """The dry run: nothing is written."""
    lookups = _Lookups()
    seen_numbers: dict[str, int] = {}
    seen_niks: dict[str, int] = {}
    rows = []
    for number, raw in read_rows(path):
        row = RowPlan(number, str(raw.get("register_number") or ""),
                      str(raw.get("full_name") or ""))
        row.values = _parse(raw, row, lookups)
        reg = row.register_number
        if reg:
            if reg in seen_numbers:
                row.reasons.append(_("Nomor induk %(n)s dobel (juga di baris %(row)s).",
                                     n=reg, row=seen_numbers[reg]))
            seen_numbers.setdefault(reg, number)
            if not ALLOWED.match(reg):
                row.reasons.append(_("Nomor induk %(n)s tidak valid.", n=reg))
        nik = row.values.get("nik")
        if nik:
            if nik in seen_niks:
                row.reasons.append(_("NIK dobel (juga di baris %(row)s).", row=seen_niks[nik]))
            seen_niks.setdefault(nik, number)
            owner = lookups.niks.get(nik)
            if owner is not None and owner != reg:
                row.reasons.append(_("NIK sudah dipakai klien %(n)s.", n=owner))
        existing = lookups.clients.get(reg) if reg else None
        if existing is not None:
            row.changes = [str(label) for label, attr in ROSTER_COLUMNS
                           if attr in row.values and attr != "register_number"
                           and row.values[attr] != getattr(existing, _attr_column(attr))]
            row.action = "update" if row.changes else "unchanged"
        elif reg and number_was_issued(reg):
            row.reasons.append(_("Nomor induk %(n)s pernah dipakai klien yang sudah dihapus; "
                                 "nomor induk tidak boleh dipakai ulang.", n=reg))
        _check_rules(row, existing)
        if row.reasons:
            row.action = "reject"
        rows.append(row)
    return Plan(rows)


def _attr_column(attr: str) -> str:
    return {"room": "room_id", "social_worker": "social_worker_id"}.get(attr, attr)


def _parse(raw: dict[str, Any], row: RowPlan, lookups: _Lookups) -> dict[str, Any]:
    """Cell values as column values; problems go to ``row.reasons``."""
    values: dict[str, Any] = {}
    labels = {attr: str(label) for label, attr in ROSTER_COLUMNS}
    for attr, value in raw.items():
        if attr == "register_number":
            continue
        if value is None:
            values[attr] = None
        elif attr in DATE_COLUMNS:
            values[attr] = _date(value)
            if values[attr] is None:
                row.reasons.append(_("%(col)s tidak valid: %(v)s (tulis dd/mm/yyyy).",
                                     col=labels[attr], v=value))
        elif attr in CODED:
            values[attr] = _code(CODED[attr], value)
            if values[attr] is None:
                row.reasons.append(_("%(col)s tidak dikenal: %(v)s.", col=labels[attr], v=value))
        elif attr == "cohort":
            values[attr] = value if isinstance(value, int) and value > 0 else \
                int(value) if str(value).isdigit() and int(value) > 0 else None
            if values[attr] is None:
                row.reasons.append(_("Angkatan harus bilangan bulat positif."))
        elif attr in ("nik", "family_card_number"):
            text = re.sub(r"[\s.\-]", "", str(value))
            values[attr] = text
            if not DIGITS_16.fullmatch(text):
                row.reasons.append(_("%(col)s harus tepat 16 angka.", col=labels[attr]))
        elif attr == "guardian_phone":
            values[attr] = str(value)
            if not PHONE.fullmatch(re.sub(r"[\s\-]", "", str(value))):
                row.reasons.append(_("Telepon wali tidak valid: %(v)s.", v=value))
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


def _code(vocabulary: Choices, value: Any) -> str | None:
    """The code of a cell holding the code or the label (a stage with or without its
    number: "2. Penerimaan & registrasi" or "Penerimaan & registrasi")."""
    text = " ".join(str(value).split()).casefold()
    for code, label in vocabulary.pairs:
        label = str(label).casefold()
        if text in (code.casefold(), label, re.sub(r"^\d+\.\s*", "", label)):
            return code
    return None


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
                             "\"Kota …\").", v=text))
        return text
    close = difflib.get_close_matches(text, lookups.districts, n=1, cutoff=0.85)
    if close:
        row.reasons.append(_("Daerah asal tidak dikenal: %(v)s; maksudnya %(s)s?", v=text,
                             s=close[0]))
    else:
        row.notes.append(_("Daerah asal baru: %(v)s.", v=text))
    return text


def _check_rules(row: RowPlan, existing: Client | None) -> None:
    """The rules the client form and the database enforce, on the row as it would be."""
    def value(attr):
        if attr in row.values:
            return row.values[attr]
        return getattr(existing, _attr_column(attr)) if existing is not None else None

    if not row.full_name:
        row.reasons.append(_("Nama lengkap wajib diisi."))
    if value("sex") is None:
        row.reasons.append(_("L/P wajib diisi."))
    nik = value("nik")
    if nik and DIGITS_16.fullmatch(nik):
        problem = nik_problem(nik, value("sex"), value("birth_date"))
        if problem:
            row.reasons.append(problem)
    born, admitted, ended = value("birth_date"), value("admission_date"), value("termination_date")
    if born and born > date.today():
        row.reasons.append(_("Tanggal lahir di masa depan."))
    if born and admitted and admitted < born:
        row.reasons.append(_("Tanggal masuk sebelum tanggal lahir."))
    if admitted and ended and ended < admitted:
        row.reasons.append(_("Tanggal terminasi sebelum tanggal masuk."))
    if (ended is None) != (value("termination_reason") is None):
        row.reasons.append(_("Tanggal dan alasan terminasi diisi bersama."))
    if value("stage") in ("termination", "aftercare") and ended is None:
        row.reasons.append(_("Klien tahap terminasi/bimbingan lanjut harus punya tanggal "
                             "terminasi."))


def apply(path: str) -> Plan:
    """Plan again and, when no row is rejected, write them all in one transaction (the
    caller commits; on any error it rolls back and nothing is kept)."""
    result = plan(path)
    if result.rejected:
        return result
    existing = {c.register_number: c for c in db.session.scalars(select(Client).where(
        Client.register_number.in_([r.register_number for r in result.rows
                                    if r.action == "update"])))}
    for row in result.rows:
        if row.action == "unchanged":
            continue
        values = {_attr_column(attr): v for attr, v in row.values.items()}
        if row.action == "update":
            client = existing[row.register_number]
        else:
            values.setdefault("stage", "admission")
            client = Client()
            issue_register_number_for(client, row, values)
            db.session.add(client)
        client.full_name = row.full_name
        for column, v in values.items():
            setattr(client, column, v)
        db.session.flush()
    return result


def issue_register_number_for(client: Client, row: RowPlan, values: dict[str, Any]) -> None:
    """A new client keeps the number from the file (a paper register) or gets the next."""
    client.admission_date = values.get("admission_date")
    row.register_number = issue_register_number(client, row.register_number or None)
