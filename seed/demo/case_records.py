"""The demo case record: service contracts, case notes (assessment and monthly progress)
and service plans."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from models import CaseNote, Client, PlanGoal, ServiceContract, ServicePlan, db

from .base import Demo, add_months

# stage, n-th client of that stage (by register number), kind, status
CONTRACTS: tuple[tuple[str, int, str, str], ...] = (
    ("contract", 0, "preliminary", "ended"),
    ("contract", 0, "primary", "draft"),
    ("contract", 1, "primary", "draft"),
    ("contract", 2, "primary", "signed"),
    ("contract", 3, "primary", "signed"),
    ("contract", 4, "preliminary", "ended"),
    ("contract", 4, "primary", "signed"),
    *(("intervention", n, "primary", "active") for n in range(7)),
    ("intervention", 0, "secondary", "active"),
    ("intervention", 3, "secondary", "ended"),
    ("case_conference", 0, "primary", "active"),
    ("resocialization", 0, "primary", "active"),
    ("resocialization", 1, "primary", "active"),
    ("aftercare", 0, "primary", "ended"),
    ("aftercare", 1, "primary", "ended"),
    ("termination", 0, "preliminary", "cancelled"),
)
PROBLEMS = (
    "Kebiasaan mengemis di perempatan jalan dan belum memiliki keterampilan kerja.",
    "Tidak memiliki tempat tinggal tetap dan hubungan dengan keluarga terputus.",
    "Tidak memiliki dokumen kependudukan (KTP/KK) sehingga sulit mengakses layanan.",
    "Motivasi kerja rendah dan bergantung pada pemberian orang lain.",
    "Riwayat minum minuman keras dan sering berselisih dengan sesama penghuni.",
)
GOALS = {
    "preliminary": ("Klien bersedia tinggal di asrama, menaati tata tertib, dan mengikuti asesmen "
                    "awal selama 4 minggu.",),
    "primary": (
        "Klien menyelesaikan bimbingan keterampilan dengan kehadiran minimal 85% dan mampu "
        "membuat produk sederhana secara mandiri.",
        "Klien memiliki KTP dan KK melalui pengurusan ke Dukcapil serta terhubung kembali "
        "dengan keluarga.",
        "Klien siap disalurkan dalam 6 bulan: kembali ke keluarga atau magang kerja.",
    ),
    "secondary": (
        "Klien tidak meninggalkan panti tanpa izin selama 30 hari.",
        "Klien tidak minum minuman keras dan hadir pada konseling mingguan selama 30 hari.",
    ),
}
CLIENT_DUTIES = (
    "Mengikuti jadwal bimbingan dan pelatihan, menjaga kebersihan kamar, menaati tata tertib.",
    "Hadir pada konseling mingguan dan jujur menyampaikan kendala kepada peksos.",
    "Melengkapi data keluarga dan bersedia dihubungkan kembali dengan keluarga.",
)
WORKER_DUTIES = (  # each answers the client duty at the same position
    "Mendampingi klien, memantau kehadiran dan tata tertib, mencatat perkembangan mingguan.",
    "Menyediakan konseling mingguan dan menindaklanjuti kendala yang disampaikan klien.",
    "Menghubungi keluarga dan Dinas Sosial daerah asal serta menyiapkan rencana penyaluran.",
)
CONTRACT_PLACES = ("Ruang Pekerja Sosial", "Ruang Konseling", "Kantor PSBK")


def _contract_dates(rng: random.Random, demo: Demo, client: Client, kind: str, status: str,
                    nth: int) -> tuple[date, date, date | None]:
    """Start, end and signing date that fit the kind, the status and the client's history."""
    admitted, today = client.admission_date, demo.today
    if kind == "preliminary":  # made on admission, for the assessment weeks
        start = admitted + timedelta(days=2)
        return start, admitted + timedelta(days=30), None if status == "cancelled" else start
    if kind == "secondary":  # a 30-day behaviour contract
        if status == "ended":
            start = demo.first - timedelta(days=50)
            return start, start + timedelta(days=30), start
        start = demo.first - timedelta(days=rng.randint(8, 14))
        return start, today + timedelta(days=14), start
    if status == "draft":
        start = today + timedelta(days=rng.randint(3, 10))
        return start, start + timedelta(days=120), None
    if status == "signed":  # signed, starts shortly
        signed = max(today - timedelta(days=rng.randint(1, 6)), admitted + timedelta(days=30))
        start = today + timedelta(days=rng.randint(1, 7))
        return start, start + timedelta(days=rng.randint(120, 150)), signed
    start = admitted + timedelta(days=rng.randint(35, 50))
    signed = start - timedelta(days=rng.randint(0, 2))
    if status == "ended":
        return start, max(client.termination_date or today, start), signed
    # Active: running past today; two end within 30 days so the dashboard has a warning.
    end = max(start + timedelta(days=rng.randint(180, 240)),
              today + timedelta(days=rng.randint(35, 90)))
    if nth == 1:
        end = today + timedelta(days=12 if client.stage == "intervention" else 20)
    return start, end, signed


