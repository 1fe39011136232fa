"""Reports from the people around the client, written once: who writes which kind (the
caregiver the dorm report, the doctor or nurse the health check, the class's instructor
the skill assessment of a client of that class), used by the form and ``flask check-data``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import Client, Enrollment, Staff, StaffReport, TrainingClass, db
from models.choices import POSITIONS, REPORT_WRITERS, SKILL_LEVELS, STAFF_REPORT_KINDS

from .dates import today as panti_today
from .rules import Problem, StoredCheck, in_future, invalid_choice, not_before, required

LABELS = {"client": _l("Klien"), "kind": _l("Jenis laporan"), "date": _l("Tanggal"),
          "training_class": _l("Kelas"), "skill_level": _l("Tingkat keterampilan"),
          "content": _l("Isi laporan / temuan"), "recommendation": _l("Rekomendasi"),
          "author": _l("Ditulis oleh")}


def kinds_for(staff: Staff | None) -> list[str]:
    """The kinds of report ``staff`` writes (by position)."""
    return [kind for kind, positions in REPORT_WRITERS.items()
            if staff is not None and staff.position in positions]


def report_problems(values: Mapping[str, Any], *,
                    current: StaffReport | None = None) -> list[Problem]:
    """Every reason the report ``values`` cannot be saved; ``values["author"]`` is the
    writer's staff id."""
    problems: list[Problem] = []
    kind = values.get("kind")
    if "kind" in values and kind not in STAFF_REPORT_KINDS.codes:
        return [Problem("kind", invalid_choice() if kind else required())]
    author = db.session.get(Staff, values["author"]) if values.get("author") else None
    if kind is not None and (author is None or kind not in kinds_for(author)):
        problems.append(Problem("kind", _(
            "%(kind)s ditulis oleh %(who)s.", kind=STAFF_REPORT_KINDS.label(kind),
            who=", ".join(POSITIONS.label(p).lower() for p in REPORT_WRITERS[kind]))))
    client = db.session.get(Client, values["client"]) if values.get("client") else None
    if "client" in values and client is None:
        problems.append(Problem("client", required()))
    elif client is not None and client.register_number is None:
        problems.append(Problem("client", _("Laporan ditulis untuk klien yang sudah "
                                            "diterima (punya nomor induk).")))
    day = values.get("date")
    if refused := in_future(day, panti_today()) or not_before(
            day, client.admission_date if client is not None else None,
            _("tanggal masuk klien")):
        problems.append(Problem("date", refused))
    if kind == "skill":
        problems += _skill_problems(values, client, author)
    elif values.get("training_class") or values.get("skill_level"):
        problems.append(Problem("training_class", _(
            "Kelas dan tingkat keterampilan hanya untuk penilaian keterampilan.")))
    return problems


def _skill_problems(values, client, author) -> list[Problem]:
    problems = []
    klass = db.session.get(TrainingClass, values["training_class"]) \
        if values.get("training_class") else None
    if klass is None:
        problems.append(Problem("training_class", required()))
    elif author is not None and klass.instructor_id != author.id:
        problems.append(Problem("training_class", _(
            "Penilaian keterampilan ditulis oleh instruktur kelas %(name)s.", name=klass.name)))
    elif client is not None and db.session.scalar(select(Enrollment.id).where(
            Enrollment.class_id == klass.id, Enrollment.client_id == client.id)) is None:
        problems.append(Problem("client", _("%(name)s bukan peserta kelas %(cls)s.",
                                            name=client.full_name, cls=klass.name)))
    if "skill_level" in values and values["skill_level"] not in SKILL_LEVELS.codes:
        problems.append(Problem("skill_level", invalid_choice()
                                if values["skill_level"] else required()))
    return problems


def _stored() -> Iterator[tuple[str, list[Problem]]]:
    for report in db.session.scalars(
            select(StaffReport).options(joinedload(StaffReport.client))
            .order_by(StaffReport.date, StaffReport.id)):
        problems = report_problems({
            "kind": report.kind, "author": report.author_id, "client": report.client_id,
            "date": report.date, "training_class": report.class_id,
            "skill_level": report.skill_level}, current=report)
        if problems:
            yield str(report), problems


CHECK = StoredCheck(lambda: _("Laporan staf"), _stored, lambda: LABELS)
