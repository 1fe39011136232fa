"""Demo data: a believable PSBK (panti for gepeng) to click through, loaded by ``flask seed-demo``.

Every value comes from one locally seeded generator and from the first day of the current
month, so the demo always looks current. Each row is looked up by its natural key first, so a
second run on the same day adds nothing and reports the same counts.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from itertools import combinations
from typing import Any, TypeVar

from sqlalchemy import func, insert, select

from models import (
    Attendance,
    CaseConference,
    CaseNote,
    Client,
    ConferenceDecision,
    Enrollment,
    GuidanceSchedule,
    NetworkPartner,
    PlanGoal,
    RecreationActivity,
    RegisterNumber,
    Room,
    ServiceContract,
    ServicePlan,
    SkillType,
    Staff,
    TrainingClass,
    TrainingSession,
    User,
    db,
)
from models.choices import ACTIVE_STAGES
from services.accounts import AccountError, create_account, password_problem
from services.clients import issue_register_number
from services.dates import today as panti_today
from services.schedule import Booking, bookings_between

SEED = 2026
# One random stream per section, drawn up front in this order: a section whose rows already
# exist then cannot shift what a later section draws.
STREAMS = ("clients", "training", "attendance", "recreation", "guidance", "conference", "contract",
           "case_note")  # append only: earlier streams keep their seeds

# ---------------------------------------------------------------------------------------------
# Staff and accounts
# ---------------------------------------------------------------------------------------------

# key, name, position, NIP (18 digits: birth date, appointment month, sex, sequence), phone,
# core member of the case-conference team. Instructors come from the BLK: no NIP.
STAFF: tuple[tuple[str, str, str, str | None, str, bool], ...] = (
    ("head", "Drs. Bambang Sutrisno, M.Si.", "head", "196805121994031004", "081221457890", True),
    ("admin", "Rina Kartikasari, S.E.", "administration", "198503172010012015", "081320987654",
     False),
    ("sw1", "Dedi Supriadi, S.Sos.", "social_worker", "198207092008011007", "081394562231",
     True),
    ("sw2", "Rosmawati Simanjuntak, S.Tr.Sos.", "social_worker", "199001232015032002",
     "081265430912", True),
    ("sw3", "Andi Muhammad Yusuf, S.Sos.", "social_worker", "198711302011011003",
     "085242118076", True),
    ("inst1", "Ujang Sudrajat", "instructor", None, "081322671045", False),
    ("inst2", "Sri Wahyuni", "instructor", None, "085721093348", False),
    ("inst3", "Ratna Sari Lubis", "instructor", None, "081370552816", False),
    ("caregiver", "Sumarni", "caregiver", "197604182006042011", "082118830457", False),
    ("dorm", "Joko Susilo", "dorm_officer", "197909252009011004", "081572204613", False),
    ("doctor", "dr. Maria Ulfa Panjaitan", "doctor", "198406142009022003", "081397718820", True),
    ("nurse", "Nurhasanah Daeng Baji, A.Md.Kep.", "nurse", "199208082019022004",
     "085299164571", False),
    ("psych", "Dian Purnamasari, M.Psi., Psikolog", "psychologist", "198902272014022001",
     "081802236671", True),
    ("cleric", "Ust. Ahmad Fauzi, S.Pd.I.", "religious_teacher", None, "087823419960", False),
)
SOCIAL_WORKERS = ("sw1", "sw2", "sw3")

# username, role, staff key
ACCOUNTS = (
    ("admin", "admin", "admin"),
    ("kepala", "head", "head"),
    ("peksos", "social_worker", "sw1"),
    ("instruktur", "instructor", "inst1"),
    ("staf", "staff", "caregiver"),
)

# ---------------------------------------------------------------------------------------------
# Catalogues: rooms, skills, partners
# ---------------------------------------------------------------------------------------------

ROOMS: tuple[dict[str, Any], ...] = (
    {"name": "Asrama Melati", "kind": "dormitory", "sex": "P", "capacity": 12,
     "note": "Asrama putri, lantai 1 gedung utara."},
    {"name": "Asrama Anggrek", "kind": "dormitory", "sex": "L", "capacity": 20,
     "note": "Asrama putra utama, dekat musala."},
    {"name": "Asrama Cempaka", "kind": "dormitory", "sex": "L", "capacity": 16,
     "note": "Asrama putra, lantai 2."},
    {"name": "Asrama Kenanga", "kind": "dormitory", "sex": "L", "capacity": 18,
     "note": "Asrama putra, gedung selatan."},
    {"name": "Rumah Kelompok Flamboyan", "kind": "group_home", "sex": "L", "capacity": 5,
     "note": "Latihan hidup mandiri menjelang penyaluran."},
    {"name": "Rumah Kelompok Dahlia", "kind": "group_home", "sex": "P", "capacity": 5,
     "note": "Latihan hidup mandiri menjelang penyaluran."},
)

SKILLS: tuple[tuple[str, str], ...] = (
    ("Menjahit", "Menjahit pakaian sederhana, permak, dan menjahit tas."),
    ("Las", "Las listrik dan las karbit untuk pagar, teralis, dan rangka."),
    ("Elektro", "Instalasi listrik rumah dan servis alat elektronik ringan."),
    ("Pertukangan kayu", "Membuat mebel sederhana, kusen, dan perbaikan rumah."),
    ("Tahu & tempe", "Produksi tahu dan tempe skala rumah tangga."),
    ("Sablon", "Sablon kaus dan tas dengan teknik screen printing."),
    ("Olahan pangan", "Kue basah, keripik, dan makanan ringan untuk dijual."),
    ("Pertanian", "Hortikultura pekarangan, hidroponik, dan pembibitan."),
    ("Tata rias", "Tata rias dasar dan potong rambut."),
    ("Batako", "Mencetak batako dan paving block."),
    ("Bengkel motor", "Servis ringan sepeda motor: oli, rem, kelistrikan, tune-up."),
    ("Komputer", "Mengetik, surel, dan dasar perkantoran."),
    ("Batik", "Batik tulis dan batik cap."),
    ("Kerajinan tangan", "Anyaman, keset, dan daur ulang plastik."),
    ("Peternakan", "Beternak ayam kampung, lele, dan kambing."),
)

# name, kind, contact, phone, email, address, MoU sequence, MoU start (months before this
# month; None = the MoU that ends soon), services
PARTNERS: tuple[tuple[str, str, str, str, str, str, int, int | None, str], ...] = (
    ("Puskesmas Kecamatan Cibeunying Kidul", "health", "dr. Lilis Suryani", "022-7208140",
     "pkm.cibeunyingkidul@gmail.com", "Jl. Padasuka No. 95, Kota Bandung", 12, 14,
     "Pemeriksaan kesehatan berkala, imunisasi, dan surat keterangan sehat untuk seleksi "
     "calon klien."),
    ("RSUD Kota Bandung", "health", "Hj. Neneng Kurniasih, S.Kep.", "022-7811794",
     "rujukan.rsud@bandung.go.id", "Jl. Rumah Sakit No. 22, Ujungberung, Kota Bandung", 31, 26,
     "Rujukan rawat jalan dan rawat inap klien dengan pembiayaan PBI/KIS."),
    ("BLK Kota Bandung", "training_centre", "Ir. Hendra Wijaya", "022-5205310",
     "blk@bandung.go.id", "Jl. Soekarno-Hatta No. 301, Kota Bandung", 45, 8,
     "Penyediaan instruktur las, bengkel motor, menjahit, dan olahan pangan; uji kompetensi."),
    ("Dinas Sosial Kota Bandung", "government", "Drs. Asep Rukmana", "022-4208821",
     "dinsos@bandung.go.id", "Jl. Babakan Karet, Kota Bandung", 7, None,
     "Rujukan hasil razia, surat rujukan seleksi, pemulangan klien ke daerah asal."),
    ("LBH Bandung", "legal_aid", "Fitri Handayani, S.H.", "022-2504580",
     "pengaduan@lbhbandung.or.id", "Jl. Kalijati Indah Barat No. 8, Kota Bandung", 52, 20,
     "Pendampingan hukum klien, advokasi dokumen kependudukan."),
    ("Politeknik Kesejahteraan Sosial Bandung", "university", "Dr. Rudi Hartono, M.Si.",
     "022-2504838", "kerjasama@poltekesos.ac.id", "Jl. Ir. H. Juanda No. 367, Kota Bandung",
     18, 5, "Praktikum mahasiswa pekerjaan sosial dan asesmen psikososial bersama."),
    ("Bengkel Motor Sinar Jaya", "business", "H. Darmawan", "081322904417",
     "sinarjayamotor@gmail.com", "Jl. A.H. Nasution No. 112, Kota Bandung", 60, 11,
     "Magang bengkel motor tiga bulan dan penyaluran kerja lulusan pelatihan."),
    ("Majelis Taklim Nurul Iman", "religious_org", "K.H. Abdul Somad Hidayat", "085220117634",
     "mt.nuruliman@gmail.com", "Jl. Cicaheum No. 41, Kota Bandung", 64, 2,
     "Pengajian rutin, bimbingan rohani, dan santunan pada hari besar Islam."),
)

# ---------------------------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------------------------

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

# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


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

# ---------------------------------------------------------------------------------------------
# Recreation, guidance, case conferences, contracts
# ---------------------------------------------------------------------------------------------

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
                 when=lambda first: _next_isoweekday(first + timedelta(days=7), 2)),
    GuidanceSpec("mental_spiritual", "Peringatan hari besar Islam: pengajian akbar", None,
                 time(19, 30), time(21, 30), "cleric", "Aula Serbaguna", "Klien muslim",
                 "muslim", when=lambda first: _add_months(first, -1) + timedelta(days=19)),
)

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

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` away from ``first`` (a first of a month)."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _next_isoweekday(day: date, isoweekday: int) -> date:
    """``day`` itself or the next date falling on ``isoweekday``."""
    return day + timedelta(days=(isoweekday - day.isoweekday()) % 7)


def _workday_before(day: date) -> date:
    """``day``, or the Friday before when it falls on a weekend."""
    while day.isoweekday() > 5:
        day -= timedelta(days=1)
    return day


def _phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _weighted(rng: random.Random, pairs: Iterable[tuple[T, int]]) -> T:
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def _overlaps(days_a: str, start_a: time, end_a: time, days_b: str, start_b: time,
              end_b: time) -> bool:
    """True when two weekly slots share a weekday and their times intersect."""
    return bool(set(days_a) & set(days_b)) and start_a < end_b and start_b < end_a


def _class_overlap(a: TrainingClass, b: TrainingClass) -> bool:
    return a is not b and a.start_date <= b.end_date and b.start_date <= a.end_date and _overlaps(
        a.weekdays, a.start_time, a.end_time, b.weekdays, b.start_time, b.end_time
    )


def _present_on(client: Client, day: date) -> bool:
    """Whether ``client`` lived in the panti on ``day`` (admitted, not yet terminated)."""
    return (
        client.admission_date is not None
        and client.admission_date <= day
        and (client.termination_date is None or client.termination_date >= day)
    )


def _sample(rng: random.Random, pool: list[Client], low: int, high: int) -> list[Client]:
    """Between ``low`` and ``high`` clients of ``pool`` (fewer when the pool is small)."""
    wanted = min(rng.randint(low, high), len(pool))
    return sorted(rng.sample(pool, wanted), key=lambda c: c.register_number)


def _ensure_named(model: Any, rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Rows of ``model`` by their unique ``name``, creating the missing ones."""
    rows = list(rows)
    names = [row["name"] for row in rows]
    query = select(model).where(model.name.in_(names))
    found = {obj.name: obj for obj in db.session.scalars(query)}
    for row in rows:
        if row["name"] not in found:
            found[row["name"]] = model(**row)
            db.session.add(found[row["name"]])
    return found


