"""Turn a database constraint violation into a sentence a user can act on."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

# Constraint names come from the naming convention in models/base.py.
_CHECK_MESSAGES = {
    "ck_client_nik": "NIK harus tepat 16 angka.",
    "ck_client_family_card_number": "Nomor KK harus tepat 16 angka.",
    "ck_client_birth_before_admission": "Tanggal lahir harus sebelum tanggal masuk.",
    "ck_client_admission_before_termination": "Tanggal terminasi tidak boleh sebelum tanggal "
    "masuk.",
    "ck_client_termination_complete": "Tanggal dan alasan terminasi harus diisi bersama.",
    "ck_client_terminated_has_date": "Klien pada tahap terminasi atau bimbingan lanjut harus "
    "memiliki tanggal terminasi.",
    "ck_attendance_code": "Kode kehadiran harus H, I, S, atau A.",
    "ck_room_group_home_size": "Rumah kelompok berisi paling banyak 5 orang.",
}


def explain(exc: IntegrityError) -> str:
    """A clear, non-technical message for ``exc`` (never the raw SQL)."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    lowered = text.lower()
    if "unique" in lowered or "duplicate key" in lowered:
        match = re.search(r"unique constraint failed: (\w+)\.(\w+)", lowered) or re.search(
            r"key \((\w+)", lowered
        )
        field = match.group(match.lastindex) if match else ""
        return _("Data dengan isian yang sama sudah ada%(field)s. Periksa isian yang harus unik.",
                 field=f" ({field})" if field else "")
    if "foreign key" in lowered:
        return _(
            "Data ini masih dipakai oleh data lain (misalnya kehadiran, pendaftaran kelas, atau "
            "kontrak), jadi tidak dapat dihapus atau diubah begitu saja."
        )
    for name, message in _CHECK_MESSAGES.items():
        if name in lowered:
            return _(message)
    if "check constraint" in lowered:
        return _("Isian melanggar aturan data. Periksa tanggal, kode, dan angka yang diisi.")
    if "not null" in lowered or "null value" in lowered:
        return _("Ada isian wajib yang kosong.")
    return _("Data tidak dapat disimpan karena bertentangan dengan data lain.")