def ensure_contracts(demo: Demo) -> int:
    rng = demo.streams["contract"]
    by_stage: dict[str, list[Client]] = defaultdict(list)
    for client in demo.clients:  # already in register-number order
        by_stage[client.stage].append(client)
    # The cancelled preliminary contract belongs to the client who absconded.
    by_stage["termination"].sort(key=lambda c: c.termination_reason != "refused_absconded")
    plans = []
    for stage, nth, kind, status in CONTRACTS:
        if nth >= len(by_stage[stage]) or by_stage[stage][nth].admission_date is None:
            continue
        client = by_stage[stage][nth]
        start, end, signed = _contract_dates(rng, demo, client, kind, status, nth)
        duty = rng.randrange(len(CLIENT_DUTIES))
        if kind == "preliminary":
            duty = 0  # the first weeks are about settling in, not about placement
        text = (rng.choice(PROBLEMS), rng.choice(GOALS[kind]), CLIENT_DUTIES[duty],
                WORKER_DUTIES[duty], rng.choice(CONTRACT_PLACES))
        plans.append((client, kind, status, start, end, signed, text))
    existing = set(db.session.execute(
        select(ServiceContract.client_id, ServiceContract.kind, ServiceContract.start_date)
        .where(ServiceContract.client_id.in_([p[0].id for p in plans]))
    ).all())
    for client, kind, status, start, end, signed, text in plans:
        if (client.id, kind, start) in existing:
            continue
        problem, goals, client_duties, worker_duties, place = text
        db.session.add(ServiceContract(
            client=client, social_worker=client.social_worker, kind=kind, problem=problem,
            goals=goals, client_responsibilities=client_duties,
            worker_responsibilities=worker_duties, place=place, start_date=start, end_date=end,
            signed_date=signed, status=status,
        ))
    return len(plans)


# Case record: an assessment per aspect after admission, then monthly progress notes.
ASSESSMENT_TEXT = {
    "physical": ("Tensi normal, gigi berlubang dua", "Rujuk ke Puskesmas untuk perawatan gigi"),
    "psychological": ("Cemas tentang keluarga, sulit tidur",
                      "Konseling individu tiap minggu"),
    "social": ("Jarang berbaur di asrama", "Ikut bimbingan sosial kelompok"),
    "vocational": ("Berminat menjahit, pernah bekerja di konveksi",
                   "Daftarkan ke kelas menjahit"),
}
PROGRESS_TEXT = (
    ("Sering terlambat ke kelas", "Teguran dan kesepakatan jadwal pagi",
     "Positif: datang tepat waktu dua minggu terakhir", "Pertahankan, pantau bulan depan"),
    ("Bertengkar dengan teman sekamar", "Mediasi bersama pengasuh asrama",
     "Positif: sudah berdamai", "Pindah kamar bila terulang"),
    ("Rindu keluarga", "Difasilitasi menelepon keluarga",
     "Positif: lebih tenang", "Rencanakan kunjungan keluarga"),
    ("Hasil jahitan belum rapi", "Latihan tambahan bersama instruktur",
     "Negatif: belum ada kemajuan berarti", "Bahas di konferensi kasus berikutnya"),
)
CASE_STAGES = ("assessment", "planning", "contract", "intervention", "case_conference",
               "resocialization")


