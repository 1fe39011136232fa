"""Demo catalogues: rooms, skills and network partners (with their MoU dates)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .base import add_months

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


def partner_rows(first: date) -> list[dict[str, Any]]:
    rows = []
    for name, kind, contact, phone, email, address, seq, months_ago, services in PARTNERS:
        if months_ago is None:
            # The MoU that runs out within 60 days, so the dashboard has something to flag.
            start = add_months(first, -35)
            end = add_months(first, 1) + timedelta(days=14)
        else:
            start = add_months(first, -months_ago)
            end = add_months(start, 36) - timedelta(days=1)
        rows.append({
            "name": name, "kind": kind, "contact_person": contact, "phone": phone,
            "email": email, "address": address, "mou_number": f"{seq:03d}/MoU/PSBK/{start.year}",
            "mou_start": start, "mou_end": end, "services": services, "active": True,
        })
    return rows
