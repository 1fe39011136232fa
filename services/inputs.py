"""What a client may send: record ids, text without control characters, dates in range.

Every value from a URL or a form passes through one of these rules before it reaches a
query, so a value the database would refuse (a NUL byte, an id beyond 64 bits, the year
9999) is answered with a 400/404 or a message next to the field, never with a 500.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# The largest id any column of ours can hold (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1
# Largest whole number a form field may hold (PostgreSQL integer).
MAX_INT = 2**31 - 1
# The dates the console accepts: older or later ones are typing mistakes, and a weekly
# pattern expanded to the year 9999 would cost minutes and gigabytes.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATE_RANGE_MESSAGE = _l("Tanggal harus antara 01/01/1900 dan 31/12/2100.")
# Flask-Admin list pages: beyond this a page number is not a real page (and an offset
# past 64 bits breaks the query).
MAX_PAGE = 100_000

_ASCII_ID = re.compile(r"[1-9][0-9]{0,18}")
# C0 control characters and DEL; tab, line feed and carriage return are ordinary text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_id(raw: object) -> int | None:
    """A record id written in ASCII digits and within 63 bits, else None.

    ``str.isdigit()`` is not enough: it accepts "١٢" and "²", and ``int()`` reads numbers
    no column can hold.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 < raw <= MAX_ID else None
    if not isinstance(raw, str) or not _ASCII_ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


def clamp_page(page: int | None) -> int:
    """A list page number within 0 … MAX_PAGE (Flask-Admin reads it with ``int()``)."""
    return min(max(page or 0, 0), MAX_PAGE)


def date_in_range(value: date | datetime | None) -> bool:
    """True for no date or a date within EARLIEST_DATE … LATEST_DATE."""
    if value is None:
        return True
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds a control character other than tab, CR or LF."""
    return bool(_CONTROL.search(text))


def refuse_control_characters() -> None:
    """Before every request: a NUL or other control character in the path, a query
    parameter, a form field or an upload's name answers 400 (PostgreSQL refuses NUL bytes
    and nobody types the others). Runs before authentication, so the login form too."""
    values = [request.path]
    values += [part for key, value in request.args.items(multi=True) for part in (key, value)]
    if request.method in ("POST", "PUT", "PATCH"):
        values += [part for key, value in request.form.items(multi=True)
                   for part in (key, value)]
        values += [upload.filename or "" for upload in request.files.values()]
    if any(has_control_characters(value) for value in values):
        abort(400, description=_("Isian berisi karakter yang tidak diizinkan (karakter "
                                 "kontrol). Hapus karakter itu lalu coba lagi."))