@dataclass
class _Demo:
    """What every section needs: the dates everything hangs off and the shared rows."""

    today: date
    first: date  # first day of today's month
    streams: dict[str, random.Random]
    staff: dict[str, Staff] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)

    @property
    def prev_first(self) -> date:
        return _add_months(self.first, -1)


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


def _ensure_staff() -> dict[str, Staff]:
    """The demo staff by key, found by name (or by NIP when renamed) or created."""
    names = [row[1] for row in STAFF]
    nips = [row[3] for row in STAFF if row[3]]
    by_name = {s.name: s for s in db.session.scalars(select(Staff).where(Staff.name.in_(names)))}
    by_nip = {
        s.employee_number: s
        for s in db.session.scalars(select(Staff).where(Staff.employee_number.in_(nips)))
    }
    staff: dict[str, Staff] = {}
    for key, name, position, nip, phone, core in STAFF:
        member = by_name.get(name) or (by_nip.get(nip) if nip else None)
        if member is None:
            member = Staff(name=name, position=position, employee_number=nip, phone=phone,
                           is_core_member=core, active=True)
            db.session.add(member)
        staff[key] = member
    return staff


def _ensure_accounts(password: str, staff: dict[str, Staff]) -> int:
    """One login per role; an existing username is left exactly as it is."""
    usernames = [row[0] for row in ACCOUNTS]
    db.session.flush()  # staff ids, to see who is already linked to a login
    existing = set(db.session.scalars(select(User.username).where(User.username.in_(usernames))))
    linked = set(db.session.scalars(select(User.staff_id).where(User.staff_id.is_not(None))))
    for username, role, key in ACCOUNTS:
        if username in existing:
            continue
        member = staff[key]
        # staff_id is unique: a member who already has another login is not linked twice.
        create_account(username, role, password, staff=None if member.id in linked else member)
        linked.add(member.id)
    return len(ACCOUNTS)


