"""Demo recreation activities and guidance schedules (weekly and one-off)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select

from models import Client, GuidanceSchedule, RecreationActivity, db

from .base import Demo, add_months, next_isoweekday, present_on, sample_clients
from .staff import SOCIAL_WORKERS

# kind, title, month (-1 last, 0 this), day, start, end, place, leader, participants, note
RECREATION: tuple[tuple[str, str, int, int, time, time, str, str, tuple[int, int],
                        str | None], ...] = (
    ("angklung", "Latihan angklung bersama", -1, 5, time(15, 45), time(17), "Aula Serbaguna",
     "caregiver", (10, 15), "Dilatih relawan komunitas angklung; lagu \"Halo-Halo Bandung\"."),
    ("chess", "Turnamen catur antarasrama", -1, 11, time(19), time(21, 30),
     "Ruang Rekreasi Asrama Anggrek", "dorm", (8, 12), "Sistem gugur; juara mendapat "
     "perlengkapan mandi."),
    ("outing", "Wisata ke Kebun Raya", -1, 15, time(7), time(15), "Kebun Raya Bogor", "sw2",
     (12, 15), "Berangkat dengan bus panti; bekal makan siang dari dapur umum."),
    ("singing", "Menyanyi bersama lagu daerah", -1, 25, time(19, 30), time(21), "Aula Serbaguna",
     "psych", (10, 15), None),
    ("congklak", "Permainan congklak dan kartu", 0, 3, time(15, 45), time(17),
     "Teras Asrama Melati", "caregiver", (5, 8), None),
    ("organ", "Latihan organ tunggal", 0, 9, time(19, 30), time(21), "Aula Serbaguna", "dorm",
     (5, 10), "Persiapan hiburan pada acara pelepasan klien."),
    ("drama", "Latihan drama \"Pulang ke Kampung Halaman\"", 0, 16, time(15, 45), time(17, 30),
     "Aula Serbaguna", "psych", (8, 12), None),
    ("storytelling", "Malam berbagi cerita", 0, 23, time(19, 30), time(21), "Ruang Rekreasi",
     "sw1", (6, 12), "Klien bercerita tentang kampung halaman dan cita-cita."),
)


@dataclass(frozen=True)
class GuidanceSpec:
    """A demo guidance slot: weekly (``weekday``) or once (``when`` picks the date)."""

    guidance_type: str
    title: str
    weekday: int | None
    start: time
    end: time
    staff: str | None
    location: str
    group: str
    who: str  # which clients: all, muslim, christian, sw1, sw2, late, room:<name>
    when: Callable[[date], date] | None = None
    months_valid: int = 6


GUIDANCE = (
    GuidanceSpec("mental_spiritual", "Pengajian & bimbingan rohani", 5, time(13, 30), time(15),
                 "cleric", "Musala Panti", "Klien muslim", "muslim"),
    # No Christian teacher on the staff: a volunteer pastor leads, a peksos coordinates.
    GuidanceSpec("mental_spiritual", "Ibadah & pembinaan rohani Kristiani", 7, time(8),
                 time(9, 30), "sw2", "Aula Serbaguna",
                 "Klien kristiani (bersama pendeta relawan gereja setempat)", "christian"),
    GuidanceSpec("physical_health", "Senam pagi & cek kesehatan", 2, time(6, 30), time(7, 30),
                 "nurse", "Lapangan Panti", "Seluruh klien", "all"),
    GuidanceSpec("social_group", "Bimbingan sosial kelompok: dinamika kelompok", 3,
                 time(15, 45), time(17), "sw2", "Aula Serbaguna",
                 "Klien dampingan peksos Rosmawati", "sw2"),
    GuidanceSpec("social_individual", "Konseling perorangan", 1, time(15, 45), time(17), "sw1",
                 "Ruang Konseling", "Jadwal konseling peksos Dedi", "sw1"),
    GuidanceSpec("social_community", "Kerja bakti bersama warga RW 05", 6, time(7), time(9, 30),
                 "dorm", "Lingkungan RW 05 sekitar panti", "Klien tahap lanjut", "late"),
    GuidanceSpec("family_life", "Bimbingan kehidupan berkeluarga — Rumah Kelompok Flamboyan", 4,
                 time(19), time(20, 30), "caregiver", "Rumah Kelompok Flamboyan",
                 "Penghuni Rumah Kelompok Flamboyan", "room:Rumah Kelompok Flamboyan",
                 months_valid=3),
    GuidanceSpec("physical_health", "Pemeriksaan kesehatan berkala oleh Puskesmas", None,
                 time(13), time(15), "doctor", "Poliklinik Panti", "Seluruh klien", "all",
                 when=lambda first: next_isoweekday(first + timedelta(days=7), 2)),
    GuidanceSpec("mental_spiritual", "Peringatan hari besar Islam: pengajian akbar", None,
                 time(19, 30), time(21, 30), "cleric", "Aula Serbaguna", "Klien muslim",
                 "muslim", when=lambda first: add_months(first, -1) + timedelta(days=19)),
)


def ensure_recreation(demo: Demo) -> int:
    rng = demo.streams["recreation"]
    plans = []
    for kind, title, month, day, start, end, place, leader, (low, high), note in RECREATION:
        when = add_months(demo.first, month) + timedelta(days=day - 1)
        if kind == "outing":
            when = next_isoweekday(when, 6)  # outings on Saturday, when no class runs
        pool = [c for c in demo.clients if present_on(c, min(when, demo.today))]
        plans.append((kind, title, when, start, end, place, leader, note,
                      sample_clients(rng, pool, low, high)))
    existing = set(db.session.execute(
        select(RecreationActivity.title, RecreationActivity.date)
        .where(RecreationActivity.title.in_([p[1] for p in plans]))
    ).all())
    for kind, title, when, start, end, place, leader, note, people in plans:
        if (title, when) in existing:
            continue
        outing = kind == "outing"  # the whole panti goes: other schedules give way
        db.session.add(RecreationActivity(
            kind=kind, title=title, date=when, start_time=start, end_time=end, place=place,
            leader=demo.staff[leader], note=note, participants=people, allow_overlap=outing,
            overlap_reason="Wisata seluruh panti; kegiatan lain hari itu ditiadakan."
            if outing else None,
        ))
    return len(plans)


def _guidance_clients(demo: Demo, who: str, day: date) -> list[Client]:
    present = [c for c in demo.clients if present_on(c, day)]
    if who == "muslim":
        return [c for c in present if c.religion == "islam"]
    if who == "christian":
        return [c for c in present if c.religion in ("kristen", "katolik")]
    if who in SOCIAL_WORKERS:
        return [c for c in present if c.social_worker is demo.staff[who]]
    if who == "late":
        return [c for c in present if c.stage in ("intervention", "resocialization")]
    if who.startswith("room:"):
        return [c for c in present if c.room is not None and c.room.name == who[5:]]
    return present


def ensure_guidance(demo: Demo) -> int:
    rng = demo.streams["guidance"]
    titles = [spec.title for spec in GUIDANCE]
    existing = set(db.session.scalars(
        select(GuidanceSchedule.title).where(GuidanceSchedule.title.in_(titles))
    ))
    for spec in GUIDANCE:
        day = spec.when(demo.first) if spec.when else None
        pool = _guidance_clients(demo, spec.who, min(day or demo.today, demo.today))
        if spec.who == "sw1":  # individual counselling: a few clients, one at a time
            pool = sample_clients(rng, pool, 4, 5)
        if spec.title in existing:
            continue
        db.session.add(GuidanceSchedule(
            guidance_type=spec.guidance_type, title=spec.title, weekday=spec.weekday, date=day,
            start_time=spec.start, end_time=spec.end,
            valid_from=None if day else add_months(demo.first, -spec.months_valid),
            staff=demo.staff[spec.staff] if spec.staff else None, location=spec.location,
            group_name=spec.group, clients=pool,
        ))
    return len(GUIDANCE)
