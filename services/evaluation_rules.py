"""The rules a performance evaluation (Formulir 4) obeys, written once: the evaluation
form and ``flask check-data`` use these words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Staff, WorkerEvaluation, db
from models.choices import PERFORMANCE_RATINGS

from .dates import format_date
from .dates import today as panti_today
from .rules import (
    Problem,
    StoredCheck,
    blank,
    in_future,
    invalid_choice,
    not_before,
    required,
)

LABELS = {"staff": _l("Pekerja sosial yang dinilai"), "evaluated_on": _l("Tanggal penilaian"),
          "period_start": _l("Periode dari"), "period_end": _l("Periode sampai"),
          "activities": _l("Kegiatan")}


def evaluation_problems(values: Mapping[str, Any], *,
                        current: WorkerEvaluation | None = None) -> list[Problem]:
    """Every reason the evaluation ``values`` cannot be saved (``activities``: the rows,
    each a mapping with ``activity``, ``activity_date`` and ``rating``); a field missing
    from ``values`` is not checked."""
    problems: list[Problem] = []
    if "staff" in values:
        staff = db.session.get(Staff, values["staff"]) if values["staff"] else None
        if staff is None:
            problems.append(Problem("staff", required()))
        elif staff.position != "social_worker":
            problems.append(Problem("staff", _(
                "Formulir 4 menilai pekerja sosial; %(name)s bukan pekerja sosial.",
                name=staff.name)))
    start, end = values.get("period_start"), values.get("period_end")
    if (refused := not_before(end, start, str(LABELS["period_start"]).lower())):
        problems.append(Problem("period_end", refused))
    evaluated_on = values.get("evaluated_on")
    if refused := in_future(evaluated_on, panti_today()):
        problems.append(Problem("evaluated_on", refused))
    elif (refused := not_before(evaluated_on, start, str(LABELS["period_start"]).lower())):
        problems.append(Problem("evaluated_on", refused))
    if "activities" in values:  # the rows kept (a row marked for removal is not there)
        rows = list(values["activities"] or ())
        if not rows:
            # Not next to a field: the rows are a list (the form flashes it).
            problems.append(Problem("_activities", _(
                "Isi sedikitnya satu kegiatan yang dinilai.")))
        for number, row in enumerate(rows, start=1):
            problems += _row_problems(number, row, start, end)
    return problems


def _row_problems(number: int, row: Mapping[str, Any], start, end) -> list[Problem]:
    problems = []
    if blank(row.get("activity")):
        problems.append(Problem("_activities", _(
            "Kegiatan baris %(n)s: uraian kegiatan wajib diisi.", n=number)))
    if row.get("rating") not in PERFORMANCE_RATINGS.codes:
        problems.append(Problem("_activities", _(
            "Kegiatan baris %(n)s: penilaian %(problem)s", n=number,
            problem=(required() if blank(row.get("rating")) else invalid_choice()).lower())))
    day = row.get("activity_date")
    if day is not None and start is not None and end is not None and not start <= day <= end:
        problems.append(Problem("period_start", _(
            "Kegiatan baris %(n)s (%(day)s) di luar periode penilaian.", n=number,
            day=format_date(day))))
    return problems


def _stored() -> Iterator[tuple[str, list[Problem]]]:
    for evaluation in db.session.scalars(
            select(WorkerEvaluation).options(selectinload(WorkerEvaluation.activities))
            .order_by(WorkerEvaluation.evaluated_on)):
        problems = evaluation_problems({
            "staff": evaluation.staff_id, "period_start": evaluation.period_start,
            "period_end": evaluation.period_end,
            "activities": [{"activity": row.activity, "activity_date": row.activity_date,
                            "rating": row.rating} for row in evaluation.activities]},
            current=evaluation)
        if problems:
            yield str(evaluation), problems


CHECK = StoredCheck(lambda: _("Evaluasi unjuk kerja"), _stored, lambda: LABELS)
