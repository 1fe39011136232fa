"""Demo case conferences (past ones with their minutes, one next week) and the decision
for every client a past conference discussed."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from models import CaseConference, Client, ConferenceDecision, db
from services.schedule import Booking, bookings_between

from .base import Demo, present_on, sample_clients, workday_before
from .staff import STAFF

# kind, days before the first of this month (None: next week), clients discussed (min, max)
CONFERENCES: tuple[tuple[str, int | None, tuple[int, int]], ...] = (
    ("initial_placement", -75, (3, 6)),
    ("periodic_review", -56, (4, 6)),
    ("emergency", -42, (2, 2)),
    ("termination", -28, (2, 4)),
    ("placement", -10, (2, 5)),
    ("periodic_review", None, (3, 6)),
)
DECISIONS = {
    "initial_placement": (
        "masuk kelas Las Dasar; kontrak utama disusun peksos.",
        "masuk kelas Menjahit; perlu pendampingan psikolog untuk kepercayaan diri.",
        "masuk kelas Olahan Pangan; pengurusan KTP ke Dukcapil daerah asal.",
        "masuk kelas Bengkel Motor; cek gigi dan mata ke Puskesmas.",
    ),
    "periodic_review": (
        "rencana pelayanan dilanjutkan, ditinjau lagi tiga bulan mendatang.",
        "kehadiran pelatihan baik; mulai disiapkan untuk resosialisasi.",
        "sering izin; peksos menambah konseling perorangan setiap Senin.",
        "kondisi kesehatan membaik; target vokasional tetap.",
    ),
    "placement": (
        "kembali ke keluarga di {origin} dengan bantuan paket usaha.",
        "magang tiga bulan di Bengkel Motor Sinar Jaya.",
        "usaha mandiri jualan makanan ringan; paket usaha diserahkan saat terminasi.",
        "kembali ke keluarga di {origin}; Dinas Sosial daerah asal diminta mendampingi.",
    ),
}
REASON_TEXT = {
    "goals_achieved": "tujuan pelayanan tercapai",
    "not_eligible": "tidak memenuhi syarat hasil asesmen",
    "refused_absconded": "melarikan diri dari panti",
    "illness_referral": "sakit dan perlu dirujuk",
    "worker_breakdown": "perlu dirujuk ke peksos lain",
    "own_will": "mengundurkan diri atas kemauan sendiri",
    "period_ended": "masa program berakhir",
}


def _conference_pool(demo: Demo, kind: str, day: date, upcoming: bool) -> list[Client]:
    """The clients a conference of ``kind`` on ``day`` would discuss."""
    day = min(day, demo.today)
    present = [c for c in demo.clients if present_on(c, day)]
    if kind == "initial_placement":
        pool = [c for c in present if (day - c.admission_date).days <= 45]
    elif upcoming:
        pool = [c for c in present if c.stage in ("case_conference", "intervention")]
    elif kind == "periodic_review":
        pool = [c for c in present if (day - c.admission_date).days >= 60]
    elif kind == "termination":
        pool = [c for c in demo.clients
                if c.termination_date and day <= c.termination_date <= day + timedelta(days=45)
                and c.termination_reason != "refused_absconded" and present_on(c, day)]
    elif kind == "placement":
        pool = [c for c in present if c.stage in ("resocialization", "aftercare")]
    else:
        pool = present
    return pool or present


CONFERENCE_SLOTS = ((time(9), time(11, 30)), (time(13), time(15, 30)),
                    (time(15, 45), time(17, 45)), (time(19), time(21)))


def _free_slot(day: date, staff_ids: set[int], people: list[Client]
               ) -> tuple[time, time, list[Client]]:
    """The first meeting slot of ``day`` in which no core member is booked, and the
    clients of ``people`` who are free then (the demo keeps the no-conflict rule too)."""
    booked = bookings_between(day, day)
    best = None
    for start, end in CONFERENCE_SLOTS:
        slot = Booking("conference", None, ("conference", None), "", day, start, end)
        meeting = [b for b in booked if slot.overlaps(b) and not b.allow_overlap]
        if any(staff_ids & b.staff.keys() for b in meeting):
            continue
        busy = set().union(*(b.clients for b in meeting))
        free = [c for c in people if c.id not in busy]
        if best is None or len(free) > len(best[2]):
            best = (start, end, free)
    return best or (time(9), time(11, 30), [])


def _conference_text(demo: Demo, kind: str, people: list[Client], upcoming: bool
                     ) -> tuple[str, str | None]:
    """Summary and decisions as the secretary of the case conference would write them."""
    names = ", ".join(c.full_name for c in people)
    if upcoming:
        return (f"Peninjauan berkala (3 bulanan) rencana pelayanan: {names}. Ringkasan kasus "
                "disiapkan peksos paling lambat satu hari sebelum rapat.", None)
    if kind == "emergency":
        first, second = people[0], people[-1]
        return (
            f"Rapat darurat. {first.full_name} demam tinggi dan sesak napas sejak malam; "
            f"{second.full_name} terlibat perkelahian di asrama.",
            f"Disepakati 5 anggota tim inti: {first.full_name} dirujuk ke RSUD Kota Bandung; "
            f"{second.full_name} dipindahkan kamar sementara dan mendapat konseling psikolog. "
            "Perubahan sementara ini dikukuhkan atau dibatalkan pada KK berikutnya.",
        )
    summaries = {
        "initial_placement": f"Pembahasan hasil asesmen awal (fisik, psikologis, sosial, "
                             f"vokasional) klien baru: {names}.",
        "periodic_review": f"Peninjauan berkala rencana pelayanan: {names}. Kehadiran pelatihan "
                           "dan laporan asrama dibahas satu per satu.",
        "termination": f"Pembahasan rekomendasi terminasi: {names}.",
        "placement": f"Pembahasan rencana penyaluran: {names}. Keluarga telah dihubungi peksos.",
    }
    lines = []
    for position, client in enumerate(people):
        # Rotate through a few outcomes so the minutes do not read like a form letter.
        if kind == "termination":
            reason = REASON_TEXT.get(client.termination_reason or "", "sesuai rekomendasi")
            outcome = f"terminasi, {reason}; surat pernyataan terminasi disiapkan."
        else:
            outcomes = DECISIONS[kind]
            outcome = outcomes[position % len(outcomes)].format(
                origin=client.district_of_origin or "daerah asal"
            )
        lines.append(f"- {client.full_name}: {outcome}")
    return summaries[kind], "\n".join(lines)


def ensure_conferences(demo: Demo) -> int:
    rng = demo.streams["conference"]
    head = demo.staff["head"]
    core = [demo.staff[key] for key, *_rest, is_core in STAFF if is_core]
    upcoming_day = demo.today + timedelta(days=9 - demo.today.isoweekday())  # next Tuesday
    plans = []
    for kind, offset, (low, high) in CONFERENCES:
        day = upcoming_day if offset is None else workday_before(
            demo.first + timedelta(days=offset))
        pool = _conference_pool(demo, kind, day, offset is None)
        plans.append((kind, day, offset is None, sample_clients(rng, pool, low, high)))
    existing = set(db.session.execute(
        select(CaseConference.date, CaseConference.kind)
        .where(CaseConference.date.in_([p[1] for p in plans]))
    ).all())
    for kind, day, upcoming, people in plans:
        if (day, kind) in existing:
            continue
        start, end, people = _free_slot(day, {head.id, *(m.id for m in core)}, people)
        summary, decisions = _conference_text(demo, kind, people, upcoming)
        db.session.add(CaseConference(
            date=day, start_time=start, end_time=end, kind=kind,
            location="Ruang Rapat Pimpinan", chair=head, attendees=core, clients=people,
            summary=summary, decisions=decisions,
        ))
    return len(plans)


def ensure_decisions(demo: Demo) -> int:
    """A decision for every client discussed in a past conference, as its kind implies;
    terminations of clients already terminated carry the head's approval."""
    recommendation = {"placement": "placement", "termination": "termination"}
    have = set(db.session.execute(
        select(ConferenceDecision.conference_id, ConferenceDecision.client_id)).all())
    count = 0
    for conference in db.session.scalars(
            select(CaseConference).where(CaseConference.date < demo.today)):
        for client in conference.clients:
            count += 1
            if (conference.id, client.id) in have:
                continue
            kind = recommendation.get(conference.kind, "continue")
            decision = ConferenceDecision(conference=conference, client=client,
                                          recommendation=kind)
            if kind == "continue":
                decision.placement = "Tetap dalam program bimbingan keterampilan"
                decision.next_review = conference.date + timedelta(days=90)
            if kind == "termination":
                # Terminated clients carry the head's approval; the others still wait for it.
                decision.termination_reason = client.termination_reason or "goals_achieved"
                done = client.termination_reason is not None
                decision.approval = "approved" if done else "pending"
                decision.approved_by = demo.staff["head"] if done else None
            db.session.add(decision)
    return count
