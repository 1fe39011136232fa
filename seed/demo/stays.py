"""Demo re-admission: a man who left the panti of his own will was brought in again by a
street sweep; he is the same client in his second stay (a candidate again, same register
number), his first stay kept and readable (services/stays.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from models import ClientStay, db
from models.choices import Stage
from services import stays

from .base import Demo


def ensure_readmission(demo: Demo) -> int:
    """The re-admitted person, added once (after every other part of the demo, so each
    record of the first stay is in place before the second begins)."""
    if db.session.scalar(select(func.count()).select_from(ClientStay)):
        return db.session.scalar(select(func.count()).select_from(ClientStay))
    left = [c for c in demo.clients if c.stage == Stage.TERMINATION and c.sex == "L"
            and c.register_number and c.termination_reason in ("own_will", "refused_absconded")
            and c.termination_date and c.termination_date < demo.today]
    if not left:
        return 0
    person = min(left, key=lambda c: c.termination_date)
    stays.readmit(person, None, actor="flask seed-demo", day=demo.today, note=(
        "Dibawa kembali oleh Satpol PP dari razia di Terminal Cicaheum."))
    person.referral_source = "satpol_pp"
    person.arrival_condition = "Kurus, pakaian kotor, tidak membawa KTP."
    return 1
