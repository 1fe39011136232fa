"""Referrals (rujukan): a social worker refers their own client to a partner, prints the
numbered letter, records the partner's answer; two weeks without an answer is on their
worklist; the loop never goes back; others' referrals stay out of reach."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import func, select

from models import NetworkPartner, Referral, User, db
from services.dates import format_date
from services.dates import today as panti_today

from .conftest import csrf_token, field_errors, make_client, make_staff, post_form

TODAY = panti_today()
PASSWORD = "kata-sandi-panjang-sekali"


def _world(app) -> dict[str, int]:
    with app.app_context():
        mine, other = make_staff("Siti Rahayu"), make_staff("Dewi Lestari")
        user = User(username="peksos", role="social_worker", staff=mine)
        user.set_password(PASSWORD)
        db.session.add(user)
        ids = {}
        for name, worker in (("Ahmad Yani", mine), ("Cahya Nugraha", other)):
            person = make_client(name, social_worker_id=worker.id,
                                 admission_date=TODAY - timedelta(days=60))
            ids[name] = person.id
        candidate = make_client("Calon Klien", stage="approach", social_worker_id=mine.id)
        ids["candidate"] = candidate.id
        for name, active in (("Puskesmas Cibeber", True), ("LBH Bandung", False)):
            partner = NetworkPartner(name=name, kind="health", active=active,
                                     contact_person="dr. Rina", address="Jl. Cibeber 1")
            db.session.add(partner)
            db.session.flush()
            ids[name] = partner.id
        db.session.commit()
        ids["staff"] = mine.id
        return ids


def _log_in(client) -> None:
    post_form(client, "/login", {"username": "peksos", "password": PASSWORD})


def _form(ids, **changes) -> dict:
    data = {"client": str(ids["Ahmad Yani"]), "partner": str(ids["Puskesmas Cibeber"]),
            "referred_on": format_date(TODAY - timedelta(days=20)),
            "reason": "Batuk lebih dari dua minggu; perlu pemeriksaan TB.", "status": "sent",
            "feedback": "", "feedback_on": ""}
    data.update(changes)
    return data


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Referral))


def test_a_referral_is_recorded_printed_and_followed_up(app, client):
    ids = _world(app)
    _log_in(client)
    assert post_form(client, "/admin/referral/new/", _form(ids)).status_code == 302
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        assert referral.social_worker_id == ids["staff"]  # who referred
        referral_id, number = referral.id, referral.letter_number
    listed = client.get("/admin/referral/").get_data(as_text=True)
    assert "Ahmad Yani" in listed and "Puskesmas Cibeber" in listed and "Dikirim" in listed
    letter = unescape(client.get(f"/admin/referral/letter/?id={referral_id}").get_data(
        as_text=True))
    assert number == f"{referral_id:04d}/RJK/{(TODAY - timedelta(days=20)).year}"
    assert re.search(rf'data-testid="letter-number">{re.escape(number)}<', letter)
    assert "Kepada Yth." in letter and "u.p. dr. Rina" in letter
    assert "Batuk lebih dari dua minggu; perlu pemeriksaan TB." in letter
    # Twenty days without an answer: on the worklist since day 14, linked to the referral.
    home = unescape(client.get("/admin/").get_data(as_text=True))
    assert re.search(r'<a href="/admin/referral/edit/\?id=%d">Rujukan ke Puskesmas Cibeber '
                     r'belum ada umpan balik — [^<]*Ahmad Yani</a>\s*<span[^>]*>terlambat 6 '
                     r'hari</span>' % referral_id, home)
    edit = client.get(f"/admin/referral/edit/?id={referral_id}")
    assert edit.status_code == 200
    answered = post_form(client, f"/admin/referral/edit/?id={referral_id}", _form(
        ids, status="completed", feedback="Negatif TB; diberi obat batuk.",
        feedback_on=format_date(TODAY - timedelta(days=2))))
    assert answered.status_code == 302
    assert "Rujukan ke" not in client.get("/admin/").get_data(as_text=True)
    # The loop never goes back.
    page = post_form(client, f"/admin/referral/edit/?id={referral_id}", _form(
        ids, status="sent")).get_data(as_text=True)
    assert field_errors(page, "status") == [
        "Rujukan yang sudah selesai tidak dapat kembali menjadi dikirim."]
    with app.app_context():
        assert db.session.get(Referral, referral_id).status == "completed"


def test_a_wrong_referral_is_refused_next_to_its_field_and_nothing_is_saved(app, client):
    ids = _world(app)
    _log_in(client)
    url = "/admin/referral/new/"
    cases = [
        (_form(ids, status="completed"), "feedback",
         "Isi umpan balik mitra: rujukan yang selesai mencatat jawaban mitra."),
        (_form(ids, partner=str(ids["LBH Bandung"])), "partner",
         "Mitra LBH Bandung tidak aktif lagi; pilih mitra yang aktif."),
        (_form(ids, client=str(ids["candidate"])), "client",
         "Hanya klien yang sudah diterima (punya nomor induk) yang dapat dirujuk."),
        (_form(ids, referred_on=format_date(TODAY - timedelta(days=90))), "referred_on",
         "Tidak boleh sebelum tanggal masuk klien."),
        (_form(ids, referred_on=format_date(TODAY + timedelta(days=1))), "referred_on",
         "Tanggal tidak boleh di masa depan."),
        (_form(ids, status="declined", feedback="Penuh",
               feedback_on=format_date(TODAY - timedelta(days=30))), "feedback_on",
         "Tidak boleh sebelum tanggal rujukan."),
        (_form(ids, client=str(ids["Cahya Nugraha"])), "client",
         "Pilihan tidak valid atau tidak lagi tersedia. Silakan pilih ulang."),
    ]
    for data, field, message in cases:
        page = post_form(client, url, data).get_data(as_text=True)
        assert message in field_errors(page, field), (field, field_errors(page, field))
    with app.app_context():
        assert _count() == 0


def test_another_workers_referral_is_out_of_reach_and_the_admin_sees_none(app, client,
                                                                         login_as):
    ids = _world(app)
    with app.app_context():
        theirs = Referral(client_id=ids["Cahya Nugraha"], partner_id=ids["Puskesmas Cibeber"],
                          referred_on=TODAY - timedelta(days=30), reason="Rahasia Cahya")
        db.session.add(theirs)
        db.session.commit()
        theirs_id = theirs.id
    _log_in(client)
    assert "Cahya Nugraha" not in client.get("/admin/referral/").get_data(as_text=True)
    for route in ("details", "edit", "letter"):
        response = client.get(f"/admin/referral/{route}/?id={theirs_id}")
        assert response.status_code == 404 and "Rahasia Cahya" not in response.get_data(
            as_text=True)
    token = csrf_token(client, "/admin/referral/")
    client.post("/admin/referral/delete/", data={"id": theirs_id, "csrf_token": token})
    assert "Rujukan ke" not in client.get("/admin/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Referral, theirs_id) is not None
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("admin")
    assert client.get("/admin/referral/").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("head")
    page = client.get(f"/admin/referral/details/?id={theirs_id}").get_data(as_text=True)
    assert "Rahasia Cahya" in page  # the head reads every referral
    assert client.get("/admin/referral/new/").status_code == 403


def test_check_data_names_an_answered_referral_dated_before_admission(app):
    from cli import check_data

    ids = _world(app)
    with app.app_context():
        db.session.add(Referral(client_id=ids["Ahmad Yani"], partner_id=ids["LBH Bandung"],
                                referred_on=TODAY - timedelta(days=100), reason="Lama"))
        db.session.commit()
    found = app.test_cli_runner().invoke(check_data)
    assert found.exit_code == 1
    assert "Rujukan: Rujukan Ahmad Yani ke LBH Bandung — Tanggal rujukan: Tidak boleh " \
           "sebelum tanggal masuk klien." in found.output.splitlines()
