"""The seeds' forms printed blank, to fill by hand where there is no computer (a home visit,
a workshop): each form's title, the fields of its head and the columns of its table, in the
words the filled prints use."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class BlankForm:
    """A form: its number (as the seeds name it), title, head fields, table columns, and the
    first column's fixed values (Formulir 2's weeks) or how many empty rows to print."""

    number: str
    title: object
    fields: tuple
    columns: tuple
    rows: tuple = ()
    empty_rows: int = 8


FORMS = {
    "formulir-2": BlankForm(
        _l("Formulir 2"), _l("CATATAN PERKEMBANGAN KLIEN"),
        (_l("No. induk"), _l("Jenis kasus"), _l("Nama klien"), _l("Lama pelayanan"),
         _l("Waktu pelayanan"), _l("Alat yang digunakan"), _l("Pekerja sosial")),
        (_l("Minggu"), _l("Masalah"), _l("Tindakan"), _l("Hasil (positif/negatif)"),
         _l("Rekomendasi tindak lanjut")),
        rows=("I", "II", "III", "IV")),
    "formulir-3": BlankForm(
        _l("Formulir 3"), _l("LAPORAN PEMECAHAN MASALAH KLIEN"),
        (_l("No. induk"), _l("Tanggal kontrak"), _l("Nama klien"), _l("Akhir pelayanan"),
         _l("Jenis kasus"), _l("Pekerja sosial")),
        (_l("Asesmen"), _l("Rencana pelayanan"), _l("Pelaksanaan"), _l("Evaluasi"),
         _l("Terminasi"), _l("Bimbingan lanjut")), empty_rows=3),
    "formulir-4": BlankForm(
        _l("Formulir 4"), _l("EVALUASI UNJUK KERJA PEKERJA SOSIAL"),
        (_l("Periode penilaian"), _l("Tanggal penilaian")),
        (_l("No."), _l("Nama Peksos"), _l("Kegiatan yang dilakukan"), _l("Waktu Kegiatan"),
         _l("Cara melakukan tahap-tahap kegiatan"), _l("Penilaian terhadap unjuk kerja"),
         _l("Rekomendasi"))),
    "wawancara": BlankForm(
        _l("Catatan wawancara"), _l("CATATAN WAWANCARA"),
        (_l("Nama klien"), _l("No. induk"), _l("Tanggal wawancara"), _l("Tanggal pencatatan"),
         _l("Pekerja sosial"), _l("Tujuan wawancara"), _l("Tahap pemecahan masalah")),
        (_l("Isi wawancara"), _l("Analisis"), _l("Rencana kontak berikutnya")), empty_rows=4),
}
