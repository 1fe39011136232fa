"""Client registration: issuing register numbers that are unique and never reused."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import Client, RegisterCounter, RegisterNumber, db

from .dates import today as panti_today

# Sixteen digits: a NIK (identity number) or a family card number (nomor KK).
DIGITS_16 = re.compile(r"^\d{16}$")
# An Indonesian phone number once spaces and dashes are taken out: 0812…, 62812…, +62812….
PHONE = re.compile(r"^(\+62|62|0)[0-9]{8,13}$")

# Register numbers look like 2026-0007: the year of registration and a running number.
AUTO_FORMAT = re.compile(r"^(\d{4})-(\d{4,})$")
ALLOWED = re.compile(r"^[A-Za-z0-9./-]{1,20}$")
# Typed numbers with a longer running part do not move the counter (it stays an integer).
COUNTER_DIGITS = 8


def nik_problem(nik: str, sex: str | None, birth_date: date | None) -> str | None:
    """Why ``nik`` (16 digits) disagrees with the person's sex or birth date, if it does.

    Digits 7–12 of a NIK are the birth date DDMMYY, with 40 added to the day for women.
    """
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = "P" if day > 40 else "L"
    day = day - 40 if day > 40 else day
    if sex in ("L", "P") and sex != nik_sex:
        return _("NIK menunjukkan jenis kelamin %(sex)s, tidak sesuai isian jenis kelamin.",
                 sex="perempuan" if nik_sex == "P" else "laki-laki")
    if isinstance(birth_date, date) and \
            (birth_date.day, birth_date.month, birth_date.year % 100) != (day, month, year2):
        return _("Tanggal lahir di NIK (%(d)02d-%(m)02d-%(y)02d) tidak sesuai tanggal lahir "
                 "yang diisi.", d=day, m=month, y=year2)
    return None


def format_register_number(year: int, running: int) -> str:
    """``2026-0007``: the year and the running number, at least four digits."""
    return f"{year}-{running:04d}"


def _highest_issued(year: int) -> int:
    """The highest running number of ``year`` among the numbers ever issued (0: none)."""
    highest = 0
    for number in db.session.scalars(
        select(RegisterNumber.number).where(RegisterNumber.number.like(f"{year}-%"))
    ):
        match = AUTO_FORMAT.match(number)
        if match and int(match.group(1)) == year and len(match.group(2)) <= COUNTER_DIGITS:
            highest = max(highest, int(match.group(2)))
    return highest


def _start_counter(year: int) -> None:
    """Create ``year``'s counter above every number of that year issued so far, unless a
    concurrent registration just created it (then theirs stands; the caller's UPDATE follows
    and sees it)."""
    table = RegisterCounter.__table__
    values = {"year": year, "next_number": _highest_issued(year) + 1}
    dialect = db.session.connection().dialect.name
    if dialect == "postgresql":
        stmt = pg_insert(table).values(values).on_conflict_do_nothing(index_elements=["year"])
    elif dialect == "sqlite":
        stmt = sqlite_insert(table).values(values).on_conflict_do_nothing(
            index_elements=["year"])
    else:  # not a supported engine; a lost race would fail on the primary key instead
        stmt = insert(table).values(values)
    db.session.execute(stmt)


def _counter_update(year: int, new_value) -> int:
    """Run ``UPDATE register_counter SET next_number = new_value`` for ``year`` (creating
    the counter first when the year has none) and return the value it stored."""
    table = RegisterCounter.__table__
    stmt = (update(table).where(table.c.year == year).values(next_number=new_value)
            .returning(table.c.next_number))
    stored = db.session.execute(stmt).scalar_one_or_none()
    if stored is None:
        _start_counter(year)
        stored = db.session.execute(stmt).scalar_one()
    return stored


def next_register_numbers(year: int, count: int) -> list[str]:
    """Reserve ``count`` consecutive automatic numbers of ``year`` and return them.

    One atomic ``UPDATE … RETURNING`` of the year's counter: a concurrent registration waits
    for this transaction (row lock on PostgreSQL, write lock on SQLite) and then continues
    above these numbers. Call it inside the transaction that records the numbers: if it rolls
    back, the reservation does too, and the numbers were never issued.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    next_number = RegisterCounter.__table__.c.next_number
    with db.session.no_autoflush:  # a half-built client in the session must not flush yet
        after = _counter_update(year, next_number + count)
    return [format_register_number(year, running) for running in range(after - count, after)]


def _keep_counter_above(number: str) -> None:
    """After a typed number in the automatic format (``2026-0050``), move that year's counter
    past it, so the automatic numbering never reaches it."""
    match = AUTO_FORMAT.match(number)
    if not match or len(match.group(2)) > COUNTER_DIGITS:
        return  # far beyond anything automatic: numbering will never get there
    year, running = int(match.group(1)), int(match.group(2))
    next_number = RegisterCounter.__table__.c.next_number
    with db.session.no_autoflush:
        _counter_update(year, case((next_number <= running, running + 1), else_=next_number))


def issue_register_number(client: Client, number: str | None = None) -> str:
    """Give ``client`` ``number`` (typed from a paper register) or the next automatic one of
    the admission year (this year when the admission date is empty).

    The number is recorded in ``register_number`` in the same transaction, so it is never
    issued again, even after the client is deleted. A typed number that a concurrent
    registration takes at the same moment fails on its primary key instead of being shared.
    """
    if number:
        _keep_counter_above(number)
    else:
        year = client.admission_date.year if client.admission_date else panti_today().year
        number = next_register_numbers(year, 1)[0]
    with db.session.no_autoflush:  # the client may be half-built; don't flush it yet
        client.register = RegisterNumber(number=number)
    return number
