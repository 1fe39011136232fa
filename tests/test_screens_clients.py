"""The client roster through its real forms: create, list, edit, delete; the details
page's Indonesian labels and the register number."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from models import Client, db
from services import lifecycle
from services.clients import issue_register_number
from tests.case_data import Case, create_list_edit_delete, screen, screens
from tests.conftest import make_client, make_room, make_staff, post_form
from tests.pages import assert_redirected, assert_shows, details, list_rows, page
from tests.test_lifecycle import admissible


@screen("client")
def client_case(_who) -> Case:
    worker = make_staff("Siti Rahayu", "social_worker")
    room = make_room("Asrama Anggrek", capacity=10, sex="L")
    create = {
        "cohort": "12",
        "full_name": "Budi Santoso",
        "sex": "L",
        "birth_place": "Bandung",
        "birth_date": "1990-03-14",
        "religion": "islam",
        "nik": "3273011403900001",  # DDMMYY 140390 matches birth date, sex L
        "family_card_number": "3273010101200001",
        "address": "Jl. Merdeka No. 5, Bandung",
        "district_of_origin": "Kota Bandung",
        "guardian_name": "Sri Wahyuni",
        "guardian_relation": "Ibu",
        "guardian_phone": "081234567890",
        "referral_source": "dinsos",
        "arrival_condition": "Sehat, tanpa kartu identitas",
        "belongings": "Tas ransel, pakaian",
        "admission_date": "2026-01-05",
        "social_worker": str(worker.id),
        "room": str(room.id),
    }
    stored = {
        # A candidate: the register number is issued by the move to admission.
        "register_number": None,
        "cohort": 12,
        "full_name": "Budi Santoso",
        "sex": "L",
        "birth_place": "Bandung",
        "birth_date": date(1990, 3, 14),
        "religion": "islam",
        "nik": "3273011403900001",
        "family_card_number": "3273010101200001",
        "address": "Jl. Merdeka No. 5, Bandung",
        "district_of_origin": "Kota Bandung",
        "guardian_name": "Sri Wahyuni",
        "guardian_relation": "Ibu",
        "guardian_phone": "081234567890",
        "referral_source": "dinsos",
        "arrival_condition": "Sehat, tanpa kartu identitas",
        "belongings": "Tas ransel, pakaian",
        "admission_date": date(2026, 1, 5),
        # Not a field of the form: a new client begins at the first stage (the stage
        # machine moves it on, tests/test_lifecycle.py).
        "stage": "approach",
        "social_worker_id": worker.id,
        "room_id": room.id,
        "termination_date": None,
        "termination_reason": None,
        "photo": None,
    }
    edit = {**create, "district_of_origin": "Kabupaten Garut"}
    return Case(
        model=Client,
        create=create,
        stored=stored,
        listed={
            "register_number": "",
            "full_name": "Budi Santoso",
            "sex": "Laki-laki",
            "cohort": "12",
            "stage": "1. Pendekatan awal",
            "district_of_origin": "Kota Bandung",
            "social_worker.name": "Siti Rahayu",
            "room.name": "Asrama Anggrek",
            "admission_date": "05/01/2026",
        },
        shown={
            "Nomor induk": "Belum ada (diberikan saat penerimaan)",
            "Nama lengkap": "Budi Santoso",
            "Jenis kelamin": "Laki-laki",
            "Tanggal lahir": "14/03/1990",
            "Agama": "Islam",
            "NIK": "3273011403900001",
            "Diserahkan oleh": "Dinas Sosial",
            "Tanggal masuk": "05/01/2026",
            "Tahap pelayanan": "1. Pendekatan awal",
            "Kamar/asrama": "Asrama Anggrek",
        },
        edit=edit,
        edited={**stored, "district_of_origin": "Kabupaten Garut"},
        edited_listed={
            "register_number": "",
            "stage": "1. Pendekatan awal",
            "district_of_origin": "Kabupaten Garut",
        },
    )


@pytest.mark.parametrize("build", screens(client_case))
def test_create_list_edit_delete_through_the_forms(app, client, login_as, build):
    create_list_edit_delete(app, client, login_as, build)


# --- the client's details and register number ----------------------------------------------


def test_client_details_show_indonesian_labels(app, client, login_as):
    login_as("admin")
    with app.app_context():
        worker_id = make_staff("Siti Rahayu", "social_worker").id
        db.session.commit()
    response = post_form(client, "/admin/client/new/", {
        "full_name": "Ani Lestari",
        "sex": "P",
        "birth_place": "Garut",
        "birth_date": "1998-07-21",
        "religion": "kristen",
        "referral_source": "satpol_pp",
        "admission_date": "2026-01-05",
        "social_worker": str(worker_id),
        "room": "__None",
    })
    assert_redirected(response, "/admin/client/")
    with app.app_context():
        ani = db.session.scalars(select(Client)).one()
        ani_id = ani.id
        assert ani.register_number is None  # a candidate, numbered at admission
        assert ani.room_id is None
        issue_register_number(ani)
        # Terminated later by a move (the head's approval or an exit).
        ani.stage, ani.termination_date = "termination", date(2026, 6, 30)
        ani.termination_reason = "goals_achieved"
        db.session.commit()
    shown = details(client, f"/admin/client/details/?id={ani_id}")
    assert_shows(shown, {
        "Nomor induk": "2026-0001",
        "Nama lengkap": "Ani Lestari",
        "Jenis kelamin": "Perempuan",
        "Tempat lahir": "Garut",
        "Tanggal lahir": "21/07/1998",
        "Agama": "Kristen",
        "Diserahkan oleh": "Satpol PP (razia)",
        "Tanggal masuk": "05/01/2026",
        "Tahap pelayanan": "9. Terminasi",
        "Pekerja sosial": "Siti Rahayu (Pekerja sosial)",
        "Kamar/asrama": "",
        "Tanggal terminasi": "30/06/2026",
        "Alasan terminasi": "Tujuan pelayanan tercapai",
    }, "client details")


def test_client_register_numbers_count_up_within_the_admission_year(app, client, login_as):
    """Numbers are issued by the move to admission, per year of admission, in the order of
    the moves; a candidate has none."""
    with app.app_context():
        ids = {}
        for name, admitted in (("Budi Santoso", date(2026, 1, 5)),
                               ("Ani Lestari", date(2026, 2, 10)),
                               ("Joko Widodo", date(2025, 12, 30)),
                               ("Asep Saepudin", None)):
            ids[name] = make_client(name, stage="approach", admission_date=admitted).id
        db.session.commit()
        for name in ("Budi Santoso", "Ani Lestari", "Joko Widodo"):
            admissible(ids[name])
            lifecycle.move(db.session.get(Client, ids[name]), "admission", None)
        db.session.commit()
    login_as("admin")
    numbers = {row["full_name"]: row["register_number"]
               for row in list_rows(client, "/admin/client/").values()}
    assert numbers == {"Budi Santoso": "2026-0001", "Ani Lestari": "2026-0002",
                       "Joko Widodo": "2025-0001", "Asep Saepudin": ""}


def test_the_registration_form_has_no_register_number(client, login_as):
    """A new client is a candidate: the number comes with admission, never typed."""
    login_as("admin")
    html = page(client, "/admin/client/new/")
    assert not re.search(r'\bname="register_number"', html)
