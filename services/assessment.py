"""The assessment (asesmen, stage 3): four aspects — fisik, psikologis, sosial, vokasional —
recorded as assessment notes within four weeks of admission, and the assessment report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import CaseNote, Client, db
from models.choices import ASSESSMENT_ASPECTS, Stage

from .dates import add_months
from .dates import today as panti_today

ASSESSMENT_DAYS = 28  # the initial diagnostic study takes at most four weeks (DOMAIN stage 3)
# Clients admitted whose assessment is still being made.
ASSESSED_STAGES = (Stage.ADMISSION, Stage.ASSESSMENT)


def when(due: date, today: date) -> str:
    """How a due date reads today: late by some days, due today, or in some days (never
    "terlambat 0" for a day still to come)."""
    if today > due:
        return _("terlambat %(n)s hari", n=(today - due).days)
    if today == due:
        return _("jatuh tempo hari ini")
    return _("%(n)s hari lagi", n=(due - today).days)


def recorded_aspects(client_ids: list[int]) -> dict[int, set[str]]:
    """The aspects each client's assessment notes have recorded (one query)."""
    done: dict[int, set[str]] = defaultdict(set)
    if client_ids:
        for client_id, aspect in db.session.execute(
                select(CaseNote.client_id, CaseNote.aspect).where(
                    CaseNote.kind == "assessment", CaseNote.aspect.is_not(None),
                    CaseNote.client_id.in_(client_ids),
                    *CaseNote.of_current_stay(CaseNote.client_id))):
            done[client_id].add(aspect)
    return done


def lacking(done: set[str]) -> list[str]:
    """The aspects not yet recorded, in the assessment's order."""
    return [code for code in ASSESSMENT_ASPECTS.codes if code not in done]


@dataclass
class AssessmentDue:
    """A client whose assessment is not complete: when it is due and what is lacking."""

    client: Client
    due: date
    done: list[str] = field(default_factory=list)  # aspect codes recorded, in order
    lacking: list[str] = field(default_factory=list)

    def status(self, today: date) -> str:
        return when(self.due, today)

    @property
    def lacking_labels(self) -> str:
        return ", ".join(ASSESSMENT_ASPECTS.label(code) for code in self.lacking)


def assessment_due(today: date | None = None, where: list | None = None
                   ) -> list[AssessmentDue]:
    """The admitted clients (stage 2 or 3) whose four aspects are not all recorded, each due
    ASSESSMENT_DAYS after admission, most overdue first: two queries whatever the roster.
    ``where``: conditions on Client (a social worker: their own clients)."""
    today = today or panti_today()
    clients = db.session.scalars(
        select(Client).where(Client.stage.in_(ASSESSED_STAGES),
                             Client.admission_date.is_not(None), *(where or []))).all()
    done = recorded_aspects([client.id for client in clients])
    found = []
    for client in clients:
        missing = lacking(done[client.id])
        if missing:
            found.append(AssessmentDue(
                client, client.admission_date + timedelta(days=ASSESSMENT_DAYS),
                [code for code in ASSESSMENT_ASPECTS.codes if code in done[client.id]],
                missing))
    found.sort(key=lambda item: (item.due, item.client.register_number))
    return found


WEEKS = ("I", "II", "III", "IV")  # Formulir 2's columns: a month in four weeks


def progress_weeks(client_id: int, month: date,
                   where: list | None = None) -> list[tuple[str, list[CaseNote]]]:
    """Formulir 2's weeks I–IV of ``month`` with the client's progress notes in each
    (days 29–31 fall in week IV); ``where``: which notes the reader may see."""
    end = add_months(month, 1)
    weeks: list[list[CaseNote]] = [[] for _week in WEEKS]
    for note in db.session.scalars(
            select(CaseNote).where(CaseNote.client_id == client_id,
                                   CaseNote.kind == "progress", CaseNote.date >= month,
                                   CaseNote.date < end, *(where or []))
            .order_by(CaseNote.date, CaseNote.id)):
        weeks[min((note.date.day - 1) // 7, len(WEEKS) - 1)].append(note)
    return list(zip(WEEKS, weeks, strict=True))


def assessment_notes(client_id: int, where: list | None = None) -> dict[str, list[CaseNote]]:
    """The client's assessment notes by aspect (in the aspects' order, oldest first):
    the content of the assessment report. ``where``: which notes the reader may see."""
    notes = db.session.scalars(
        select(CaseNote).options(joinedload(CaseNote.author))
        .where(*CaseNote.of_current_stay(client_id), CaseNote.kind == "assessment",
               *(where or []))
        .order_by(CaseNote.date, CaseNote.id)).all()
    by_aspect: dict[str, list[CaseNote]] = {code: [] for code in ASSESSMENT_ASPECTS.codes}
    for note in notes:
        by_aspect.setdefault(note.aspect or "", []).append(note)
    return by_aspect
