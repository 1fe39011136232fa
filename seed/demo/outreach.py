"""Demo outreach visits (penjangkauan): weekly visits of the last month with the partner
agencies, the persons met, and those among them now clients of stage 1; the intakes
(angkatan) the demo's clients came with, the fourth recruiting now (its weeks visited)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import Intake, NetworkPartner, OutreachPerson, OutreachVisit, db

from .base import Demo

# days before today, kind of place, place, partner, persons met (name, description, age,
# sex, condition), what was done
VISITS = (
    (3, "intersection", "Perempatan Cicaheum", "Dinas Sosial Kota Bandung",
     (("Ujang", None, 35, "L", "Mengemis, tanpa KTP"),
      (None, "Ibu dengan anak balita, berkerudung biru", 30, "P", "Mengemis bersama anak")),
     "Pendekatan dan motivasi; satu orang bersedia ikut ke panti."),
    (10, "terminal", "Terminal Leuwi Panjang", "Dinas Sosial Kota Bandung",
     (("Karta", None, 52, "L", "Mengamen, kaki kanan luka"),),
     "Luka dibersihkan; dirujuk ke Puskesmas terdekat."),
    (17, "market", "Pasar Andir", None,
     (("Entin", None, 45, "P", "Memulung, tidur di emperan pasar"),
      (None, "Laki-laki tua berkaus merah, tidak mau menyebut nama", 70, "L", "Lemah")),
     "Sosialisasi program panti kepada pedagang dan pengelola pasar."),
    (24, "station", "Stasiun Kiaracondong", "Dinas Sosial Kota Bandung",
     (("Dadan", None, 28, "L", "Mengemis di peron"),),
     "Pendataan bersama petugas stasiun."),
)


def ensure_intakes(demo: Demo) -> None:
    """Intakes 1–3 (the clients' cohorts, older to newer) and 4, recruiting this month."""
    have = set(db.session.scalars(select(Intake.number)))
    starts = {1: demo.first - timedelta(days=180), 2: demo.first - timedelta(days=110),
              3: demo.first - timedelta(days=60), 4: demo.today - timedelta(days=27)}
    for number, day in starts.items():
        if number not in have:
            db.session.add(Intake(number=number, starts_on=day))


def ensure_outreach(demo: Demo) -> int:
    """The visits, found by date and place or added; the officers are the social workers."""
    ensure_intakes(demo)
    partners = {p.name: p for p in db.session.scalars(select(NetworkPartner))}
    have = {(v.date, v.place) for v in db.session.scalars(select(OutreachVisit))}
    officers = [demo.staff[key] for key in ("sw1", "sw2") if key in demo.staff]
    for days, kind, place, partner, persons, actions in VISITS:
        day = demo.today - timedelta(days=days)
        if (day, place) in have:
            continue
        db.session.add(OutreachVisit(
            date=day, place_kind=kind, place=place, partner=partners.get(partner or ""),
            officers=officers, actions=actions,
            follow_up="Kunjungan ulang minggu depan." if days < 20 else None,
            persons=[OutreachPerson(name=name, description=description, estimated_age=age,
                                    sex=sex, condition=condition)
                     for name, description, age, sex, condition in persons]))
    return len(VISITS)
