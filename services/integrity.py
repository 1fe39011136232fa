"""Turn a database constraint violation into a sentence a user can act on."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError

from models import db

from .room_rules import group_home_too_big
from .rules import not_before


def _order(later: str, earlier: str) -> Callable[[], str]:
    """A date-order constraint, in the words of the rule functions (services/rules.py)."""
    return lambda: f"{_(later)}: {not_before(0, 1, _(earlier))}"


# Constraint names come from the naming convention in models/base.py. Where a rule function
# says the same, its words are used (the database is only the last guard behind it).
_CHECK_MESSAGES: dict[str, Callable[[], str]] = {
    "ck_client_nik": lambda: _("NIK harus tepat 16 angka."),
    "ck_client_family_card_number": lambda: _("Nomor KK harus tepat 16 angka."),
    "ck_client_birth_before_admission": _order("Tanggal masuk", "tanggal lahir"),
    "ck_client_admission_before_termination": _order("Tanggal terminasi", "tanggal masuk"),
    "ck_client_termination_complete": lambda: _(
        "Isi tanggal dan alasan terminasi bersama-sama."),
    "ck_client_terminated_has_date": lambda: _(
        "Klien pada tahap terminasi atau bimbingan lanjut harus punya alasan terminasi."),
    "ck_attendance_code": lambda: _("Kode kehadiran harus H, I, S, atau A."),
    "ck_room_group_home_size": group_home_too_big,
    "ck_aid_item_value_positive": lambda: _("Nilai barang paket bantuan tidak boleh negatif."),
    "ck_aftercare_visit_done_has_outcome": lambda: _(
        "Kunjungan bimbingan lanjut yang sudah dilaksanakan mencatat bentuk dan hasilnya."),
    "ck_referral_answered_has_feedback": lambda: _(
        "Rujukan yang selesai atau ditolak mencatat umpan balik mitra."),
    "ck_referral_feedback_after_referral": _order("Tanggal umpan balik", "tanggal rujukan"),
}

# What is already there, said in the words of the form that meets it: one sentence per
# unique constraint of the models (tests/test_unique_messages.py checks none is missing).
UNIQUE_MESSAGES = {
    "uq_client_nik": _l("NIK ini sudah tercatat pada klien lain."),
    "uq_client_register_number": _l("Nomor induk ini sudah dipakai klien lain."),
    "uq_register_counter_year": _l("Nomor induk sedang dibuat bersamaan; simpan sekali lagi."),
    "uq_service_plan_client_id_stay": _l("Klien ini sudah punya rencana pelayanan; ubah "
                                         "rencana yang ada."),
    "uq_conference_decision_conference_id_client_id": _l(
        "Keputusan KK ini untuk klien tersebut sudah dicatat; ubah keputusan yang ada."),
    "uq_staff_employee_number": _l("NIP/nomor pegawai ini sudah dipakai pegawai lain."),
    "uq_skill_type_name": _l("Jenis keterampilan dengan nama ini sudah ada."),
    "uq_document_type_name": _l("Jenis dokumen dengan nama ini sudah ada."),
    "uq_selection_client_id_stay": _l("Seleksi klien ini sudah ada; ubah yang ada."),
    "uq_letter_waiver_client_id_stay_type_id": _l("Surat ini sudah dibebaskan untuk klien ini."),
    "uq_enrollment_class_id_client_id": _l("Klien ini sudah terdaftar di kelas ini."),
    "uq_training_session_class_id_date_start_time": _l(
        "Kelas ini sudah punya pertemuan pada tanggal dan jam mulai yang sama."),
    "uq_network_partner_name": _l("Mitra jaringan dengan nama ini sudah ada."),
    "uq_attendance_session_id_client_id": _l(
        "Kehadiran klien ini pada pertemuan tersebut sudah dicatat; ubah catatan yang ada."),
    "uq_attendance_activity_id_client_id": _l(
        "Kehadiran klien ini pada kegiatan rekreasi tersebut sudah dicatat; ubah catatan "
        "yang ada."),
    "uq_attendance_guidance_id_guidance_date_client_id": _l(
        "Kehadiran klien ini pada bimbingan tanggal tersebut sudah dicatat; ubah catatan "
        "yang ada."),
    "uq_room_name": _l("Kamar dengan nama ini sudah ada."),
    "uq_user_account_username": _l("Nama pengguna ini sudah dipakai akun lain."),
    "uq_user_account_staff_id": _l("Pegawai ini sudah punya akun."),
    "uq_setting_key": _l("Pengaturan ini sudah ada; ubah yang ada."),
    "uq_holiday_date": _l("Tanggal ini sudah tercatat sebagai hari libur."),
    "uq_intake_number": _l("Angkatan dengan nomor ini sudah ada."),
    "uq_termination_client_id_stay": _l("Klien ini sudah punya catatan terminasi; ubah yang ada."),
    "uq_client_stay_client_id_number": _l(
        "Klien ini baru saja diterima kembali oleh orang lain; buka halamannya lagi."),
}
_PG_UNIQUE = re.compile(r'unique constraint "(\w+)"')
_SQLITE_UNIQUE = re.compile(r"unique constraint failed: ([\w.]+(?:, [\w.]+)*)")


def constraint_over(table: str, columns: Iterable[str]) -> str | None:
    """The name of ``table``'s unique constraint over exactly ``columns``."""
    wanted = set(columns)
    found = db.metadata.tables.get(table)
    for constraint in found.constraints if found is not None else ():
        if isinstance(constraint, UniqueConstraint) and {
                column.name for column in constraint.columns} == wanted:
            return constraint.name
    return None


def unique_message(table: str, columns: Iterable[str]):
    """The (lazy) sentence for ``table``'s unique constraint over ``columns``, or None."""
    return UNIQUE_MESSAGES.get(constraint_over(table, columns) or "")


def unique_constraint(text: str) -> str | None:
    """The name of the unique constraint a database error message (lower-cased) reports:
    PostgreSQL names it, SQLite lists its columns (``table.a, table.b``)."""
    match = _PG_UNIQUE.search(text)
    if match:
        return match.group(1)
    match = _SQLITE_UNIQUE.search(text)
    if not match:
        return None
    names = match.group(1).split(", ")
    return constraint_over(names[0].split(".", 1)[0],
                           (name.rsplit(".", 1)[-1] for name in names))


def explain(exc: IntegrityError) -> str:
    """A clear, non-technical message for ``exc`` (never the raw SQL)."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    lowered = text.lower()
    if "unique" in lowered or "duplicate key" in lowered:
        message = UNIQUE_MESSAGES.get(unique_constraint(lowered) or "")
        # Never the column's name: a user knows the form's words, not the table's.
        return str(message) if message else _(
            "Data yang sama sudah ada. Periksa isian yang harus unik.")
    if "foreign key" in lowered:
        return _(
            "Data ini masih dipakai oleh data lain (misalnya kehadiran, pendaftaran kelas, atau "
            "kontrak), jadi tidak dapat dihapus atau diubah begitu saja."
        )
    for name, message in _CHECK_MESSAGES.items():
        if name in lowered:
            return message()
    if "check constraint" in lowered:
        return _("Isian melanggar aturan data. Periksa tanggal, kode, dan angka yang diisi.")
    if "not null" in lowered or "null value" in lowered:
        return _("Ada isian wajib yang kosong.")
    return _("Data tidak dapat disimpan karena bertentangan dengan data lain.")