def ensure_case_notes(demo: Demo) -> int:
    rng = demo.streams["case_note"]
    plans = []
    for client in demo.clients:
        if client.stage not in CASE_STAGES or client.admission_date is None:
            continue
        if client.social_worker is None:
            continue
        day = client.admission_date + timedelta(days=7)
        for aspect, (finding, plan) in ASSESSMENT_TEXT.items():
            if day <= demo.today:
                plans.append((client, "assessment", day, aspect, finding,
                              "Wawancara dan observasi", None, plan))
            day += timedelta(days=rng.randint(1, 4))
        day = add_months(client.admission_date, 1)
        while day <= demo.today and client.stage != "assessment":
            problem, action, result, step = rng.choice(PROGRESS_TEXT)
            plans.append((client, "progress", day, None, problem, action, result, step))
            day = add_months(day, 1)
    existing = set(db.session.execute(
        select(CaseNote.client_id, CaseNote.kind, CaseNote.date)
        .where(CaseNote.client_id.in_([p[0].id for p in plans]))
    ).all())
    for client, kind, day, aspect, problem, content, result, step in plans:
        if (client.id, kind, day) in existing:
            continue
        db.session.add(CaseNote(client=client, author=client.social_worker, kind=kind, date=day,
                                aspect=aspect, problem=problem, content=content,
                                result=result, next_step=step,
                                tools=TOOLS.get(aspect) if kind == "assessment" else None))
    return len(plans)


# The tools an assessment of each aspect uses (DOMAIN stage 3).
TOOLS = {"psychological": "Tes grafis, wawancara", "social": "Genogram, ecomap",
         "vocational": "Tes minat dan bakat"}

PLAN_STAGES = ("planning", "contract", "intervention", "case_conference", "resocialization")


def ensure_plans(demo: Demo) -> int:
    """A service plan with two goals for every client past assessment (no randomness)."""
    have = set(db.session.scalars(select(ServicePlan.client_id)))
    count = 0
    for client in demo.clients:
        if client.stage not in PLAN_STAGES or client.admission_date is None:
            continue
        count += 1
        if client.id in have:
            continue
        start = client.admission_date + timedelta(days=30)
        db.session.add(ServicePlan(
            client=client, social_worker=client.social_worker,
            problems="Tidak memiliki pekerjaan tetap dan tempat tinggal; hidup dari "
                     "mengemis di sekitar terminal.",
            abilities="Sehat fisik, mau belajar, pernah membantu usaha keluarga.",
            limitations="Pendidikan SD, belum punya KTP elektronik.",
            formulation="Bimbingan keterampilan sesuai minat, bimbingan sosial perorangan "
                        "dan pemulihan hubungan dengan keluarga.",
            goals=[
                PlanGoal(position=1, goal="Menguasai satu keterampilan kerja",
                         service="Bimbingan keterampilan", owner="client",
                         tasks="Mengikuti kelas keterampilan sesuai jadwal",
                         planned_start=start, planned_end=start + timedelta(days=120),
                         expected_result="Lulus uji praktik keterampilan"),
                PlanGoal(position=2, goal="Hubungan dengan keluarga pulih",
                         service="Bimbingan sosial perorangan", owner="social_worker",
                         tasks="Menghubungi keluarga dan Dinas Sosial daerah asal",
                         planned_start=start, planned_end=start + timedelta(days=90),
                         expected_result="Keluarga bersedia menerima kembali"),
            ]))
    return count
