"""Service contracts: drafted from the service plan, signed, amended, followed up.

The rules of DOMAIN stage 5: a contract is a written, signed agreement on the problem, the
goals, both sides' responsibilities, techniques, time and place, with the rights and
obligations of client, institution and social worker. States: draft → signed → active →
ended, or cancelled. A signed contract no longer changes; a change is an amendment, a new
version linked to the one it replaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from models import Client, PlanGoal, ServiceContract, ServicePlan, db
from models.choices import ACTIVE_STAGES, CONTRACT_STATUSES

from .dates import format_date
from .dates import today as panti_today
from .errors import Refusal
from .settings import Known, setting

RIGHTS_KEY = "contract_rights_text"
# The default text is section D ("Hak dan kewajiban") of the panti's rehabilitation module
# (seeds/modul-rehabilitasi-gepeng-psbk.txt); each institution may edit it in Pengaturan.
DEFAULT_RIGHTS = """1. Klien
a. Mendapatkan pelayanan sesuai dengan kebutuhan dan permasalahannya.
b. Menentukan/memutuskan jenis pelayanan bagi penyelesaian masalahnya.
c. Mendapatkan informasi atas asesmen yang berkaitan dengan diri pribadi, keluarga, dan \
lingkungan dekatnya.
d. Mendapatkan perlindungan terhadap tindakan-tindakan yang dapat merugikan pencapaian tujuan \
dari masing-masing jenis pelayanan bagi dirinya.
e. Menolak pelayanan yang tidak dilakukan secara profesional.
f. Memberikan informasi akurat dalam kapasitas bagi keperluan penyelesaian masalahnya.
g. Memberikan izin untuk dilakukannya asesmen dan penanganan masalah bagi diri klien.

2. Panti
a. Memberikan pelayanan rehabilitasi sosial kepada individu, keluarga atau kelompok yang \
membutuhkannya.
b. Melakukan rehabilitasi sosial dengan berlandaskan kepada dasar keilmuan pekerja sosial dan \
bidang terkait lainnya.
c. Melaksanakan rehabilitasi sosial secara profesional.
d. Menjaga dan melindungi klien dari tindakan mal praktek.
e. Menjaga kerahasiaan klien kecuali untuk kebutuhan pelayanan.

