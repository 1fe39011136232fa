"""Demo training: four classes, their enrollments, a session on every class day from
the first of last month, and H/I/S/A for every enrolled client."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from itertools import combinations

from sqlalchemy import func, insert, select

from models import Attendance, Client, Enrollment, SkillType, TrainingClass, TrainingSession, db

from .base import Demo, add_months


@dataclass(frozen=True)
class ClassSpec:
    """A demo training class; ``sexes`` lists who may join, the preferred first."""

    name: str
    skill: str
    instructor: str
    location: str
    weekdays: str
    start: time
    end: time
    capacity: int
    sexes: tuple[str, ...]
    start_shift: int  # days after "two months before the first of this month"


# Olahan Pangan (Wed/Thu afternoon) overlaps Bengkel Motor (Mon/Wed afternoon) on Wednesday,
# so no client can join both; Ujang teaches two classes that never overlap.
CLASSES = (
    ClassSpec("Las Dasar", "Las", "inst1", "Bengkel Las", "135", time(8), time(11), 12,
              ("L",), 0),
    ClassSpec("Bengkel Motor", "Bengkel motor", "inst1", "Bengkel Otomotif", "13", time(13),
              time(15, 30), 12, ("L",), 2),
    ClassSpec("Menjahit Angkatan 3", "Menjahit", "inst2", "Ruang Keterampilan Menjahit", "24",
              time(8), time(11, 30), 15, ("P", "L"), 6),
    ClassSpec("Olahan Pangan", "Olahan pangan", "inst3", "Dapur Pelatihan", "34", time(13),
              time(15, 30), 14, ("L", "P"), 9),
)
TRAINING_STAGES = ("contract", "intervention", "case_conference", "resocialization")
TOPICS = {
    "Las": ("K3 dan alat pelindung diri", "Mengenal mesin las listrik", "Menyalakan busur las",
            "Las posisi datar (1G)", "Sambungan tumpul", "Sambungan T", "Membuat rangka rak",
            "Praktik membuat teralis"),
    "Bengkel motor": ("Mengenal alat bengkel", "Ganti oli dan filter", "Servis rem tromol",
                      "Setel rantai", "Kelistrikan dasar motor", "Tune-up karburator",
                      "Ganti ban dalam", "Praktik servis ringan"),
    "Menjahit": ("Mengenal mesin jahit", "Menjahit lurus dan zig-zag", "Membuat pola rok",
                 "Memotong bahan", "Menjahit sarung bantal", "Permak celana",
                 "Menjahit tas belanja", "Finishing dan obras"),
    "Olahan pangan": ("Kebersihan dapur dan pangan", "Membuat keripik singkong",
                      "Membuat kue bolu kukus", "Pengemasan dan label", "Menghitung harga jual",
                      "Membuat rempeyek", "Membuat donat", "Praktik jualan di bazar panti"),
}
EXCUSED = ("izin ke rumah keluarga", "izin mengurus KTP di Dukcapil", "izin kontrol ke Puskesmas",
           "izin menghadiri sidang keluarga")
SICK = ("demam", "sakit gigi", "diare, istirahat di asrama", "batuk pilek", "sakit kepala")


def _overlaps(days_a: str, start_a: time, end_a: time, days_b: str, start_b: time,
              end_b: time) -> bool:
    """True when two weekly slots share a weekday and their times intersect."""
    return bool(set(days_a) & set(days_b)) and start_a < end_b and start_b < end_a


def _class_overlap(a: TrainingClass, b: TrainingClass) -> bool:
    return a is not b and a.start_date <= b.end_date and b.start_date <= a.end_date and _overlaps(
        a.weekdays, a.start_time, a.end_time, b.weekdays, b.start_time, b.end_time
    )


def _check_instructor_slots() -> None:
    """Refuse a demo timetable in which one instructor would teach two classes at once."""
    for a, b in combinations(CLASSES, 2):
        if a.instructor == b.instructor and _overlaps(a.weekdays, a.start, a.end, b.weekdays,
                                                      b.start, b.end):
            raise ValueError(f"Demo classes {a.name} and {b.name} overlap for one instructor.")


def ensure_classes(demo: Demo, skills: dict[str, SkillType]) -> list[TrainingClass]:
    _check_instructor_slots()
    names = [spec.name for spec in CLASSES]
    found = {
        c.name: c
        for c in db.session.scalars(
            select(TrainingClass).where(TrainingClass.name.in_(names))
            .order_by(TrainingClass.id.desc())  # the oldest of same-named classes wins
        )
    }
    start = add_months(demo.first, -2)
    end = add_months(demo.first, 2)
    classes = []
    for spec in CLASSES:
        klass = found.get(spec.name)
        if klass is None:
            klass = TrainingClass(
                name=spec.name, skill_type=skills[spec.skill],
                instructor=demo.staff[spec.instructor], location=spec.location,
                start_date=start + timedelta(days=spec.start_shift),
                end_date=end + timedelta(days=spec.start_shift),
                weekdays=spec.weekdays, start_time=spec.start, end_time=spec.end,
                capacity=spec.capacity,
            )
            db.session.add(klass)
        classes.append(klass)
    db.session.flush()
    return classes


def _plan_enrollments(
    rng: random.Random, classes: list[TrainingClass], clients: list[Client]
) -> list[tuple[TrainingClass, Client]]:
    """8–12 clients per class from the intervention-ish stages, at most two classes each."""
    eligible = [c for c in clients if c.stage in TRAINING_STAGES and c.admission_date]
    taken: dict[str, list[TrainingClass]] = defaultdict(list)
    pairs = []
    for spec, klass in zip(CLASSES, classes, strict=True):
        pool = [c for c in eligible if c.sex in spec.sexes]
        rng.shuffle(pool)
        # Stable sort: preferred sex first, then who has the fewest classes so far.
        pool.sort(key=lambda c: (spec.sexes.index(c.sex), len(taken[c.register_number])))
        wanted = min(rng.randint(8, 12), klass.capacity)
        chosen = 0
        for client in pool:
            if chosen == wanted:
                break
            mine = taken[client.register_number]
            if len(mine) >= 2 or any(_class_overlap(klass, other) for other in mine):
                continue
            mine.append(klass)
            pairs.append((klass, client))
            chosen += 1
    return pairs


def ensure_enrollments(demo: Demo, classes: list[TrainingClass]) -> int:
    """Enroll the planned pairs; never over capacity, never two overlapping classes."""
    pairs = _plan_enrollments(demo.streams["training"], classes, demo.clients)
    class_ids = [k.id for k in classes]
    client_ids = [c.id for c in demo.clients]
    existing = set(db.session.execute(
        select(Enrollment.class_id, Enrollment.client_id).where(Enrollment.class_id.in_(class_ids))
    ).all())
    filled: Counter[int] = Counter(dict(db.session.execute(
        select(Enrollment.class_id, func.count())
        .where(Enrollment.class_id.in_(class_ids), Enrollment.left_on.is_(None))
        .group_by(Enrollment.class_id)
    ).all()))
    attending: dict[int, list[TrainingClass]] = defaultdict(list)
    for client_id, klass in db.session.execute(
        select(Enrollment.client_id, TrainingClass)
        .join(Enrollment.training_class)
        .where(Enrollment.client_id.in_(client_ids), Enrollment.left_on.is_(None))
    ).all():
        attending[client_id].append(klass)
    count = 0
    for klass, client in pairs:
        if (klass.id, client.id) in existing:
            count += 1
            continue
        # Joined once the class runs and after the first four weeks (assessment) in the panti.
        joined = max(klass.start_date, client.admission_date + timedelta(days=28))
        if (
            filled[klass.id] >= klass.capacity
            or joined > min(demo.today, klass.end_date)
            or any(_class_overlap(klass, other) for other in attending[client.id])
        ):
            continue
        db.session.add(Enrollment(training_class=klass, client=client, enrolled_on=joined))
        filled[klass.id] += 1
        attending[client.id].append(klass)
        count += 1
    db.session.flush()
    return count


def ensure_sessions(demo: Demo, classes: list[TrainingClass]) -> list[TrainingSession]:
    """A session on every class weekday from the first of last month up to today."""
    class_ids = [k.id for k in classes]
    existing = {
        (s.class_id, s.date, s.start_time): s
        for s in db.session.scalars(
            select(TrainingSession).where(
                TrainingSession.class_id.in_(class_ids), TrainingSession.date >= demo.prev_first
            )
        )
    }
    sessions = []
    for klass in classes:
        topics = TOPICS.get(klass.skill_type.name, ("Praktik",))
        day = max(demo.prev_first, klass.start_date)
        last = min(demo.today, klass.end_date)
        number = 0
        while day <= last:
            if str(day.isoweekday()) in klass.weekdays:
                session = existing.get((klass.id, day, klass.start_time))
                if session is None:
                    session = TrainingSession(
                        training_class=klass, date=day, start_time=klass.start_time,
                        end_time=klass.end_time, topic=topics[number % len(topics)],
                    )
                    db.session.add(session)
                sessions.append(session)
                number += 1
            day += timedelta(days=1)
    db.session.flush()
    return sessions


def _mark(rng: random.Random) -> tuple[str, str | None]:
    """An attendance code, mostly H, with the short note an instructor would write."""
    roll = rng.random()
    if roll < 0.86:
        return "H", "terlambat 15 menit" if rng.random() < 0.03 else None
    if roll < 0.91:
        return "I", rng.choice(EXCUSED)
    if roll < 0.96:
        return "S", rng.choice(SICK)
    return "A", "tanpa keterangan" if rng.random() < 0.5 else None


def ensure_attendance(demo: Demo, sessions: list[TrainingSession]) -> int:
    """H/I/S/A for every enrolled client at every session up to today, in one bulk insert."""
    rng = demo.streams["attendance"]
    session_ids = [s.id for s in sessions]
    existing = set(db.session.execute(
        select(Attendance.session_id, Attendance.client_id)
        .where(Attendance.session_id.in_(session_ids))
    ).all())
    roster: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    for class_id, client_id, joined, left in db.session.execute(
        select(Enrollment.class_id, Enrollment.client_id, Enrollment.enrolled_on,
               Enrollment.left_on)
        .where(Enrollment.class_id.in_(sorted({s.class_id for s in sessions})))
        .order_by(Enrollment.class_id, Enrollment.client_id)
    ).all():
        roster[class_id].append((client_id, joined, left))
    rows, count = [], 0
    for session in sessions:
        if session.date > demo.today:
            continue
        for client_id, joined, left in roster[session.class_id]:
            if joined > session.date or (left is not None and left < session.date):
                continue
            # Drawn for every pair, existing or not, so a rerun draws exactly the same marks.
            code, note = _mark(rng)
            count += 1
            if (session.id, client_id) not in existing:
                rows.append({"session_id": session.id, "client_id": client_id, "code": code,
                             "note": note})
    if rows:
        db.session.execute(insert(Attendance), rows)
    return count
