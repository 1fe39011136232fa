"""Dates the panti's way, in one place: its own "today", and dd/mm/yyyy in and out.

The console shows Asia/Jakarta (``BABEL_DEFAULT_TIMEZONE``) whatever the server's clock
says, so "today" is the panti's date, not the server's. Typed dates are day first, with
``/``, ``-`` or ``.`` between the parts; the unambiguous ISO form (2026-05-15) is accepted
too, for links and for what a browser's own date input sends.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _

from .inputs import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE

_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?")
_MONTH_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def panti_zone() -> ZoneInfo:
    name = current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else None
    return ZoneInfo(name or "Asia/Jakarta")


def now() -> datetime:
    """The current time in the panti's time zone (aware)."""
    return datetime.now(timezone.utc).astimezone(panti_zone())


def today() -> date:
    """The panti's date now: on a server in UTC, 23:30 is already tomorrow in Jakarta."""
    return now().date()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def parse_date(text: str) -> date:
    """``15/05/1968``, ``15-05-1968``, ``15.05.1968`` or ``1968-05-15`` → a date; a
    ValueError with the user's message otherwise."""
    text = (text or "").strip()
    match = _DAY_FIRST.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO.fullmatch(text)
        if not match:
            raise ValueError(_("Tanggal tidak dikenali; tulis hari/bulan/tahun, misalnya "
                               "15/05/1968."))
        year, month, day = (int(part) for part in match.groups())
    # Outside the range a typed year is a slip of the keyboard (0968, 9999), not a date.
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise ValueError(str(DATE_RANGE_MESSAGE))
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("Tanggal %(text)s tidak ada di kalender.", text=text)) from None


def format_date(value: date | None) -> str:
    """dd/mm/yyyy, or an empty string for no date."""
    return value.strftime("%d/%m/%Y") if value else ""


def local(value: datetime) -> datetime:
    """A stored (UTC) moment in the panti's time zone. SQLite hands stored moments back
    without a zone: they are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(panti_zone())


def format_datetime(value: datetime | None) -> str:
    """A stored moment as the panti reads it: dd/mm/yyyy HH:MM in its time zone."""
    return local(value).strftime("%d/%m/%Y %H:%M") if value is not None else ""


def parse_time(text: str) -> time:
    """``13:00``, ``13.00`` or ``13:00:00`` → a time; a ValueError with the message."""
    match = _TIME.fullmatch((text or "").strip())
    try:
        if not match:
            raise ValueError
        hour, minute, second = (int(part or 0) for part in match.groups())
        return time(hour, minute, second)
    except ValueError:
        raise ValueError(_("Jam tidak dikenali; tulis jam:menit, misalnya 13:00.")) from None


def format_time(value: time | None) -> str:
    """HH:MM, or an empty string."""
    return value.strftime("%H:%M") if value else ""


def parse_month(text: str) -> date:
    """``11/2026`` (``/``, ``-`` or ``.``) or ``2026-11`` → the first day of that month; a
    ValueError with the user's message otherwise."""
    text = (text or "").strip()
    match = _MONTH_FIRST.fullmatch(text)
    if match:
        month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_MONTH.fullmatch(text)
        if not match:
            raise ValueError(_("Bulan tidak dikenali; tulis bulan/tahun, misalnya 11/2026."))
        year, month = (int(part) for part in match.groups())
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year or not 1 <= month <= 12:
        raise ValueError(_("Bulan tidak dikenali; tulis bulan/tahun, misalnya 11/2026."))
    return date(year, month, 1)


def format_month(value: date | None) -> str:
    """mm/yyyy, as a month is typed (parse_month reads it back)."""
    return f"{value.month:02d}/{value.year:04d}" if value else ""


def month_key(value: date) -> str:
    """yyyy-mm: a month in links, a month input's value and file names (sorts by time)."""
    return f"{value.year:04d}-{value.month:02d}"