def _partner_rows(first: date) -> list[dict[str, Any]]:
    rows = []
    for name, kind, contact, phone, email, address, seq, months_ago, services in PARTNERS:
        if months_ago is None:
            # The MoU that runs out within 60 days, so the dashboard has something to flag.
            start = _add_months(first, -35)
            end = _add_months(first, 1) + timedelta(days=14)
        else:
            start = _add_months(first, -months_ago)
            end = _add_months(start, 36) - timedelta(days=1)
        rows.append({
            "name": name, "kind": kind, "contact_person": contact, "phone": phone,
            "email": email, "address": address, "mou_number": f"{seq:03d}/MoU/PSBK/{start.year}",
            "mou_start": start, "mou_end": end, "services": services, "active": True,
        })
    return rows


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


def _plan_clients(demo: _Demo) -> list[_ClientPlan]:
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
    # Register numbers: per year of admission in admission order; not yet admitted come last.
    running: Counter[int] = Counter()
    for plan in sorted(plans, key=lambda p: (p.values.get("admission_date") or date.max,
                                             p.values["full_name"])):
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


def _ensure_clients(demo: _Demo, rooms: dict[str, Room]) -> list[Client]:
    """The planned clients, found by register number or created with a room and a peksos."""
    plans = _plan_clients(demo)
    numbers = [p.number for p in plans]
    found = {
        c.register_number: c
        for c in db.session.scalars(select(Client).where(Client.register_number.in_(numbers)))
    }
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
        client = found.get(plan.number)
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
            issue_register_number(client, plan.number)
        clients.append((plan.number, client))
    db.session.flush()  # ids and register numbers, used by every later section
    return [client for _number, client in sorted(clients, key=lambda pair: pair[0])]


