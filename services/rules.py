"""What an entity's rule function returns, and the words rules share.

Each entity's rules live in one function of its service module (``client_problems``,
``room_problems``, ``class_problems``, ``enrollment_problems``, ``attendance_problems``,
``guidance_problems``): given the values to save (field → value as stored, a relation as its
id) and the record being changed, it returns every ``Problem``. The admin form shows each
next to its field (``admin_views.rule_forms.RuleChecked``), the roster import lists them per
row, and ``flask check-data`` prints those of the stored records; the database constraints
stay behind them as the last guard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _


@dataclass(frozen=True)
class Problem:
    """Why a value cannot be saved: the field's name and the message shown next to it."""

    field: str
    message: str


@dataclass(frozen=True)
class StoredCheck:
    """The rules of one entity run over its stored records (``flask check-data``):
    ``title`` names the entity, ``records`` yields (the record's name, its problems) for
    each record that breaks a rule, ``labels`` names the fields."""

    title: Callable[[], str]
    records: Callable[[], Iterator[tuple[str, list[Problem]]]]
    labels: Callable[[], Mapping[str, str]]


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def not_before(later: Any, earlier: Any, earlier_label: str, strict: bool = False) -> str | None:
    """The refusal of ``later`` when it lies before ``earlier`` (or on it, when ``strict``):
    the one wording of every "end before start" rule; None when either is missing."""
    if later is None or earlier is None:
        return None
    if later < earlier or (strict and later == earlier):
        if strict:
            return _("Harus sesudah %(other)s.", other=earlier_label)
        return _("Tidak boleh sebelum %(other)s.", other=earlier_label)
    return None


def in_future(day: Any, today: Any) -> str | None:
    """The refusal of a day that has not come yet (a birth, an admission, an evaluation):
    the one wording; None when ``day`` is missing or not after ``today``."""
    if day is not None and day > today:
        return _("Tanggal tidak boleh di masa depan.")
    return None


def required() -> str:
    return _("Kolom ini wajib diisi.")


def invalid_choice() -> str:
    return _("Pilihan tidak valid.")
