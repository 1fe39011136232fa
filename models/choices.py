"""The controlled vocabularies of the domain (DOMAIN.md), as code → Indonesian label.

Codes are stored in the database (and checked there); labels are what users read.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Choices:
    """An ordered vocabulary: ``codes`` for the database, ``choices`` for forms and lists."""

    def __init__(self, *pairs):
        self.pairs = pairs

    @property
    def codes(self) -> list[str]:
        return [code for code, _label in self.pairs]

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(code, label) for code, label in self.pairs]

    def label(self, code: str | None) -> str:
        """The label of ``code``; the code itself when unknown, empty for None."""
        if code is None:
            return ""
        for known, label in self.pairs:
            if known == code:
                return str(label)
        return code

    @classmethod
    def of(cls, vocabulary: type[Vocabulary]) -> Choices:
        """The choices of a typed vocabulary, in its order."""
        return cls(*((member.value, member.text) for member in vocabulary))


class Vocabulary(StrEnum):
    """Codes the code itself compares with (roles, stages, attendance codes, KK
    recommendations): each member is its stored code — a ``str``, so it equals and is stored
    as that code — with the label users read. A misspelt member is an AttributeError where a
    misspelt string would silently match nothing."""

    def __new__(cls, code: str, text: object):
        member = str.__new__(cls, code)
        member._value_ = code
        member.text = text
        return member

    @property
    def label(self) -> str:
        return str(self.text)


class Role(Vocabulary):
    ADMIN = "admin", _l("Tata usaha (admin)")
    HEAD = "head", _l("Pimpinan")
    SOCIAL_WORKER = "social_worker", _l("Pekerja sosial")
    INSTRUCTOR = "instructor", _l("Instruktur")
    STAFF = "staff", _l("Staf")


ROLES = Choices.of(Role)

SEXES = Choices(("L", _l("Laki-laki")), ("P", _l("Perempuan")))

RELIGIONS = Choices(
    ("islam", _l("Islam")),
    ("kristen", _l("Kristen")),
    ("katolik", _l("Katolik")),
    ("hindu", _l("Hindu")),
    ("buddha", _l("Buddha")),
    ("konghucu", _l("Konghucu")),
    ("kepercayaan", _l("Kepercayaan terhadap Tuhan YME")),
)

# The ten service stages (tahapan pelayanan) of DOMAIN.md, in order.
class Stage(Vocabulary):
    APPROACH = "approach", _l("1. Pendekatan awal")
    ADMISSION = "admission", _l("2. Penerimaan & registrasi")
    ASSESSMENT = "assessment", _l("3. Asesmen")
    PLANNING = "planning", _l("4. Rencana pelayanan")
    CONTRACT = "contract", _l("5. Kesepakatan pelayanan")
    INTERVENTION = "intervention", _l("6. Intervensi / bimbingan")
    CASE_CONFERENCE = "case_conference", _l("7. Konferensi kasus")
    RESOCIALIZATION = "resocialization", _l("8. Resosialisasi & penyaluran")
    TERMINATION = "termination", _l("9. Terminasi")
    AFTERCARE = "aftercare", _l("10. Bimbingan lanjut")


STAGES = Choices.of(Stage)
# Stages in which a client lives in the panti and is served (counted as "active").
ACTIVE_STAGES = (
    Stage.ADMISSION,
    Stage.ASSESSMENT,
    Stage.PLANNING,
    Stage.CONTRACT,
    Stage.INTERVENTION,
    Stage.CASE_CONFERENCE,
    Stage.RESOCIALIZATION,
)

# Stages in which a client takes skill-training classes: the services of stage 6, and the
# case conference of stage 7 that reviews them while they go on.
INTERVENTION_STAGES = (Stage.INTERVENTION, Stage.CASE_CONFERENCE)

TERMINATION_REASONS = Choices(
    ("goals_achieved", _l("Tujuan pelayanan tercapai")),
    ("not_eligible", _l("Tidak memenuhi syarat (seleksi atau asesmen)")),
    ("refused_absconded", _l("Menolak / melarikan diri (kabur)")),
    ("illness_referral", _l("Sakit, perlu dirujuk")),
    ("worker_breakdown", _l("Hubungan dengan peksos tidak berjalan, perlu dirujuk")),
    ("own_will", _l("Mengundurkan diri atas kemauan sendiri")),
    ("period_ended", _l("Masa program atau anggaran berakhir")),
)

REFERRAL_SOURCES = Choices(
    ("dinsos", _l("Dinas Sosial")),
    ("satpol_pp", _l("Satpol PP (razia)")),
    ("police", _l("Kepolisian")),
    ("health", _l("Rumah sakit / Puskesmas")),
    ("village", _l("Aparat desa / kelurahan")),
    ("family", _l("Keluarga")),
    ("self", _l("Datang sendiri")),
    ("outreach", _l("Penjangkauan panti")),
    ("other", _l("Lainnya")),
)

POSITIONS = Choices(
    ("head", _l("Pimpinan / kepala panti")),
    ("administration", _l("Petugas tata usaha")),
    ("social_worker", _l("Pekerja sosial")),
    ("instructor", _l("Instruktur")),
    ("caregiver", _l("Pengasuh")),
    ("dorm_officer", _l("Petugas asrama")),
    ("doctor", _l("Dokter")),
    ("nurse", _l("Perawat")),
    ("psychologist", _l("Psikolog")),
    ("religious_teacher", _l("Rohaniwan")),
    ("supervisor", _l("Supervisor")),
)

ROOM_KINDS = Choices(
    ("dormitory", _l("Asrama")),
    ("group_home", _l("Rumah kelompok (maks. 5 orang)")),
)
GROUP_HOME_MAX = 5

ROOM_SEXES = Choices(("L", _l("Laki-laki")), ("P", _l("Perempuan")), ("C", _l("Campuran")))

class AttendanceCode(Vocabulary):
    PRESENT = "H", _l("H — hadir")
    EXCUSED = "I", _l("I — izin")
    SICK = "S", _l("S — sakit")
    ABSENT = "A", _l("A — alpa")


ATTENDANCE_CODES = Choices.of(AttendanceCode)

WEEKDAYS = Choices(
    ("1", _l("Senin")),
    ("2", _l("Selasa")),
    ("3", _l("Rabu")),
    ("4", _l("Kamis")),
    ("5", _l("Jumat")),
    ("6", _l("Sabtu")),
    ("7", _l("Minggu")),
)

MONTHS = Choices(
    ("1", _l("Januari")),
    ("2", _l("Februari")),
    ("3", _l("Maret")),
    ("4", _l("April")),
    ("5", _l("Mei")),
    ("6", _l("Juni")),
    ("7", _l("Juli")),
    ("8", _l("Agustus")),
    ("9", _l("September")),
    ("10", _l("Oktober")),
    ("11", _l("November")),
    ("12", _l("Desember")),
)

RECREATION_KINDS = Choices(
    ("angklung", _l("Angklung")),
    ("congklak", _l("Congklak")),
    ("organ", _l("Organ")),
    ("music", _l("Musik")),
    ("singing", _l("Menyanyi")),
    ("drama", _l("Drama")),
    ("outing", _l("Wisata")),
    ("storytelling", _l("Mendongeng")),
    ("cards", _l("Kartu")),
    ("chess", _l("Catur")),
    ("other", _l("Lainnya")),
)

# Where an outreach visit (penjangkauan) goes: where gepeng gather (DOMAIN stage 1).
OUTREACH_PLACES = Choices(
    ("terminal", _l("Terminal")),
    ("station", _l("Stasiun")),
    ("market", _l("Pasar")),
    ("intersection", _l("Perempatan / lampu merah")),
    ("other", _l("Lainnya")),
)

GUIDANCE_TYPES = Choices(
    ("social_individual", _l("Bimbingan sosial perorangan")),
    ("social_group", _l("Bimbingan sosial kelompok")),
    ("social_community", _l("Bimbingan sosial kemasyarakatan")),
    ("physical_health", _l("Bimbingan fisik & kesehatan")),
    ("mental_spiritual", _l("Bimbingan mental spiritual")),
    ("family_life", _l("Bimbingan kehidupan berkeluarga")),
)

CONFERENCE_KINDS = Choices(
    ("initial_placement", _l("Penempatan awal dalam program")),
    ("periodic_review", _l("Peninjauan berkala (3 bulanan)")),
    ("emergency", _l("Darurat")),
    ("placement", _l("Penyaluran")),
    ("termination", _l("Terminasi")),
)

PARTNER_KINDS = Choices(
    ("government", _l("Pemerintah (pusat/provinsi/kabupaten/kota/kecamatan/desa)")),
    ("health", _l("Layanan kesehatan (Puskesmas, rumah sakit)")),
    ("legal_aid", _l("Bantuan hukum")),
    ("religious_affairs", _l("Urusan agama")),
    ("university", _l("Perguruan tinggi")),
    ("ngo", _l("Orsos / LSM")),
    ("volunteer", _l("Relawan")),
    ("business", _l("Dunia usaha (penyaluran, magang)")),
    ("media", _l("Media massa")),
    ("professional_org", _l("Organisasi profesi")),
    ("religious_org", _l("Organisasi keagamaan")),
    ("community_leader", _l("Tokoh masyarakat / agama")),
    ("training_centre", _l("Balai Latihan Kerja (BLK)")),
)

# The seven components of ATENSI, the ministry's social-rehabilitation assistance
# (seeds/komponen-atensi.txt): the category of each service a client receives.
ATENSI_COMPONENTS = Choices(
    ("basic_needs", _l("1. Dukungan pemenuhan kebutuhan hidup layak")),
    ("care", _l("2. Perawatan sosial dan/atau pengasuhan")),
    ("family", _l("3. Dukungan keluarga")),
    ("therapy", _l("4. Terapi fisik, psikososial dan mental spiritual")),
    ("vocational", _l("5. Pelatihan vokasional dan/atau pembinaan kewirausahaan")),
    ("social_aid", _l("6. Bantuan sosial dan asistensi sosial")),
    ("accessibility", _l("7. Dukungan aksesibilitas")),
)
# The component a guidance type serves when its schedule names none.
GUIDANCE_ATENSI = {"social_individual": "therapy", "social_group": "therapy",
                   "social_community": "therapy", "physical_health": "therapy",
                   "mental_spiritual": "therapy", "family_life": "family"}

# Where a client is placed at the end of the programme (DOMAIN stage 8).
PLACEMENT_KINDS = Choices(
    ("family", _l("Kembali ke keluarga")),
    ("job", _l("Bekerja")),
    ("own_business", _l("Usaha mandiri")),
    ("apprenticeship", _l("Magang")),
)

# Reports from the people around the client, and whose position writes each.
STAFF_REPORT_KINDS = Choices(
    ("caregiver", _l("Laporan pengasuh asrama")),
    ("health", _l("Pemeriksaan kesehatan")),
    ("skill", _l("Penilaian keterampilan")),
)
REPORT_WRITERS = {"caregiver": ("caregiver", "dorm_officer"), "health": ("doctor", "nurse"),
                  "skill": ("instructor",)}
# The level a client reached in a class (the instructor's assessment at its end).
SKILL_LEVELS = Choices(
    ("very_skilled", _l("Sangat terampil")),
    ("skilled", _l("Terampil")),
    ("fair", _l("Cukup terampil")),
    ("not_yet", _l("Belum terampil")),
)

# How an aftercare contact is made (DOMAIN stage 10).
AFTERCARE_KINDS = Choices(
    ("home_visit", _l("Kunjungan rumah")),
    ("workplace_visit", _l("Kunjungan tempat kerja/usaha")),
    ("phone", _l("Telepon / hotline")),
    ("group", _l("Bimbingan kelompok")),
    ("advocacy", _l("Advokasi")),
)

# A referral's loop: sent, received by the partner, then completed or declined.
REFERRAL_STATUSES = Choices(
    ("sent", _l("Dikirim")),
    ("received", _l("Diterima mitra")),
    ("completed", _l("Selesai")),
    ("declined", _l("Ditolak mitra")),
)

CONTRACT_KINDS = Choices(
    ("preliminary", _l("Kontrak awal")),
    ("primary", _l("Kontrak utama")),
    ("secondary", _l("Kontrak sekunder")),
)

CONTRACT_STATUSES = Choices(
    ("draft", _l("Draf")),
    ("signed", _l("Ditandatangani")),
    ("active", _l("Berjalan")),
    ("ended", _l("Selesai")),
    ("cancelled", _l("Dibatalkan")),
)

# What a case conference recommends for a client.
class Recommendation(Vocabulary):
    CONTINUE = "continue", _l("Lanjutkan pelayanan")
    PLACEMENT = "placement", _l("Rekomendasi penyaluran")
    TERMINATION = "termination", _l("Rekomendasi terminasi")


DECISION_RECOMMENDATIONS = Choices.of(Recommendation)

EMERGENCY_STATUSES = Choices(
    ("pending", _l("Menunggu konfirmasi KK")),
    ("confirmed", _l("Dikukuhkan KK")),
    ("cancelled", _l("Dibatalkan KK")),
)
EMERGENCY_MIN_CORE = 3  # core members whose consensus an emergency change needs

# Whose task a goal of the service plan is.
PLAN_OWNERS = Choices(
    ("client", _l("Klien")),
    ("social_worker", _l("Pekerja sosial")),
    ("both", _l("Klien dan pekerja sosial")),
)

# What an audit-log row records.
AUDIT_ACTIONS = Choices(
    ("create", _l("Tambah")),
    ("update", _l("Ubah")),
    ("delete", _l("Hapus")),
    ("login", _l("Masuk")),
    ("login_failed", _l("Gagal masuk")),
    ("login_blocked", _l("Masuk ditahan")),
    ("logout", _l("Keluar")),
    ("denied", _l("Akses ditolak")),
    ("export", _l("Ekspor")),
)

# Entries of a client's case record (file pelayanan) written by the social worker.
# Formulir 4's "Penilaian terhadap unjuk kerja", best first.
PERFORMANCE_RATINGS = Choices(
    ("very_good", _l("Sangat baik")),
    ("good", _l("Baik")),
    ("fair", _l("Cukup")),
    ("poor", _l("Kurang")),
)

CASE_NOTE_KINDS = Choices(
    ("assessment", _l("Asesmen")),
    ("interview", _l("Catatan wawancara")),
    ("progress", _l("Catatan perkembangan")),
    ("visit", _l("Kunjungan / komunikasi")),
    ("aftercare", _l("Catatan bimbingan lanjut")),
    ("case_summary", _l("Ringkasan kasus untuk KK")),
)

# The four aspects of an assessment (DOMAIN.md, stage 3).
ASSESSMENT_ASPECTS = Choices(
    ("physical", _l("Fisik")),
    ("psychological", _l("Psikologis")),
    ("social", _l("Sosial")),
    ("vocational", _l("Vokasional")),
)