def _check_instructor_slots() -> None:
    """Refuse a demo timetable in which one instructor would teach two classes at once."""
    for a, b in combinations(CLASSES, 2):
        if a.instructor == b.instructor and _overlaps(a.weekdays, a.start, a.end, b.weekdays,
                                                      b.start, b.end):
            raise ValueError(f"Demo classes {a.name} and {b.name} overlap for one instructor.")


def _ensure_classes(demo: _Demo, skills: dict[str, SkillType]) -> list[TrainingClass]:
    _check_instructor_slots()
    names = [spec.name for spec in CLASSES]
    found = {
        c.name: c
        for c in db.session.scalars(
            select(TrainingClass).where(TrainingClass.name.in_(names))
            .order_by(TrainingClass.id.desc())  # the oldest of same-named classes wins
        )
    }
    start = _add_months(demo.first, -2)
    end = _add_months(demo.first, 2)
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


def _ensure_enrollments(demo: _Demo, classes: list[TrainingClass]) -> int:
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


def _ensure_sessions(demo: _Demo, classes: list[TrainingClass]) -> list[TrainingSession]:
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


def _ensure_attendance(demo: _Demo, sessions: list[TrainingSession]) -> int:
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


def _ensure_recreation(demo: _Demo) -> int:
    rng = demo.streams["recreation"]
    plans = []
    for kind, title, month, day, start, end, place, leader, (low, high), note in RECREATION:
        when = _add_months(demo.first, month) + timedelta(days=day - 1)
        if kind == "outing":
            when = _next_isoweekday(when, 6)  # outings on Saturday, when no class runs
        pool = [c for c in demo.clients if _present_on(c, min(when, demo.today))]
        plans.append((kind, title, when, start, end, place, leader, note,
                      _sample(rng, pool, low, high)))
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


