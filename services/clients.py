"""Client registration: issuing register numbers that are unique and never reused."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from models import Client, RegisterNumber, db

# Sixteen digits: a NIK (identity number) or a family card number (nomor KK).
DIGITS_16 = re.compile(r"^\d{16}$")
# An Indonesian phone number once spaces and dashes are taken out: 0812…, 62812…, +62812….
PHONE = re.compile(r"^(\+62|62|0)[0-9]{8,13}$")

# Register numbers look like 2026-0007: the year of registration and a running number.
AUTO_FORMAT = re.compile(r"^(\d{4})-(\d{4,})$")
ALLOWED = re.compile(r"^[A-Za-z0-9./-]{1,20}$")


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


def number_was_issued(number: str) -> bool:
    """True when ``number`` was ever given to a client (even one since deleted)."""
    return db.session.get(RegisterNumber, number) is not None


def next_register_number(year: int | None = None) -> str:
    """The next free number of ``year``: one above the highest ever issued, so no reuse."""
    year = year or date.today().year
    prefix = f"{year}-"
    issued = db.session.scalars(
        select(RegisterNumber.number).where(RegisterNumber.number.like(f"{prefix}%"))
    )
    highest = 0
    for number in issued:
        match = AUTO_FORMAT.match(number)
        if match:
            highest = max(highest, int(match.group(2)))
    return f"{prefix}{highest + 1:04d}"


def issue_register_number(client: Client, number: str | None = None) -> str:
    """Give ``client`` ``number`` (typed from a paper register) or the next automatic one.

    The number is recorded in ``register_number`` in the same transaction; a concurrent
    registration taking the same number fails on its primary key instead of sharing it.
    """
    with db.session.no_autoflush:  # the client may be half-built; don't flush it yet
        if not number:
            year = client.admission_date.year if client.admission_date else None
            number = next_register_number(year)
        client.register = RegisterNumber(number=number)
    return number



def next_register_numbers(year: int, count: int) -> list[str]:
    """``count`` consecutive numbers of ``year`` above the highest ever issued (one query),
    for registering many clients at once (the roster import)."""
    prefix = f"{year}-"
    highest = 0
    for number in db.session.scalars(
            select(RegisterNumber.number).where(RegisterNumber.number.like(f"{prefix}%"))):
        match = AUTO_FORMAT.match(number)
        if match:
            highest = max(highest, int(match.group(2)))
    return [f"{prefix}{highest + i:04d}" for i in range(1, count + 1)]
