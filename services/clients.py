"""Client registration: issuing register numbers that are unique and never reused."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from models import Client, RegisterNumber, db

# Register numbers look like 2026-0007: the year of registration and a running number.
AUTO_FORMAT = re.compile(r"^(\d{4})-(\d{4,})$")
ALLOWED = re.compile(r"^[A-Za-z0-9./-]{1,20}$")


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