def _guidance_clients(demo: _Demo, who: str, day: date) -> list[Client]:
    present = [c for c in demo.clients if _present_on(c, day)]
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


def _ensure_guidance(demo: _Demo) -> int:
    rng = demo.streams["guidance"]
    titles = [spec.title for spec in GUIDANCE]
    existing = set(db.session.scalars(
        select(GuidanceSchedule.title).where(GuidanceSchedule.title.in_(titles))
    ))
    for spec in GUIDANCE:
        day = spec.when(demo.first) if spec.when else None
        pool = _guidance_clients(demo, spec.who, min(day or demo.today, demo.today))
        if spec.who == "sw1":  # individual counselling: a few clients, one at a time
            pool = _sample(rng, pool, 4, 5)
        if spec.title in existing:
            continue
        db.session.add(GuidanceSchedule(
            guidance_type=spec.guidance_type, title=spec.title, weekday=spec.weekday, date=day,
            start_time=spec.start, end_time=spec.end,
            valid_from=None if day else _add_months(demo.first, -spec.months_valid),
            staff=demo.staff[spec.staff] if spec.staff else None, location=spec.location,
            group_name=spec.group, clients=pool,
        ))
    return len(GUIDANCE)


def _conference_pool(demo: _Demo, kind: str, day: date, upcoming: bool) -> list[Client]:
    """The clients a conference of ``kind`` on ``day`` would discuss."""
    day = min(day, demo.today)
    present = [c for c in demo.clients if _present_on(c, day)]
    if kind == "initial_placement":
        pool = [c for c in present if (day - c.admission_date).days <= 45]
    elif upcoming:
        pool = [c for c in present if c.stage in ("case_conference", "intervention")]
    elif kind == "periodic_review":
        pool = [c for c in present if (day - c.admission_date).days >= 60]
    elif kind == "termination":
        pool = [c for c in demo.clients
                if c.termination_date and day <= c.termination_date <= day + timedelta(days=45)
                and c.termination_reason != "refused_absconded" and _present_on(c, day)]
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


