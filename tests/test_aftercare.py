"""Aftercare (bimbingan lanjut): entering stage 10 plans the visits at the months set in
Pengaturan; each comes on the social worker's worklist a week ahead and leaves when done;
a visit done says how and what came of it; the monthly report counts them."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html import unescape

from openpyxl import load_workbook
from sqlalchemy import func, select

from models import AftercareVisit, Client, Setting, User, db
from services import lifecycle
from services.dates import add_months, format_date
from services.dates import today as panti_today

from .conftest import csrf_token, field_errors, make_client, make_staff, post_form

TODAY = panti_today()
PASSWORD = "kata-sandi-panjang-sekali"


def _terminated(name: str, worker_id: int, ended: date) -> Client:
    return make_client(name, stage="termination", social_worker_id=worker_id,
                       admission_date=ended - timedelta(days=200), termination_date=ended,
                       termination_reason="goals_achieved")


def _world(app, ended: date) -> dict[str, int]:
    with app.app_context():
        mine, other = make_staff("Siti Rahayu"), make_staff("Dewi Lestari")
        user = User(username="peksos", role="social_worker", staff=mine)
        user.set_password(PASSWORD)
        db.session.add(user)
        ids = {"Ahmad Yani": _terminated("Ahmad Yani", mine.id, ended).id,
               "Cahya Nugraha": _terminated("Cahya Nugraha", other.id, ended).id,
               "Budi Utomo": make_client("Budi Utomo", social_worker_id=mine.id,
                                         admission_date=TODAY - timedelta(days=30)).id}
        db.session.commit()
        return ids


def _enter_aftercare(app, client_id: int) -> list[tuple[int, date]]:
    with app.app_context():
        person = db.session.get(Client, client_id)
        lifecycle.move(person, "aftercare", None, actor="test")
        db.session.commit()
        return [(v.months_after, v.planned_on) for v in db.session.scalars(
            select(AftercareVisit).where(AftercareVisit.client_id == client_id)
            .order_by(AftercareVisit.planned_on))]


def _log_in(client) -> None:
    post_form(client, "/login", {"username": "peksos", "password": PASSWORD})


def test_entering_aftercare_plans_the_visits_at_the_months_of_the_setting(app, client,
                                                                          login_as):
    ended = TODAY - timedelta(days=40)
    ids = _world(app, ended)
    assert _enter_aftercare(app, ids["Ahmad Yani"]) == [
        (1, add_months(ended, 1)), (3, add_months(ended, 3)), (6, add_months(ended, 6))]
    # The admin sets other months in Pengaturan; a list that does not read is refused.
    login_as("admin")
    url = "/admin/setting/edit/?id=aftercare_months"
    page = post_form(client, url, {"value": "6, 3"}).get_data(as_text=True)
    assert field_errors(page, "value") == [
        "Tulis bulan-bulan sesudah terminasi, berurutan dan dipisah koma, misalnya 1, 3, 6 "
        "(paling lama 36 bulan)."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Setting)) == 0
    assert post_form(client, url, {"value": "2, 4"}).status_code == 302
    listing = unescape(client.get("/admin/setting/").get_data(as_text=True))
    assert "Bimbingan lanjut: kunjungan bulan ke- sesudah terminasi" in listing
    assert _enter_aftercare(app, ids["Cahya Nugraha"]) == [
        (2, add_months(ended, 2)), (4, add_months(ended, 4))]


def test_a_visit_is_on_the_worklist_a_week_ahead_and_leaves_when_done(app, client):
    ended = add_months(TODAY, -1) + timedelta(days=5)  # the first visit in five days
    ids = _world(app, ended)
    _enter_aftercare(app, ids["Ahmad Yani"])
    _enter_aftercare(app, ids["Cahya Nugraha"])  # another worker's
    _log_in(client)
    home = unescape(client.get("/admin/").get_data(as_text=True))
    found = re.findall(r'<a href="(/admin/aftercare/edit/\?id=\d+)">(Bimbingan lanjut[^<]*)'
                       r'</a>\s*<span[^>]*>([^<]*)</span>', home)
    assert [(what, when) for _link, what, when in found] == [
        ("Bimbingan lanjut bulan ke-1 — " + _number(app, "Ahmad Yani") + " Ahmad Yani",
         "5 hari lagi")]
    link = found[0][0]
    page = post_form(client, link, {"client": ids["Ahmad Yani"],
                                    "planned_on": format_date(add_months(ended, 1)),
                                    "done_on": format_date(TODAY), "kind": "",
                                    "outcome": "", "next_step": ""}).get_data(as_text=True)
    assert field_errors(page, "kind") == ["Isi bentuk kunjungan yang sudah dilaksanakan."]
    assert field_errors(page, "outcome") == ["Isi hasil kunjungan yang sudah dilaksanakan."]
    page = post_form(client, link, {"client": ids["Ahmad Yani"],
                                    "planned_on": format_date(add_months(ended, 1)),
                                    "done_on": format_date(ended - timedelta(days=1)),
                                    "kind": "phone", "outcome": "Sehat",
                                    "next_step": ""}).get_data(as_text=True)
    assert field_errors(page, "done_on") == ["Tidak boleh sebelum tanggal terminasi."]
    done = post_form(client, link, {"client": ids["Ahmad Yani"],
                                    "planned_on": format_date(add_months(ended, 1)),
                                    "done_on": format_date(TODAY), "kind": "home_visit",
                                    "outcome": "Tinggal bersama kakak, berjualan",
                                    "next_step": "Kunjungi tempat usaha"})
    assert done.status_code == 302
    assert "Bimbingan lanjut bulan" not in client.get("/admin/").get_data(as_text=True)
    listed = client.get("/admin/aftercare/").get_data(as_text=True)
    assert "Kunjungan rumah" in listed and "Cahya Nugraha" not in listed


def _number(app, name: str) -> str:
    with app.app_context():
        return db.session.scalar(select(Client.register_number).where(
            Client.full_name == name))


def test_only_a_terminated_clients_visit_and_only_by_who_serves_them(app, client, login_as):
    ended = TODAY - timedelta(days=40)
    ids = _world(app, ended)
    _enter_aftercare(app, ids["Cahya Nugraha"])
    _log_in(client)
    page = post_form(client, "/admin/aftercare/new/", {
        "client": ids["Budi Utomo"], "planned_on": format_date(TODAY), "done_on": "",
        "kind": "", "outcome": "", "next_step": ""}).get_data(as_text=True)
    # Budi is not terminated: the picker does not offer him, the rule says why not.
    assert field_errors(page, "client")
    with app.app_context():
        theirs = db.session.scalar(select(AftercareVisit.id).where(
            AftercareVisit.client_id == ids["Cahya Nugraha"]).limit(1))
        before = db.session.scalar(select(func.count()).select_from(AftercareVisit))
    for route in ("details", "edit"):
        assert client.get(f"/admin/aftercare/{route}/?id={theirs}").status_code == 404
    client.post("/admin/aftercare/delete/", data={
        "id": theirs, "csrf_token": csrf_token(client, "/admin/aftercare/")})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AftercareVisit)) == before
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("admin")
    assert client.get("/admin/aftercare/").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("head")
    assert "Cahya Nugraha" in client.get("/admin/aftercare/").get_data(as_text=True)


def test_the_monthly_report_counts_visits_done_by_kind_and_those_late(app, client, login_as):
    ended = date(2026, 1, 10)
    ids = _world(app, ended)
    _enter_aftercare(app, ids["Ahmad Yani"])  # 10/02, 10/04, 10/07
    _enter_aftercare(app, ids["Cahya Nugraha"])
    with app.app_context():
        first = db.session.scalar(select(AftercareVisit).where(
            AftercareVisit.client_id == ids["Ahmad Yani"]).order_by(AftercareVisit.planned_on))
        first.done_on, first.kind, first.outcome = date(2026, 2, 12), "home_visit", "Baik"
        db.session.commit()
    login_as("head")
    response = client.get("/admin/export/download/monthly/?month=2026-02")
    sheet = load_workbook(io.BytesIO(response.data))["Konferensi & kontrak"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert rows["Bimbingan lanjut dilaksanakan — Kunjungan rumah"] == 1
    assert rows["Bimbingan lanjut dilaksanakan — Telepon / hotline"] == 0
    assert rows["Bimbingan lanjut dilaksanakan seluruhnya"] == 1
    # Cahya's first visit (10/02) was not done by the end of February.
    assert rows["Bimbingan lanjut terlambat pada akhir bulan (direncanakan, belum "
                "dilaksanakan)"] == 1
