"""The catalogues through their real forms: network partners, rooms, skills and intakes."""

from __future__ import annotations

from datetime import date

import pytest

from models import Intake, NetworkPartner, Room, SkillType
from tests.case_data import Case, create_list_edit_delete, screen, screens


@screen("partner")
def partner_case(_who) -> Case:
    create = {
        "name": "Puskesmas Sukajadi",
        "kind": "health",
        "contact_person": "dr. Lina",
        "phone": "0227654321",
        "email": "pkm.sukajadi@example.go.id",
        "address": "Jl. Sukajadi No. 10, Bandung",
        "mou_number": "MoU/12/2026",
        "mou_start": "2026-01-01",
        "mou_end": "2027-12-31",
        "services": "Pemeriksaan kesehatan berkala",
        "active": "y",
    }
    stored = {
        "name": "Puskesmas Sukajadi",
        "kind": "health",
        "contact_person": "dr. Lina",
        "phone": "0227654321",
        "email": "pkm.sukajadi@example.go.id",
        "address": "Jl. Sukajadi No. 10, Bandung",
        "mou_number": "MoU/12/2026",
        "mou_start": date(2026, 1, 1),
        "mou_end": date(2027, 12, 31),
        "services": "Pemeriksaan kesehatan berkala",
        "active": True,
    }
    # An unchecked box is simply not posted.
    edit = {key: value for key, value in create.items() if key != "active"}
    edit["contact_person"] = "dr. Budi"
    return Case(
        model=NetworkPartner,
        create=create,
        stored=stored,
        listed={
            "name": "Puskesmas Sukajadi",
            "kind": "Layanan kesehatan (Puskesmas, rumah sakit)",
            "contact_person": "dr. Lina",
            "phone": "0227654321",
            "mou_number": "MoU/12/2026",
            "mou_end": "31/12/2027",
            "active": "Ya",
        },
        shown={"Jenis": "Layanan kesehatan (Puskesmas, rumah sakit)",
               "Email": "pkm.sukajadi@example.go.id", "MoU mulai": "01/01/2026"},
        edit=edit,
        edited={**stored, "contact_person": "dr. Budi", "active": False},
        edited_listed={"contact_person": "dr. Budi", "active": "Tidak"},
    )


@screen("room")
def room_case(_who) -> Case:
    create = {
        "name": "Rumah Kelompok Melati",
        "kind": "group_home",
        "sex": "P",
        "capacity": "5",
        "active": "y",
        "note": "Dekat dapur",
    }
    stored = {
        "name": "Rumah Kelompok Melati",
        "kind": "group_home",
        "sex": "P",
        "capacity": 5,
        "active": True,
        "note": "Dekat dapur",
    }
    return Case(
        model=Room,
        create=create,
        stored=stored,
        listed={
            "name": "Rumah Kelompok Melati",
            "kind": "Rumah kelompok (maks. 5 orang)",
            "sex": "Perempuan",
            "capacity": "5",
            "occupancy": "0",
            "active": "Ya",
        },
        shown={"Jenis": "Rumah kelompok (maks. 5 orang)", "Untuk": "Perempuan",
               "Catatan": "Dekat dapur"},
        edit={**create, "sex": "C", "capacity": "4"},
        edited={**stored, "sex": "C", "capacity": 4},
        edited_listed={"sex": "Campuran", "capacity": "4"},
    )


@screen("skill_type")
def skill_type_case(_who) -> Case:
    create = {"name": "Sablon", "description": "Sablon kaus dan tas", "active": "y"}
    stored = {"name": "Sablon", "description": "Sablon kaus dan tas", "active": True}
    return Case(
        model=SkillType,
        create=create,
        stored=stored,
        listed={"name": "Sablon", "description": "Sablon kaus dan tas", "active": "Ya"},
        shown={"Keterampilan": "Sablon", "Keterangan": "Sablon kaus dan tas", "Aktif": "Ya"},
        edit={"name": "Sablon", "description": "Sablon kaus, tas dan spanduk"},
        edited={"name": "Sablon", "description": "Sablon kaus, tas dan spanduk",
                "active": False},
        edited_listed={"description": "Sablon kaus, tas dan spanduk", "active": "Tidak"},
    )


@screen("intake")
def intake_case(_who) -> Case:
    create = {"number": "7", "starts_on": "02/03/2026", "note": "Razia Terminal Cicaheum"}
    stored = {"number": 7, "starts_on": date(2026, 3, 2), "note": "Razia Terminal Cicaheum"}
    return Case(
        model=Intake,
        create=create,
        stored=stored,
        listed={"number": "7", "starts_on": "02/03/2026", "note": "Razia Terminal Cicaheum"},
        shown={"Angkatan": "7", "Mulai penjangkauan": "02/03/2026",
               "Keterangan": "Razia Terminal Cicaheum"},
        edit={**create, "starts_on": "09/03/2026"},
        edited={**stored, "starts_on": date(2026, 3, 9)},
        edited_listed={"starts_on": "09/03/2026"},
    )


@pytest.mark.parametrize("build", screens(partner_case, room_case, skill_type_case,
                                          intake_case))
def test_create_list_edit_delete_through_the_forms(app, client, login_as, build):
    create_list_edit_delete(app, client, login_as, build)