def _conference_text(demo: _Demo, kind: str, people: list[Client], upcoming: bool
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


def _ensure_conferences(demo: _Demo) -> int:
    rng = demo.streams["conference"]
    head = demo.staff["head"]
    core = [demo.staff[key] for key, *_rest, is_core in STAFF if is_core]
    upcoming_day = demo.today + timedelta(days=9 - demo.today.isoweekday())  # next Tuesday
    plans = []
    for kind, offset, (low, high) in CONFERENCES:
        day = upcoming_day if offset is None else _workday_before(
            demo.first + timedelta(days=offset))
        pool = _conference_pool(demo, kind, day, offset is None)
        plans.append((kind, day, offset is None, _sample(rng, pool, low, high)))
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


def _contract_dates(rng: random.Random, demo: _Demo, client: Client, kind: str, status: str,
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


def _ensure_contracts(demo: _Demo) -> int:
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


def _ensure_case_notes(demo: _Demo) -> int:
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
        day = _add_months(client.admission_date, 1)
        while day <= demo.today and client.stage != "assessment":
            problem, action, result, step = rng.choice(PROGRESS_TEXT)
            plans.append((client, "progress", day, None, problem, action, result, step))
            day = _add_months(day, 1)
    existing = set(db.session.execute(
        select(CaseNote.client_id, CaseNote.kind, CaseNote.date)
        .where(CaseNote.client_id.in_([p[0].id for p in plans]))
    ).all())
    for client, kind, day, aspect, problem, content, result, step in plans:
        if (client.id, kind, day) in existing:
            continue
        db.session.add(CaseNote(client=client, author=client.social_worker, kind=kind, date=day,
                                aspect=aspect, problem=problem, content=content,
                                result=result, next_step=step))
    return len(plans)


PLAN_STAGES = ("planning", "contract", "intervention", "case_conference", "resocialization")


def _ensure_plans(demo: _Demo) -> int:
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


def _ensure_decisions(demo: _Demo) -> int:
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


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def _first_load_day() -> date | None:
    """The day the demo was first loaded (when the demo head was created), if it was.

    Reloading on a later day then finds exactly the same data instead of adding that day's
    sessions and meetings: the demo stays idempotent across days, not only within one.
    """
    head_nip = next(row[3] for row in STAFF if row[0] == "head")
    created = db.session.scalar(select(Staff.created_at).where(Staff.employee_number == head_nip))
    return created.date() if created is not None else None


def load_demo(password: str, today: date | None = None) -> dict[str, int]:
    """Load realistic Indonesian demo data; idempotent (running twice gives the same data).

    Adds to ``db.session`` and flushes as needed, never commits; returns counts per kind.
    """
    problem = password_problem(password)
    if problem:  # checked before anything is added, so a bad password leaves no half demo
        raise AccountError(problem)
    today = today or _first_load_day() or panti_today()
    rng = random.Random(SEED)
    demo = _Demo(today=today, first=today.replace(day=1),
                 streams={name: random.Random(rng.getrandbits(64)) for name in STREAMS})
    counts: dict[str, int] = {}

    demo.staff = _ensure_staff()
    counts["pegawai"] = len(demo.staff)
    counts["akun"] = _ensure_accounts(password, demo.staff)
    rooms = _ensure_named(Room, ROOMS)
    skills = _ensure_named(SkillType, ({"name": n, "description": d} for n, d in SKILLS))
    partners = _ensure_named(NetworkPartner, _partner_rows(demo.first))
    counts.update(kamar=len(rooms), keterampilan=len(skills), mitra=len(partners))
    db.session.flush()  # room ids for the occupancy count

    demo.clients = _ensure_clients(demo, rooms)
    counts["klien"] = len(demo.clients)

    classes = _ensure_classes(demo, skills)
    counts["kelas"] = len(classes)
    counts["peserta"] = _ensure_enrollments(demo, classes)
    sessions = _ensure_sessions(demo, classes)
    counts["sesi"] = len(sessions)
    counts["kehadiran"] = _ensure_attendance(demo, sessions)

    counts["rekreasi"] = _ensure_recreation(demo)
    counts["bimbingan"] = _ensure_guidance(demo)
    counts["konferensi"] = _ensure_conferences(demo)
    counts["kontrak"] = _ensure_contracts(demo)
    counts["catatan kasus"] = _ensure_case_notes(demo)
    counts["rencana pelayanan"] = _ensure_plans(demo)
    db.session.flush()
    counts["keputusan KK"] = _ensure_decisions(demo)
    db.session.flush()
    return counts
