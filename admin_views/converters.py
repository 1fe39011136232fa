"""How screens show and read values: dd/mm/yyyy dates, HH:MM times, Ya/Tidak, coded labels."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import g
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model import typefmt
from flask_admin.model.form import converts
from flask_babel import gettext as _

from forms.fields import DateField, TimeField
from services.dates import format_date, format_datetime, format_time


def once_per_request(key, build):
    """``build()`` the first time ``key`` is asked for in this request, then the same value:
    what every row of a list shows alike (a label in the user's language, a button's HTML)."""
    cache = g.setdefault("once_per_request", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


def _date(_view, value: date, _name) -> str:
    return format_date(value)


def user_datetime(value: datetime | None) -> str:
    """A stored (UTC) time in the panti's time zone (BABEL_DEFAULT_TIMEZONE), dd/mm/yyyy."""
    return format_datetime(value)


def _datetime(_view, value: datetime, _name) -> str:
    return user_datetime(value)


def _time(_view, value: time, _name) -> str:
    return format_time(value)


def _bool(_view, value: bool, _name) -> str:
    return once_per_request(("bool", bool(value)), lambda: _("Ya") if value else _("Tidak"))


FORMATTERS = dict(typefmt.BASE_FORMATTERS)
# datetime before date: Flask-Admin takes the first isinstance match, and datetime is a date.
FORMATTERS.update({datetime: _datetime, date: _date, time: _time, bool: _bool})
DETAIL_FORMATTERS = dict(typefmt.DETAIL_FORMATTERS)
DETAIL_FORMATTERS.update({datetime: _datetime, date: _date, time: _time, bool: _bool})


def choice_formatter(vocabulary):
    """List/detail formatter showing a code's Indonesian label."""

    def fmt(_view, _context, model, name):
        code = getattr(model, name)
        return once_per_request((id(vocabulary), code), lambda: vocabulary.label(code))

    fmt.vocabulary = vocabulary  # the history page labels old and new codes with it
    return fmt


class Choices:
    """A form's (code, label) choices read like a vocabulary (``label(code)``)."""

    def __init__(self, pairs):
        self.labels = dict(pairs)

    def label(self, code: str) -> str:
        return str(self.labels.get(code, code))


class ConsoleModelConverter(AdminModelConverter):
    """Generated forms type dates as dd/mm/yyyy and times as HH:MM (services/dates.py)."""

    @converts("Date")
    def convert_date(self, field_args, **_extra):
        field_args.pop("widget", None)
        return DateField(**field_args)

    @converts("Time")
    def convert_time(self, field_args, **_extra):
        field_args.pop("widget", None)
        return TimeField(**field_args)
