"""Sixty demo clients across the ten service stages, with rooms and social workers."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select

from models import Client, RegisterNumber, Room, StageMove, db
from models.choices import ACTIVE_STAGES, STAGES
from services.clients import issue_register_number

from .base import Demo
from .staff import SOCIAL_WORKERS

# district of origin, usual birth place, first four NIK digits (province + regency/city)
ORIGINS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "sunda": (
        ("Kota Bandung", "Bandung", "3273"),
        ("Kabupaten Bandung", "Bandung", "3204"),
        ("Kabupaten Garut", "Garut", "3205"),
        ("Kabupaten Indramayu", "Indramayu", "3212"),
        ("Kabupaten Cianjur", "Cianjur", "3203"),
        ("Kabupaten Sukabumi", "Sukabumi", "3202"),
        ("Kota Tasikmalaya", "Tasikmalaya", "3278"),
        ("Kabupaten Cirebon", "Cirebon", "3209"),
        ("Kabupaten Karawang", "Karawang", "3215"),
        ("Kota Bekasi", "Bekasi", "3275"),
    ),
    "jawa": (
        ("Kota Semarang", "Semarang", "3374"),
        ("Kabupaten Brebes", "Brebes", "3329"),
        ("Kabupaten Tegal", "Slawi", "3328"),
        ("Kabupaten Banyumas", "Purwokerto", "3302"),
        ("Kota Surabaya", "Surabaya", "3578"),
        ("Kabupaten Klaten", "Klaten", "3310"),
        ("Kabupaten Pemalang", "Pemalang", "3327"),
        ("Kota Surakarta", "Surakarta", "3372"),
    ),
    "batak": (
        ("Kota Medan", "Medan", "1275"),
        ("Kabupaten Deli Serdang", "Lubuk Pakam", "1212"),
        ("Kabupaten Simalungun", "Pematangsiantar", "1209"),
        ("Kabupaten Tapanuli Utara", "Tarutung", "1205"),
    ),
    "bugis": (
        ("Kota Makassar", "Makassar", "7371"),
        ("Kabupaten Gowa", "Sungguminasa", "7306"),
        ("Kabupaten Bone", "Watampone", "7311"),
    ),
}

MEN: dict[str, tuple[str, ...]] = {
    "sunda": ("Asep Saepudin", "Ujang Suryana", "Dadang Suhendar", "Cecep Hidayat",
              "Engkos Kosasih", "Dede Rohman", "Aep Saefulloh", "Ade Sunarya", "Jajang Nurjaman",
              "Iwan Setiawan", "Entis Sutisna", "Yayan Sopyan", "Odang Suparman", "Maman Suherman",
              "Agus Kurniawan", "Enjang Rahmat"),
    "jawa": ("Sukirman", "Darsono", "Tarmuji", "Karsim", "Waryono", "Suparjo", "Paimin",
             "Sugeng Raharjo", "Wagiman", "Kasmadi", "Rusdi Haryanto", "Tukiman", "Parno",
             "Mulyadi", "Sarmin", "Kusnadi", "Tarsono"),
    "batak": ("Parlindungan Sitorus", "Binsar Hutagalung", "Marulak Situmorang",
              "Jhonson Manurung", "Poltak Sinaga", "Darwin Nainggolan", "Hotman Pardede"),
    "bugis": ("Baharuddin", "Muhammad Arsyad", "Syamsul Alam", "Andi Rahman",
              "Sudirman Daeng Naba", "Hasanuddin"),
}
WOMEN: dict[str, tuple[str, ...]] = {
    "sunda": ("Euis Komariah", "Nengsih", "Juju Juariah", "Cucu Sumiati", "Imas Masitoh"),
    "jawa": ("Sumiati", "Warsini", "Tarsih", "Kasini", "Rasminah", "Darmi"),
    "batak": ("Tiurma Sinaga", "Rosdiana Siregar"),
    "bugis": ("Hasnah", "Nur Aisyah"),
}
GUARDIANS: dict[str, tuple[tuple[str, str], ...]] = {
    "sunda": (("Enok Sumarni", "P"), ("Dadan Ramdani", "L"), ("Iis Aisyah", "P"),
              ("Nandang Kusnadi", "L"), ("Popon Rohaeti", "P")),
    "jawa": (("Painem", "P"), ("Supriyanto", "L"), ("Sri Lestari", "P"), ("Wartono", "L"),
             ("Ngatini", "P")),
    "batak": (("Rotua Simbolon", "P"), ("Maruli Sitompul", "L")),
    "bugis": (("Hj. Sitti Aminah", "P"), ("Muhammad Amir", "L")),
}
GUARDIAN_RELATIONS = {
    "P": ("Ibu kandung", "Kakak kandung", "Adik kandung", "Bibi"),
    "L": ("Kakak kandung", "Adik kandung", "Paman"),
}
KAMPUNG = ("Kp. Babakan", "Kp. Sukamaju", "Dusun Krajan", "Jl. Pasar Baru Gg. Mawar",
           "Dusun Karanganyar", "Kp. Cibeureum", "Jl. Kebon Jati Gg. 3", "Lorong Bakti",
           "Dusun Sidomulyo", "Kp. Pasirkaliki")

# stage, number of clients, of whom women. Active stages hold most clients.
STAGE_MIX: tuple[tuple[str, int, int], ...] = (
    ("approach", 6, 1),
    ("admission", 5, 1),
    ("assessment", 6, 2),
    ("planning", 5, 1),
    ("contract", 7, 2),
    ("intervention", 12, 3),
    ("case_conference", 4, 1),
    ("resocialization", 5, 1),
    ("termination", 6, 1),
    ("aftercare", 4, 1),
)
# Days between admission and the first of this month, by stage: later stages came earlier.
ADMITTED_DAYS_AGO = {
    "admission": (2, 25),
    "assessment": (15, 45),
    "planning": (35, 70),
    "contract": (70, 110),
    "intervention": (90, 200),
    "case_conference": (120, 200),
    "resocialization": (150, 240),
    "termination": (120, 240),
    "aftercare": (200, 240),
}
TERMINATION_MIX = ("goals_achieved", "refused_absconded", "own_will", "illness_referral",
                   "period_ended", "not_eligible")
AFTERCARE_MIX = ("goals_achieved", "goals_achieved", "goals_achieved", "period_ended")
REFERRALS = (("satpol_pp", 40), ("dinsos", 30), ("police", 8), ("outreach", 7), ("health", 5),
             ("village", 4), ("family", 4), ("self", 2))
WITH_NIK = 30
UNKNOWN_BIRTH = 3

ARRIVAL = (
    "Kondisi fisik lemah dan belum makan sejak pagi; pakaian lusuh.",
    "Sehat dan cukup kooperatif saat wawancara awal.",
    "Ada luka lecet di telapak kaki, sudah dirawat perawat jaga.",
    "Tampak bingung dan enggan berbicara pada hari pertama.",
    "Batuk ringan dan tampak kurus; dijadwalkan periksa ke Puskesmas.",
    "Sehat; mengaku sudah tiga tahun mengemis di perempatan lampu merah.",
    "Kondisi baik, tetapi menolak menyebutkan alamat keluarga.",
    "Kulit gatal-gatal (dugaan skabies); dipisahkan sementara dan diobati.",
    "Lelah setelah razia malam; beristirahat di ruang transit.",
    "Mengeluh sakit gigi; beberapa gigi berlubang.",
)
BELONGINGS = (
    "Tas plastik berisi dua stel pakaian dan uang tunai Rp37.500.",
    "Karung berisi botol plastik bekas dan sepasang sandal jepit.",
    "Ukulele kecil dan dompet tanpa kartu identitas.",
    "Tidak membawa barang apa pun.",
    "Gerobak dorong (dititipkan di pos Satpol PP) dan pakaian ganti.",
    "Kaleng berisi uang receh Rp12.300.",
    "Ransel lusuh berisi sarung, tikar, dan obat warung.",
)
BELONGINGS_WITH_ID = (
    "KTP asli, kartu KIS, dan telepon genggam yang rusak.",
    "Fotokopi KK, KTP asli, dan uang tunai Rp58.000.",
    "KTP asli dan tas berisi pakaian kotor.",
    "KTP, dompet berisi Rp21.000, dan sebungkus rokok.",
)
PHONE_PREFIXES = ("0812", "0813", "0821", "0852", "0857", "0878", "0896", "0838")

T = TypeVar("T")


def _phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _weighted(rng: random.Random, pairs: Iterable[tuple[T, int]]) -> T:
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


@dataclass
class _ClientPlan:
    """A client to be: the column values, the assigned social worker, the register number."""

    values: dict[str, Any]
    worker: str
    number: str = ""


def _nik(rng: random.Random, code: str, district: str, born: date, sex: str) -> str:
    """A NIK that agrees with birth date and sex (women: day + 40)."""
    day = born.day + (40 if sex == "P" else 0)
    sequence = rng.randint(1, 2999)
    return f"{code}{district}{day:02d}{born.month:02d}{born.year % 100:02d}{sequence:04d}"


def _plan_clients(demo: Demo) -> list[_ClientPlan]:
    """Sixty clients across the ten stages; pure data, no database access."""
    rng, first, today = demo.streams["clients"], demo.first, demo.today
    men = [(name, group) for group, names in MEN.items() for name in names]
    women = [(name, group) for group, names in WOMEN.items() for name in names]
    rng.shuffle(men)
    rng.shuffle(women)
    people: list[tuple[str, str, str, str]] = []  # name, group, sex, stage
    for stage, count, female in STAGE_MIX:
        people += [(*women.pop(), "P", stage) for _ in range(female)]
        people += [(*men.pop(), "L", stage) for _ in range(count - female)]
    with_nik = set(rng.sample(range(len(people)), WITH_NIK))
    unknown_birth = set(rng.sample(sorted(set(range(len(people))) - with_nik), UNKNOWN_BIRTH))
    reasons = {"termination": list(TERMINATION_MIX), "aftercare": list(AFTERCARE_MIX)}
    rng.shuffle(reasons["termination"])
    nth = Counter()
    niks: set[str] = set()
    plans = []
    for index, (name, group, sex, stage) in enumerate(people):
        nth[stage] += 1
        district, birth_city, code = rng.choice(ORIGINS[group])
        if rng.random() < 0.2:
            birth_city = rng.choice(ORIGINS[group])[1]
        age = rng.randint(19, 58)
        born = date(first.year - age, rng.randint(1, 12), rng.randint(1, 28))
        batak = group == "batak"
        religion = (rng.choice(("kristen", "kristen", "katolik")) if batak
                    else "kristen" if rng.random() < 0.04 else "islam")
        values: dict[str, Any] = {
            "full_name": name, "sex": sex, "stage": stage,
            "birth_place": birth_city, "birth_date": born, "religion": religion,
            "district_of_origin": district,
            "referral_source": "outreach" if stage == "approach" and rng.random() < 0.7
            else _weighted(rng, REFERRALS),
        }
        if index in unknown_birth:  # many gepeng know neither date nor place of birth
            values.update(birth_date=None, birth_place=None)
        if index in with_nik:
            kecamatan = f"{rng.randint(1, 20):02d}"
            nik = _nik(rng, code, kecamatan, born, sex)
            while nik in niks:
                nik = _nik(rng, code, kecamatan, born, sex)
            niks.add(nik)
            values["nik"] = nik
            values["address"] = (f"{rng.choice(KAMPUNG)} RT {rng.randint(1, 9):03d}/"
                                 f"RW {rng.randint(1, 12):03d}, {district}")
            if rng.random() < 0.6:
                issued = date(rng.randint(2008, 2022), rng.randint(1, 12), rng.randint(1, 28))
                values["family_card_number"] = (
                    f"{code}{kecamatan}{issued:%d%m}{issued.year % 100:02d}"
                    f"{rng.randint(1, 2999):04d}"
                )
        if rng.random() < 0.6:
            guardian, guardian_sex = rng.choice(GUARDIANS[group])
            values.update(
                guardian_name=guardian,
                guardian_relation=rng.choice(GUARDIAN_RELATIONS[guardian_sex]),
                guardian_phone=_phone(rng),
            )
        if stage != "approach":
            values["arrival_condition"] = rng.choice(ARRIVAL)
            values["belongings"] = rng.choice(BELONGINGS_WITH_ID if "nik" in values
                                              else BELONGINGS)
            low, high = ADMITTED_DAYS_AGO[stage]
            admitted = first - timedelta(days=rng.randint(low, high))
            if stage == "admission" and nth[stage] <= 2:
                admitted = first + timedelta(days=rng.randrange(today.day))  # this month
            values["admission_date"] = admitted
            if stage in reasons:
                reason = reasons[stage].pop()
                if stage == "aftercare":
                    ended = first - timedelta(days=rng.randint(30, 90))
                elif reason == "not_eligible":  # found out during the four-week assessment
                    admitted = first - timedelta(days=rng.randint(30, 60))
                    ended = admitted + timedelta(days=rng.randint(10, 25))
                elif nth[stage] <= 2:
                    ended = first + timedelta(days=rng.randrange(today.day))  # this month
                else:
                    ended = first - timedelta(days=rng.randint(5, 55))
                values.update(admission_date=admitted, termination_reason=reason,
                              termination_date=max(ended, admitted + timedelta(days=10)))
            days_in = (first - admitted).days
            values["cohort"] = 1 if days_in > 150 else 2 if days_in > 75 else 3
        worker = _weighted(rng, zip(SOCIAL_WORKERS, (4, 3, 3), strict=True))
        plans.append(_ClientPlan(values=values, worker=worker))
    # Register numbers: per year of admission in admission order. Candidates (stage 1) have
    # none yet: the number is issued at admission.
    running: Counter[int] = Counter()
    for plan in sorted(plans, key=lambda p: (p.values.get("admission_date") or date.max,
                                             p.values["full_name"])):
        if plan.values["stage"] == "approach":
            continue
        year = (plan.values.get("admission_date") or today).year
        running[year] += 1
        plan.number = f"{year}-{running[year]:04d}"
    return plans


def _pick_room(client: Client, rooms: list[Room], occupancy: Counter[int]) -> Room | None:
    """A room of the client's sex with a free bed; late stages prefer a group home."""
    fits = [r for r in rooms
            if r.active and r.sex in (client.sex, "C") and occupancy[r.id] < r.capacity]
    # Clients preparing to go home practise independent living in a group home first.
    wants_home = client.stage in ("case_conference", "resocialization")
    preferred = [r for r in fits if (r.kind == "group_home") == wants_home] or fits
    if not preferred:
        return None
    return max(preferred, key=lambda r: (r.capacity - occupancy[r.id], r.name))


