"""Demo Formulir 4 evaluations: the head evaluated the first social worker seven months ago
(so the next one is due: on the head's worklist) and the second two months ago."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import EvaluationActivity, WorkerEvaluation, db
from services.dates import add_months

from .base import Demo

# staff key, months ago, rows (activity, how, rating, recommendation), conclusion
EVALUATIONS = (
    ("sw1", 7, (
        ("Asesmen klien angkatan 2", "Wawancara, genogram dan kunjungan rumah dalam 4 minggu",
         "very_good", "Bagikan format genogram ke tim"),
        ("Catatan perkembangan mingguan", "Ditulis tiap dua minggu, sebagian terlambat",
         "fair", "Tulis setiap minggu sesuai Formulir 2"),
        ("Konferensi kasus peninjauan", "Ringkasan kasus siap sehari sebelum KK", "good",
         None),
    ), "Kinerja baik; ketepatan waktu pencatatan perlu ditingkatkan."),
    ("sw2", 2, (
        ("Bimbingan sosial kelompok", "Sesi mingguan dengan lembar kerja", "good",
         "Libatkan pengasuh asrama"),
        ("Kontrak pelayanan", "Kontrak ditandatangani bersama klien dan keluarga", "good",
         None),
    ), None),
)


def ensure_evaluations(demo: Demo) -> int:
    """The evaluations, found by worker and day or added."""
    have = set(db.session.execute(select(WorkerEvaluation.staff_id,
                                         WorkerEvaluation.evaluated_on)).tuples())
    head = demo.staff.get("head")
    for key, months, rows, conclusion in EVALUATIONS:
        staff = demo.staff.get(key)
        day = add_months(demo.today, -months)
        if staff is None or (staff.id, day) in have:
            continue
        db.session.add(WorkerEvaluation(
            staff_id=staff.id, evaluator_id=head.id if head else None, evaluated_on=day,
            period_start=add_months(day, -6) + timedelta(days=1), period_end=day,
            conclusion=conclusion,
            activities=[EvaluationActivity(position=number, activity=activity, method=method,
                                           rating=rating, recommendation=recommendation)
                        for number, (activity, method, rating, recommendation)
                        in enumerate(rows, start=1)]))
    return len(EVALUATIONS)
