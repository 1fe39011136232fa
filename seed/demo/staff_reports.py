"""Demo reports from the people around the client: the caregiver's dorm reports and the
doctor's health checks on the first social worker's clients, and the first instructor's
skill assessments of the members of their classes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import Enrollment, StaffReport, TrainingClass, db
from models.choices import ACTIVE_STAGES

from .base import Demo

CAREGIVER = ("Bangun pagi tepat waktu, ikut piket dapur; sesekali bertengkar kecil dengan "
             "teman sekamar.", "Libatkan dalam bimbingan kelompok tentang hidup bersama.")
HEALTH = ("Tekanan darah 120/80, berat badan naik 2 kg sejak masuk; batuk sudah sembuh.",
          "Lanjutkan olahraga pagi.")
SKILL = ("Menyelesaikan tugas akhir kelas dengan rapi dan tepat waktu.",
         "Siap magang di bengkel mitra.")


def ensure_staff_reports(demo: Demo) -> int:
    """The reports, found by client, kind and day or added."""
    have = set(db.session.execute(select(StaffReport.client_id, StaffReport.kind,
                                         StaffReport.date)).tuples())
    added = []
    caregiver, doctor = demo.staff.get("caregiver"), demo.staff.get("doctor")
    worker = demo.staff.get("sw1")
    living = [c for c in demo.clients if worker is not None
              and c.social_worker_id == worker.id and c.stage in ACTIVE_STAGES
              and c.admission_date and c.register_number][:4]
    for number, client in enumerate(living):
        day = demo.today - timedelta(days=3 + number)
        for author, kind, (content, advice) in ((caregiver, "caregiver", CAREGIVER),
                                                 (doctor, "health", HEALTH)):
            if author is not None and day >= client.admission_date:
                added.append(StaffReport(client_id=client.id, author_id=author.id, kind=kind,
                                         date=day, content=content, recommendation=advice))
    instructor = demo.staff.get("inst1")
    if instructor is not None:
        for class_id, client_id, enrolled in db.session.execute(
                select(TrainingClass.id, Enrollment.client_id, Enrollment.enrolled_on)
                .join(Enrollment, Enrollment.class_id == TrainingClass.id)
                .where(TrainingClass.instructor_id == instructor.id)
                .order_by(Enrollment.id).limit(3)):
            day = max(demo.today - timedelta(days=2), enrolled)
            added.append(StaffReport(client_id=client_id, author_id=instructor.id, kind="skill",
                                     date=day, class_id=class_id, skill_level="skilled",
                                     content=SKILL[0], recommendation=SKILL[1]))
    for report in added:
        if (report.client_id, report.kind, report.date) not in have:
            db.session.add(report)
    return len(added)
