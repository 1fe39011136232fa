"""Case work through its real forms: service contracts, case notes and case conferences."""

from __future__ import annotations

from datetime import date, time

import pytest

from models import CaseConference, CaseNote, ServiceContract
from tests.case_data import Case, create_list_edit_delete, screen, screens
from tests.conftest import make_client, make_staff


@screen("contract", role="social_worker")
def contract_case(who) -> Case:
    # The social worker's screen shows contracts of the clients assigned to them. The form
    # writes drafts; signing and the later states have their own steps (test_contracts.py).
    client = make_client("Budi Santoso", social_worker_id=who["staff_id"])
    create = {
        "client": str(client.id),
        "social_worker": str(who["staff_id"]),
        "kind": "primary",
        "problem": "Belum memiliki keterampilan kerja",
        "goals": "Mampu menjahit pakaian sederhana",
        "client_responsibilities": "Mengikuti kelas menjahit",
        "worker_responsibilities": "Memantau kemajuan tiap bulan",
        "techniques": "Bimbingan keterampilan, konseling",
        "place": "Ruang pekerja sosial",
        "start_date": "2026-02-01",
        "end_date": "2026-07-31",
    }
    stored = {
        "client_id": client.id,
        "social_worker_id": who["staff_id"],
        "kind": "primary",
        "status": "draft",
        "problem": "Belum memiliki keterampilan kerja",
        "goals": "Mampu menjahit pakaian sederhana",
        "client_responsibilities": "Mengikuti kelas menjahit",
        "worker_responsibilities": "Memantau kemajuan tiap bulan",
        "techniques": "Bimbingan keterampilan, konseling",
        "place": "Ruang pekerja sosial",
        "start_date": date(2026, 2, 1),
        "end_date": date(2026, 7, 31),
        "signed_date": None,
        "version": 1,
    }
    return Case(
        model=ServiceContract,
        create=create,
        stored=stored,
        listed={
            "client.register_number": "2026-0001",
            "client.full_name": "Budi Santoso",
            "kind": "Kontrak utama",
            "status": "Draf",
            "social_worker.name": "Pegawai Socialworker",
            "start_date": "01/02/2026",
            "end_date": "31/07/2026",
        },
        shown={
            "Klien": "2026-0001 — Budi Santoso",
            "Jenis kontrak": "Kontrak utama",
            "Status": "Draf",
            "Masalah": "Belum memiliki keterampilan kerja",
            "Berakhir": "31/07/2026",
        },
        edit={**create, "end_date": "2026-08-31"},
        edited={**stored, "end_date": date(2026, 8, 31)},
        edited_listed={"status": "Draf", "end_date": "31/08/2026"},
    )


@screen("case_note", role="social_worker")
def case_note_case(who) -> Case:
    # A social worker writes the case record of a client assigned to them.
    client = make_client("Budi Santoso", social_worker_id=who["staff_id"])
    create = {
        "client": str(client.id),
        "date": "2026-02-03",
        "kind": "assessment",
        "aspect": "psychological",
        "problem": "Sulit tidur, cemas tentang keluarga",
        "content": "Wawancara mendalam dan tes sederhana",
        "result": "Mau bercerita; cemas berkurang",
        "next_step": "Konseling individu tiap minggu",
    }
    stored = {
        "client_id": client.id,
        "author_id": who["staff_id"],
        "date": date(2026, 2, 3),
        "kind": "assessment",
        "aspect": "psychological",
        "problem": "Sulit tidur, cemas tentang keluarga",
        "content": "Wawancara mendalam dan tes sederhana",
        "result": "Mau bercerita; cemas berkurang",
        "next_step": "Konseling individu tiap minggu",
    }
    return Case(
        model=CaseNote,
        create=create,
        stored=stored,
        listed={
            "date": "03/02/2026",
            "client.register_number": "2026-0001",
            "client.full_name": "Budi Santoso",
            "kind": "Asesmen",
            "aspect": "Psikologis",
            "author.name": "Pegawai Socialworker",
        },
        shown={
            "Klien": "2026-0001 — Budi Santoso",
            "Jenis catatan": "Asesmen",
            "Aspek asesmen": "Psikologis",
            "Uraian / tindakan": "Wawancara mendalam dan tes sederhana",
            "Rencana tindak lanjut": "Konseling individu tiap minggu",
        },
        edit={**create, "kind": "progress", "aspect": "", "result": "Tidur lebih teratur"},
        edited={**stored, "kind": "progress", "aspect": None, "result": "Tidur lebih teratur"},
        edited_listed={"kind": "Catatan perkembangan", "aspect": ""},
    )


# The head: who chairs and attends a KK is the head's to set (docs/permissions.md).
@screen("conference", role="head")
def conference_case(_who) -> Case:
    chair = make_staff("Hadi Prasetyo", "head")
    peksos = make_staff("Siti Rahayu", "social_worker")
    budi = make_client("Budi Santoso")
    ani = make_client("Ani Lestari", sex="P")
    create = {
        "date": "2026-03-10",
        "start_time": "09:00",
        "end_time": "11:00",
        "kind": "periodic_review",
        "location": "Aula",
        "chair": str(chair.id),
        "attendees": f"{chair.id},{peksos.id}",
        "clients": f"{budi.id},{ani.id}",
        "summary": "Kemajuan tiga bulan pertama dibahas",
        "decisions": "Lanjut ke kelas menjahit",
    }
    stored = {
        "date": date(2026, 3, 10),
        "start_time": time(9, 0),
        "end_time": time(11, 0),
        "kind": "periodic_review",
        "location": "Aula",
        "chair_id": chair.id,
        "attendees": {chair.id, peksos.id},
        "clients": {budi.id, ani.id},
        "summary": "Kemajuan tiga bulan pertama dibahas",
        "decisions": "Lanjut ke kelas menjahit",
    }
    return Case(
        model=CaseConference,
        create=create,
        stored=stored,
        listed={
            "date": "10/03/2026",
            "start_time": "09:00",
            "kind": "Peninjauan berkala (3 bulanan)",
            "chair.name": "Hadi Prasetyo",
            "clients": {"2026-0001 — Budi Santoso", "2026-0002 — Ani Lestari"},
            "attendees": {"Hadi Prasetyo", "Siti Rahayu"},
        },
        shown={
            "Tanggal": "10/03/2026",
            "Selesai": "11:00",
            "Jenis KK": "Peninjauan berkala (3 bulanan)",
            "Keputusan": "Lanjut ke kelas menjahit",
        },
        edit={**create, "kind": "emergency", "clients": str(budi.id)},
        edited={**stored, "kind": "emergency", "clients": {budi.id}},
        edited_listed={"kind": "Darurat", "clients": "2026-0001 — Budi Santoso"},
    )


@pytest.mark.parametrize("build", screens(contract_case, case_note_case, conference_case))
def test_create_list_edit_delete_through_the_forms(app, client, login_as, build):
    create_list_edit_delete(app, client, login_as, build)
