"""Demo data: a believable PSBK (panti for gepeng) to click through, loaded by ``flask seed-demo``.

Every value comes from one locally seeded generator and from the first day of the current
month, so the demo always looks current. Each row is looked up by its natural key first, so a
second run on the same day adds nothing and reports the same counts.

One module per area, loaded in this order: ``staff`` (and accounts), ``catalogues`` (rooms,
skills, partners), ``clients``, ``training`` (classes, enrollments, sessions, attendance),
``activities`` (recreation, guidance), ``conferences`` (and their decisions),
``case_records`` (contracts, case notes, service plans); ``base`` holds what they share.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from models import NetworkPartner, Room, SkillType, Staff, db
from services.accounts import AccountError, password_problem
from services.dates import local
from services.dates import today as panti_today

from .activities import ensure_guidance, ensure_recreation
from .aftercare import ensure_aftercare
from .base import SEED, STREAMS, Demo, ensure_named
from .case_records import ensure_case_notes, ensure_contracts, ensure_plans
from .catalogues import PARTNERS, ROOMS, SKILLS, partner_rows
from .clients import ensure_clients
from .conferences import ensure_conferences, ensure_decisions
from .documents import ensure_documents
from .evaluations import ensure_evaluations
from .outreach import ensure_outreach
from .placements import ensure_placements
from .referrals import ensure_referrals
from .selection import ensure_selection
from .staff import ACCOUNTS, STAFF, ensure_accounts, ensure_staff
from .staff_reports import ensure_staff_reports
from .stays import ensure_readmission
from .terminations import ensure_terminations
from .training import ensure_attendance, ensure_classes, ensure_enrollments, ensure_sessions

__all__ = ["ACCOUNTS", "PARTNERS", "ROOMS", "SKILLS", "STAFF", "load_demo"]


def _first_load_day() -> date | None:
    """The day the demo was first loaded (when the demo head was created), if it was.

    Reloading on a later day then finds exactly the same data instead of adding that day's
    sessions and meetings: the demo stays idempotent across days, not only within one.
    """
    head_nip = next(row[3] for row in STAFF if row[0] == "head")
    created = db.session.scalar(select(Staff.created_at).where(Staff.employee_number == head_nip))
    # The panti's date of that moment: at 00:30 WIB the stored UTC moment is still yesterday.
    return local(created).date() if created is not None else None


def load_demo(password: str, today: date | None = None) -> dict[str, int]:
    """Load realistic Indonesian demo data; idempotent (running twice gives the same data).

    Adds to ``db.session`` and flushes as needed, never commits; returns counts per kind.
    """
    problem = password_problem(password)
    if problem:  # checked before anything is added, so a bad password leaves no half demo
        raise AccountError(problem)
    today = today or _first_load_day() or panti_today()
    rng = random.Random(SEED)
    demo = Demo(today=today, first=today.replace(day=1),
                 streams={name: random.Random(rng.getrandbits(64)) for name in STREAMS})
    counts: dict[str, int] = {}

    demo.staff = ensure_staff()
    counts["pegawai"] = len(demo.staff)
    counts["akun"] = ensure_accounts(password, demo.staff)
    rooms = ensure_named(Room, ROOMS)
    skills = ensure_named(SkillType, ({"name": n, "description": d} for n, d in SKILLS))
    partners = ensure_named(NetworkPartner, partner_rows(demo.first))
    counts.update(kamar=len(rooms), keterampilan=len(skills), mitra=len(partners))
    db.session.flush()  # room ids for the occupancy count

    demo.clients = ensure_clients(demo, rooms)
    counts["klien"] = len(demo.clients)

    classes = ensure_classes(demo, skills)
    counts["kelas"] = len(classes)
    counts["peserta"] = ensure_enrollments(demo, classes)
    sessions = ensure_sessions(demo, classes)
    counts["sesi"] = len(sessions)
    counts["kehadiran"] = ensure_attendance(demo, sessions)

    counts["rekreasi"] = ensure_recreation(demo)
    counts["bimbingan"] = ensure_guidance(demo)
    counts["konferensi"] = ensure_conferences(demo)
    counts["kontrak"] = ensure_contracts(demo)
    counts["catatan kasus"] = ensure_case_notes(demo)
    counts["dokumen"] = ensure_documents(demo)
    counts["penjangkauan"] = ensure_outreach(demo)
    db.session.flush()  # the document kinds and the accounts, for the selection
    counts["seleksi"] = ensure_selection(demo)
    counts["rencana pelayanan"] = ensure_plans(demo)
    counts["evaluasi unjuk kerja"] = ensure_evaluations(demo)
    counts["rujukan"] = ensure_referrals(demo)
    counts["bimbingan lanjut"] = ensure_aftercare(demo)
    counts["penyaluran"] = ensure_placements(demo)
    counts["terminasi"] = ensure_terminations(demo)
    counts["laporan staf"] = ensure_staff_reports(demo)
    db.session.flush()
    counts["keputusan KK"] = ensure_decisions(demo)
    db.session.flush()
    counts["diterima kembali"] = ensure_readmission(demo)
    db.session.flush()
    return counts
