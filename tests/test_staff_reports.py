"""Reports from the people around the client: the caregiver writes the dorm report, the
doctor or nurse the health check, the class's instructor the skill assessment; the client's
social worker and the head read them, in the list and in the case file."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from models import Enrollment, StaffReport, db
from services.dates import format_date
from services.dates import today as panti_today

from .conftest import (
    csrf_token,
    field_errors,
    make_class,
    make_client,
    make_staff,
    make_user,
    post_form,
)

TODAY = panti_today()


def _world(app) -> dict[str, int]:
    with app.app_context():
        worker, other_worker = make_staff("Siti Rahayu"), make_staff("Dewi Lestari")
        make_user("social_worker", "peksos", staff=worker)
        instructor = make_user("instructor", "instruktur").staff
        other_instructor = make_staff("Rudi Hartono", "instructor")
        mine = make_class("Las A", instructor=instructor)
        theirs = make_class("Sablon B", instructor=other_instructor)
        ids = {"mine": mine.id, "theirs": theirs.id}
        for name, sw in (("Ahmad Yani", worker), ("Cahya Nugraha", other_worker),
                         ("Budi Utomo", worker)):
            person = make_client(name, stage="intervention", social_worker_id=sw.id,
                                 admission_date=TODAY - timedelta(days=90))
            ids[name] = person.id
        db.session.add_all([Enrollment(class_id=mine.id, client_id=ids["Ahmad Yani"],
                                       enrolled_on=TODAY - timedelta(days=60)),
                            Enrollment(class_id=mine.id, client_id=ids["Cahya Nugraha"],
                                       enrolled_on=TODAY - timedelta(days=60))])
        db.session.commit()
        return ids


def _logout(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(StaffReport))


def test_each_writer_writes_their_own_kind(app, client, login_as):
    ids = _world(app)
    login_as("staff")  # a caregiver (pengasuh)
    form = client.get("/admin/staff_report/new/").get_data(as_text=True)
    assert re.search(r'<option selected value="caregiver">|<option value="caregiver" '
                     r'selected', form)
    base = {"client": ids["Ahmad Yani"], "date": format_date(TODAY), "training_class": "",
            "skill_level": "", "content": "Tidur teratur, membantu piket dapur",
            "recommendation": ""}
    page = post_form(client, "/admin/staff_report/new/", {**base, "kind": "health"})
    assert field_errors(page.get_data(as_text=True), "kind") == [
        "Pemeriksaan kesehatan ditulis oleh dokter, perawat."]
    with app.app_context():
        assert _count() == 0
    assert post_form(client, "/admin/staff_report/new/",
                     {**base, "kind": "caregiver"}).status_code == 302
    _logout(client)
    login_as("instructor", "instruktur")
    skill = {**base, "kind": "skill", "content": "Mengelas sambungan T dengan rapi"}
    for changes, field, message in (
            ({"training_class": str(ids["mine"])}, "skill_level", "Kolom ini wajib diisi."),
            ({"training_class": str(ids["mine"]), "skill_level": "skilled",
              "client": ids["Budi Utomo"]}, "client",
             "Pilihan tidak valid atau tidak lagi tersedia. Silakan pilih ulang."),
            ({"training_class": str(ids["theirs"]), "skill_level": "skilled"},
             "training_class",
             "Pilihan tidak valid atau tidak lagi tersedia. Silakan pilih ulang."),
            ({"training_class": "", "skill_level": "skilled"}, "training_class",
             "Kolom ini wajib diisi."),
    ):
        page = post_form(client, "/admin/staff_report/new/", {**skill, **changes})
        assert message in field_errors(page.get_data(as_text=True), field), (
            field, field_errors(page.get_data(as_text=True), field))
    assert post_form(client, "/admin/staff_report/new/", {
        **skill, "training_class": str(ids["mine"]), "skill_level": "skilled"}
    ).status_code == 302
    with app.app_context():
        assert _count() == 2
    listed = client.get("/admin/staff_report/").get_data(as_text=True)
    assert "Mengelas sambungan" in listed and "Tidur teratur" not in listed  # own only


def test_the_clients_social_worker_and_the_head_read_them(app, client, login_as):
    ids = _world(app)
    with app.app_context():
        caregiver = make_staff("Bu Yati", "caregiver")
        for name in ("Ahmad Yani", "Cahya Nugraha"):
            db.session.add(StaffReport(client_id=ids[name], author_id=caregiver.id,
                                       kind="caregiver", date=TODAY,
                                       content=f"Laporan asrama {name}"))
        db.session.commit()
    login_as("social_worker", "peksos")
    listed = client.get("/admin/staff_report/").get_data(as_text=True)
    assert "Laporan asrama Ahmad Yani" in listed and "Cahya" not in listed
    case_file = client.get(f"/admin/client/case-file/?id={ids['Ahmad Yani']}").get_data(
        as_text=True)
    part_g = case_file.split('data-part="g"', 1)[1].split("</section>", 1)[0]
    assert "Laporan asrama Ahmad Yani" in part_g and "Bu Yati" in part_g
    assert client.get("/admin/staff_report/new/").status_code == 403
    _logout(client)
    login_as("head")
    listed = client.get("/admin/staff_report/").get_data(as_text=True)
    assert "Laporan asrama Ahmad Yani" in listed and "Laporan asrama Cahya" in listed
    _logout(client)
    login_as("admin")
    assert client.get("/admin/staff_report/").status_code == 403


def test_check_data_names_a_report_written_by_the_wrong_hand(app):
    from cli import check_data

    ids = _world(app)
    with app.app_context():
        driver = make_staff("Pak Asep", "dorm_officer")
        db.session.add(StaffReport(client_id=ids["Ahmad Yani"], author_id=driver.id,
                                   kind="health", date=TODAY, content="Tensi normal"))
        db.session.commit()
    found = app.test_cli_runner().invoke(check_data)
    assert found.exit_code == 1
    assert "Laporan staf: Pemeriksaan kesehatan — Ahmad Yani — Jenis laporan: Pemeriksaan " \
           "kesehatan ditulis oleh dokter, perawat." in found.output.splitlines()
