"""Guidance schedules and recreation activities through their real forms."""

from __future__ import annotations

from datetime import date, time

import pytest

from models import GuidanceSchedule, RecreationActivity
from tests.case_data import Case, create_list_edit_delete, screen, screens
from tests.conftest import make_client, make_staff


@screen("guidance")
def guidance_case(_who) -> Case:
    teacher = make_staff("Ustadz Ahmad", "religious_teacher")
    budi = make_client("Budi Santoso")
    ani = make_client("Ani Lestari", sex="P")
    create = {
        "guidance_type": "mental_spiritual",
        "title": "Pengajian mingguan",
        "weekday": "5",
        "date": "",
        "start_time": "13:00",
        "end_time": "14:30",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "staff": str(teacher.id),
        "location": "Musala",
        "group_name": "Kelompok A",
        "clients": f"{budi.id},{ani.id}",
    }
    stored = {
        "guidance_type": "mental_spiritual",
        "title": "Pengajian mingguan",
        "weekday": 5,
        "date": None,
        "start_time": time(13, 0),
        "end_time": time(14, 30),
        "valid_from": date(2026, 1, 1),
        "valid_until": date(2026, 12, 31),
        "staff_id": teacher.id,
        "location": "Musala",
        "group_name": "Kelompok A",
        "clients": {budi.id, ani.id},
    }
    # From a weekly slot to a one-off meeting on a date.
    return Case(
        model=GuidanceSchedule,
        create=create,
        stored=stored,
        listed={
            "guidance_type": "Bimbingan mental spiritual",
            "title": "Pengajian mingguan",
            "weekday": "Jumat",
            "start_time": "13:00",
            "end_time": "14:30",
            "staff.name": "Ustadz Ahmad",
            "location": "Musala",
            "group_name": "Kelompok A",
        },
        shown={"Jenis bimbingan": "Bimbingan mental spiritual", "Hari/tanggal": "Jumat",
               "Berlaku sampai": "31/12/2026",
               "Klien": {"2026-0001 — Budi Santoso", "2026-0002 — Ani Lestari"}},
        edit={**create, "weekday": "", "date": "2026-02-20"},
        edited={**stored, "weekday": None, "date": date(2026, 2, 20)},
        edited_listed={"weekday": "20/02/2026"},
    )


@screen("recreation")
def recreation_case(_who) -> Case:
    leader = make_staff("Dewi Kusuma", "caregiver")
    budi = make_client("Budi Santoso")
    ani = make_client("Ani Lestari", sex="P")
    create = {
        "kind": "angklung",
        "title": "Latihan angklung",
        "date": "2026-02-07",
        "start_time": "15:00",
        "end_time": "16:30",
        "place": "Aula",
        "leader": str(leader.id),
        "participants": f"{budi.id},{ani.id}",
        "note": "Membawa angklung sendiri",
    }
    stored = {
        "kind": "angklung",
        "title": "Latihan angklung",
        "date": date(2026, 2, 7),
        "start_time": time(15, 0),
        "end_time": time(16, 30),
        "place": "Aula",
        "leader_id": leader.id,
        "participants": {budi.id, ani.id},
        "note": "Membawa angklung sendiri",
    }
    return Case(
        model=RecreationActivity,
        create=create,
        stored=stored,
        listed={
            "date": "07/02/2026",
            "start_time": "15:00",
            "end_time": "16:30",
            "kind": "Angklung",
            "title": "Latihan angklung",
            "place": "Aula",
            "leader.name": "Dewi Kusuma",
            "participants": {"Budi Santoso", "Ani Lestari"},
        },
        shown={"Jenis": "Angklung", "Pemimpin": "Dewi Kusuma (Pengasuh)",
               "Catatan": "Membawa angklung sendiri"},
        edit={**create, "kind": "outing", "title": "Wisata ke Kebun Raya",
              "participants": str(ani.id)},
        edited={**stored, "kind": "outing", "title": "Wisata ke Kebun Raya",
                "participants": {ani.id}},
        edited_listed={"kind": "Wisata", "title": "Wisata ke Kebun Raya",
                       "participants": "2026-0002 — Ani Lestari"},
    )


@pytest.mark.parametrize("build", screens(guidance_case, recreation_case))
def test_create_list_edit_delete_through_the_forms(app, client, login_as, build):
    create_list_edit_delete(app, client, login_as, build)
