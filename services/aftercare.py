"""Aftercare (bimbingan lanjut): the visits planned when a client enters stage 10, a number
of months after the termination (the months in *Pengaturan*), the rules of a visit, and the
visits coming due."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import AftercareVisit, Client, db
from models.choices import AFTERCARE_KINDS

from .dates import add_months
from .dates import today as panti_today
from .rules import Problem, StoredCheck, blank, in_future, invalid_choice, not_before, required
from .settings import Known, setting

OFFSETS_KEY = "aftercare_months"
NOTICE_DAYS = 7  # a visit is on the worklist a week before its day
MAX_MONTHS = 36


def offsets_problem(text: str) -> str | None:
    """The refusal of a list of months, or None: whole months, each later than the one
    before, at most MAX_MONTHS."""
    parts = [part for part in re.split(r"[,;\s]+", (text or "").strip()) if part]
    months = [int(part) for part in parts if part.isdigit()]
    if not parts or len(months) != len(parts) or months != sorted(set(months)) or \
            months[0] < 1 or months[-1] > MAX_MONTHS:
        return _("Tulis bulan-bulan sesudah terminasi, berurutan dan dipisah koma, misalnya "
                 "1, 3, 6 (paling lama %(n)s bulan).", n=MAX_MONTHS)
    return None


OFFSETS_SETTING = Known(OFFSETS_KEY, _l("Bimbingan lanjut: kunjungan bulan ke- sesudah "
                                        "terminasi"), "1, 3, 6", offsets_problem)


def offsets() -> list[int]:
    """The months after termination at which visits are planned (the default when the
    stored value no longer reads)."""
    text = setting(OFFSETS_KEY)
    if offsets_problem(text):
        text = OFFSETS_SETTING.default
    return [int(part) for part in re.split(r"[,;\s]+", text.strip()) if part]


def plan_visits(client: Client) -> list[AftercareVisit]:
    """Plan the client's aftercare visits from their termination date (called when they
    enter stage 10); nothing when visits after that termination are already planned."""
    if client.termination_date is None or db.session.scalar(
            select(AftercareVisit.id).where(*AftercareVisit.of_stay(client),
                                            AftercareVisit.planned_on >=
                                            client.termination_date).limit(1)) is not None:
        return []
    visits = [AftercareVisit(client=client, social_worker_id=client.social_worker_id,
                             months_after=months,
                             planned_on=add_months(client.termination_date, months))
              for months in offsets()]
    db.session.add_all(visits)
    return visits


def visits_due(today: date, where: list | None = None) -> list[AftercareVisit]:
    """Visits of the clients' current stays not yet done whose day is within NOTICE_DAYS (or
    past), earliest first (a person admitted again is not visited for the stay that ended);
    ``where``: the reader's visibility. One query."""
    return list(db.session.scalars(
        select(AftercareVisit).options(joinedload(AftercareVisit.client))
        .where(AftercareVisit.done_on.is_(None),
               *AftercareVisit.of_current_stay(AftercareVisit.client_id),
               AftercareVisit.planned_on <= today + timedelta(days=NOTICE_DAYS),
               *(where or []))
        .order_by(AftercareVisit.planned_on, AftercareVisit.id)))


# --- the rules of one visit -------------------------------------------------------------

LABELS = {"client": _l("Klien"), "planned_on": _l("Rencana tanggal"),
          "done_on": _l("Tanggal dilaksanakan"), "kind": _l("Bentuk"),
          "outcome": _l("Hasil"), "next_step": _l("Tindak lanjut")}


def visit_problems(values: Mapping[str, Any], *,
                   current: AftercareVisit | None = None) -> list[Problem]:
    """Every reason the visit ``values`` cannot be saved: only for a client who was
    terminated, not before the termination; a visit done is not in the future and says
    how and with what outcome."""
    problems: list[Problem] = []
    client = db.session.get(Client, values["client"]) if values.get("client") else None
    if "client" in values and client is None:
        problems.append(Problem("client", required()))
    elif client is not None and client.termination_date is None:
        problems.append(Problem("client", _(
            "Bimbingan lanjut hanya untuk klien yang sudah diterminasi.")))
    ended = client.termination_date if client is not None else None
    for name in ("planned_on", "done_on"):
        if refused := not_before(values.get(name), ended, _("tanggal terminasi")):
            problems.append(Problem(name, refused))
    done_on = values.get("done_on")
    if refused := in_future(done_on, panti_today()):
        problems.append(Problem("done_on", refused))
    if values.get("kind") and values["kind"] not in AFTERCARE_KINDS.codes:
        problems.append(Problem("kind", invalid_choice()))
    if done_on is not None:
        for name in ("kind", "outcome"):
            if name in values and blank(values[name]):
                problems.append(Problem(name, _(
                    "Isi %(field)s kunjungan yang sudah dilaksanakan.",
                    field=str(LABELS[name]).lower())))
    return problems


def _stored() -> Iterator[tuple[str, list[Problem]]]:
    for visit in db.session.scalars(
            select(AftercareVisit).options(joinedload(AftercareVisit.client))
            .order_by(AftercareVisit.planned_on, AftercareVisit.id)):
        problems = visit_problems({"client": visit.client_id, "planned_on": visit.planned_on,
                                   "done_on": visit.done_on}, current=visit)
        if problems:
            yield str(visit), problems


CHECK = StoredCheck(lambda: _("Bimbingan lanjut"), _stored, lambda: LABELS)