# The stages in order; a client who left early (not through a KK's recommendation) skips
# the case conference and resocialisation on the way to its termination.
STAGE_ORDER = tuple(code for code, _label in STAGES.pairs)
EARLY_EXITS = ("refused_absconded", "own_will", "illness_referral", "not_eligible")


def _history(client: Client, today: date) -> list[StageMove]:
    """The stage timeline the demo client would have: each stage it went through, from its
    first approach to the stage it is in, dated between its admission and today."""
    path = list(STAGE_ORDER[:STAGE_ORDER.index(client.stage) + 1])
    if client.termination_reason in EARLY_EXITS:
        path = [stage for stage in path if stage not in ("case_conference", "resocialization")]
        if client.termination_reason == "not_eligible":
            path = [stage for stage in path if STAGE_ORDER.index(stage) <= 2
                    or stage in ("termination", "aftercare")]
    admitted = client.admission_date or today
    ended = client.termination_date or today
    inside = [stage for stage in path[1:] if stage not in ("termination", "aftercare")]
    step = max(ended - admitted, timedelta(0)) / max(len(inside), 1)
    days = {"approach": admitted - timedelta(days=7) if client.admission_date else today,
            "termination": ended, "aftercare": min(ended + timedelta(days=7), today)}
    days.update({stage: admitted + step * n for n, stage in enumerate(inside)})
    moves, previous = [], None
    for stage in path:
        moves.append(StageMove(
            client=client, from_stage=previous, to_stage=stage, moved_on=days[stage],
            actor="flask seed-demo",
            reason=client.termination_reason if stage == "termination" else None,
            note="Riwayat data demo" if previous is None else None))
        previous = stage
    return moves