3. Pekerja sosial
a. Melakukan tugas profesional pekerjaan sosial bagi kepentingan masalah klien.
b. Memberi kepercayaan kepada klien untuk ikut memutuskan hal-hal yang berkaitan dengan jenis \
pelayanan yang akan diterima klien.
c. Memberikan informasi tentang klien kepada profesional lain bila diperlukan bagi kepentingan \
penyelesaian masalah klien.
d. Mendapatkan perlindungan dari tuntutan mal praktek dalam kondisi pekerja sosial telah \
melaksanakan tugas secara profesional.
e. Menjaga kerahasiaan klien kecuali untuk kebutuhan pelayanan."""

RIGHTS_SETTING = Known(RIGHTS_KEY, _l("Hak dan kewajiban pada kontrak pelayanan"),
                       DEFAULT_RIGHTS)

# Allowed moves between states (signing has its own page).
TRANSITIONS = {
    "activate": ("signed", "active"),
    "end": ("active", "ended"),
    "cancel": (("draft", "signed", "active"), "cancelled"),
}

EXPIRY_DAYS = 30


class ContractError(Refusal):
    """A refused step, with the message for the user."""


def _numbered(goals: list[PlanGoal]) -> str:
    lines = []
    for number, goal in enumerate(goals, start=1):
        line = f"{number}. {goal.goal}"
        if goal.expected_result:
            line += " — " + _("hasil yang diharapkan: %(r)s", r=goal.expected_result)
        if goal.planned_start or goal.planned_end:
            line += " (" + " s.d. ".join(
                format_date(d) for d in (goal.planned_start, goal.planned_end) if d) + ")"
        lines.append(line)
    return "\n".join(lines)


def _tasks(goals: list[PlanGoal], owners: tuple[str, ...]) -> str | None:
    found = [f"- {goal.tasks}" for goal in goals if goal.tasks and goal.owner in owners]
    return "\n".join(found) or None


def draft_from_plan(plan: ServicePlan, today: date | None = None) -> ServiceContract:
    """A draft contract carrying the plan's problem, goals and tasks (added, not committed).

    Its period runs over the goals' planned dates (from today and three months on when the
    plan has none); the rights text is the institution's current one.
    """
    today = today or panti_today()
    goals = list(plan.goals)
    if not goals:
        raise ContractError(_("Rencana pelayanan belum punya tujuan; tambahkan tujuan lebih "
                              "dulu."))
    starts = [g.planned_start for g in goals if g.planned_start]
    ends = [g.planned_end for g in goals if g.planned_end]
    start = min(starts) if starts else today
    end = max(ends) if ends else start + timedelta(days=90)
    services = sorted({g.service for g in goals if g.service})
    contract = ServiceContract(
        client_id=plan.client_id, social_worker_id=plan.social_worker_id, plan_id=plan.id,
        kind="primary", status="draft", problem=plan.problems, goals=_numbered(goals),
        client_responsibilities=_tasks(goals, ("client", "both")),
        worker_responsibilities=_tasks(goals, ("social_worker", "both")),
        techniques=", ".join(services) or None, start_date=start, end_date=max(end, start),
        rights_text=setting(RIGHTS_KEY), version=1,
    )
    db.session.add(contract)
    return contract


@dataclass
class Signing:
    """What the signing page records."""

    signed_date: date | None
    client: bool
    worker: bool
    guardian: str | None
    head_id: int | None
    scan: str | None = None  # stored file name


def sign(contract: ServiceContract, signing: Signing, today: date | None = None) -> None:
    """Record the signatures: the draft becomes signed and read-only; an amendment replaces
    the version before it, which ends."""
    today = today or panti_today()
    if contract.status != "draft":
        raise ContractError(_("Hanya draf yang dapat ditandatangani; kontrak ini berstatus "
                              "%(s)s.", s=_status(contract.status)))
    problems = []
    if signing.signed_date is None:
        problems.append(_("Isi tanggal penandatanganan."))
    elif signing.signed_date > today:
        problems.append(_("Tanggal penandatanganan tidak boleh di masa depan."))
    if not (signing.client and signing.worker):
        problems.append(_("Kontrak harus ditandatangani klien dan pekerja sosial."))
    if problems:
        raise ContractError(" ".join(problems))
    contract.signed_date = signing.signed_date
    contract.signed_by_client, contract.signed_by_worker = True, True
    contract.guardian_signer = signing.guardian or None
    contract.head_id = signing.head_id
    if signing.scan:
        contract.scan = signing.scan
    contract.status = "signed"
    previous = contract.previous
    if previous is not None and previous.status in ("signed", "active"):
        previous.status = "ended"


def move(contract: ServiceContract, step: str) -> None:
    """activate, end or cancel, from the states that allow it."""
    if step not in TRANSITIONS:
        raise ContractError(_("Langkah tidak dikenal."))
    allowed, target = TRANSITIONS[step]
    allowed = (allowed,) if isinstance(allowed, str) else allowed
    if contract.status not in allowed:
        raise ContractError(_("Kontrak berstatus %(s)s tidak dapat diubah menjadi %(t)s.",
                              s=_status(contract.status), t=_status(target)))
    contract.status = target


def amend(contract: ServiceContract) -> ServiceContract:
    """A new draft version of a signed or running contract, linked to it (added)."""
    if contract.status not in ("signed", "active"):
        raise ContractError(_("Amandemen dibuat dari kontrak yang sudah ditandatangani atau "
                              "berjalan; draf dapat langsung diubah."))
    newer = db.session.scalar(select(ServiceContract.id).where(
        ServiceContract.previous_id == contract.id, ServiceContract.status == "draft"))
    if newer is not None:
        raise ContractError(_("Sudah ada draf amandemen kontrak ini (versi berikutnya)."))
    copy = ServiceContract(
        client_id=contract.client_id, social_worker_id=contract.social_worker_id,
        plan_id=contract.plan_id, kind=contract.kind, status="draft",
        problem=contract.problem, goals=contract.goals,
        client_responsibilities=contract.client_responsibilities,
        worker_responsibilities=contract.worker_responsibilities,
        techniques=contract.techniques, place=contract.place,
        start_date=contract.start_date, end_date=contract.end_date,
        rights_text=contract.rights_text, version=contract.version + 1,
        previous_id=contract.id,
    )
    db.session.add(copy)
    return copy


def _status(code: str) -> str:
    return CONTRACT_STATUSES.label(code).lower()


# --- follow-up lists --------------------------------------------------------------------

def expiring(where: list, today: date | None = None, days: int = EXPIRY_DAYS):
    """Signed or running contracts ending within ``days`` (soonest first)."""
    today = today or panti_today()
    return db.session.scalars(
        select(ServiceContract).options(joinedload(ServiceContract.client))
        .where(ServiceContract.status.in_(("signed", "active")),
               ServiceContract.end_date.between(today, today + timedelta(days=days)), *where)
        .order_by(ServiceContract.end_date)
    ).all()


def without_signed_contract(where: list, today: date | None = None):
    """Clients living in the panti with no signed or running contract covering today."""
    today = today or panti_today()
    covered = exists().where(
        ServiceContract.client_id == Client.id, ServiceContract.in_current_stay(),
        ServiceContract.status.in_(("signed", "active")),
        ServiceContract.start_date <= today, ServiceContract.end_date >= today)
    return db.session.scalars(
        select(Client).options(joinedload(Client.social_worker))
        .where(Client.stage.in_(ACTIVE_STAGES), ~covered, *where)
        .order_by(Client.register_number)
    ).all()



