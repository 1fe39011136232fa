"""The rules of recreation activities and guidance schedules, written once (their admin
forms show each problem next to its field)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from models import GuidanceSchedule, RecreationActivity

from .rules import Problem, blank, not_before


def _times(values: Mapping[str, Any]) -> list[Problem]:
    refused = not_before(values.get("end_time"), values.get("start_time"), _("jam mulai"),
                         strict=True)
    return [Problem("end_time", refused)] if refused else []


def activity_problems(values: Mapping[str, Any], *,
                      current: RecreationActivity | None = None) -> list[Problem]:
    """Every reason the recreation activity ``values`` cannot be saved: it ends before it
    starts, or may overlap other schedules without a reason."""
    problems = _times(values)
    if values.get("allow_overlap") and blank(values.get("overlap_reason")):
        problems.append(Problem("overlap_reason", _(
            "Tuliskan alasan kegiatan ini boleh bersamaan dengan jadwal lain (mis. wisata "
            "seluruh panti).")))
    return problems


def guidance_problems(values: Mapping[str, Any], *,
                      current: GuidanceSchedule | None = None) -> list[Problem]:
    """Every reason the guidance schedule ``values`` cannot be saved: weekly on a weekday
    or once on a date (exactly one), a weekday from 1 to 7, times and validity in order."""
    problems: list[Problem] = []
    weekday = values.get("weekday")
    if "weekday" in values and (weekday is None) == (values.get("date") is None):
        problems.append(Problem("weekday", _(
            "Isi salah satu: hari (untuk jadwal mingguan) atau tanggal (untuk sekali saja).")))
    elif weekday is not None and not 1 <= weekday <= 7:
        problems.append(Problem("weekday", _("Hari 1 (Senin) sampai 7 (Minggu).")))
    problems.extend(_times(values))
    if refused := not_before(values.get("valid_until"), values.get("valid_from"),
                             _("berlaku sejak")):
        problems.append(Problem("valid_until", refused))
    return problems