def ensure_clients(demo: Demo, rooms: dict[str, Room]) -> list[Client]:
    """The planned clients, found by register number (a candidate: by name, among those
    without one) or created with a room and a peksos."""
    plans = _plan_clients(demo)
    numbers = [p.number for p in plans if p.number]
    found = {
        c.register_number: c
        for c in db.session.scalars(select(Client).where(Client.register_number.in_(numbers)))
    }
    candidates = {c.full_name: c for c in db.session.scalars(select(Client).where(
        Client.register_number.is_(None),
        Client.full_name.in_([p.values["full_name"] for p in plans if not p.number])))}
    issued = set(db.session.scalars(
        select(RegisterNumber.number).where(RegisterNumber.number.in_(numbers))
    ))
    wanted_niks = [p.values["nik"] for p in plans if p.values.get("nik")]
    taken_niks = set(db.session.scalars(select(Client.nik).where(Client.nik.in_(wanted_niks))))
    occupancy: Counter[int] = Counter(dict(db.session.execute(
        select(Client.room_id, func.count())
        .where(Client.room_id.is_not(None), Client.stage.in_(ACTIVE_STAGES))
        .group_by(Client.room_id)
    ).all()))
    room_list = sorted(rooms.values(), key=lambda r: r.name)
    clients: list[tuple[str, Client]] = []
    for plan in plans:
        client = found.get(plan.number) if plan.number else \
            candidates.get(plan.values["full_name"])
        if client is None:
            if plan.number in issued:
                continue  # given to a client since deleted: register numbers are never reused
            values = dict(plan.values)
            if values.get("nik") in taken_niks:
                values["nik"] = None  # a real client holds this NIK; never collide with them
            client = Client(**values, social_worker=demo.staff[plan.worker])
            if client.stage in ACTIVE_STAGES:
                client.room = _pick_room(client, room_list, occupancy)
                if client.room is not None:
                    occupancy[client.room.id] += 1
            db.session.add(client)
            if plan.number:
                issue_register_number(client, plan.number)
            db.session.add_all(_history(client, demo.today))
        clients.append((plan.number, client))
    db.session.flush()  # ids and register numbers, used by every later section
    # In register order, the candidates (no number yet) last, by name.
    return [client for _number, client in sorted(
        clients, key=lambda pair: (not pair[0], pair[0], pair[1].full_name))]
