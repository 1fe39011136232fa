"""Demo aftercare (bimbingan lanjut): the visits of the clients in stage 10, planned the way
the move to that stage plans them; the first one of each done, the later ones still ahead
or late (the social worker's worklist shows them)."""

from __future__ import annotations

from sqlalchemy import select

from models import AftercareVisit, db
from models.choices import Stage
from services import aftercare

from .base import Demo

OUTCOMES = (
    ("home_visit", "Klien tinggal bersama kakaknya dan membantu usaha warung; keluarga "
                   "menerima dengan baik.", "Kunjungan berikut ke tempat usaha."),
    ("workplace_visit", "Bekerja di bengkel las dekat rumah, dibayar harian; hubungan dengan "
                        "pemilik bengkel baik.", "Dorong menabung untuk alat las sendiri."),
    ("phone", "Dihubungi lewat telepon; sehat, berjualan gorengan keliling.",
     "Kunjungan rumah bulan depan."),
)


def ensure_aftercare(demo: Demo) -> int:
    """The planned visits of each client in aftercare; the first, when its day has passed,
    done (found by client and day, so a second load adds nothing)."""
    done = set(db.session.scalars(select(AftercareVisit.id).where(
        AftercareVisit.done_on.is_not(None))))
    count = 0
    for number, client in enumerate(c for c in demo.clients if c.stage == Stage.AFTERCARE):
        aftercare.plan_visits(client)
        db.session.flush()
        first = db.session.scalar(
            select(AftercareVisit).where(AftercareVisit.client_id == client.id)
            .order_by(AftercareVisit.planned_on).limit(1))
        if first is not None and first.id not in done and first.planned_on <= demo.today:
            kind, outcome, next_step = OUTCOMES[number % len(OUTCOMES)]
            first.done_on, first.kind = first.planned_on, kind
            first.outcome, first.next_step = outcome, next_step
        count += 1
    return count
