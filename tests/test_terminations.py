"""Termination steps: the statement letter and the aid package hand-over before the case
record closes; the head confirms; a closed case refuses edits except aftercare."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import func, select

from models import CaseNote, ServicePlan, Termination, User, db
from services import versions
from services.dates import format_date
from services.dates import today as panti_today

from .conftest import csrf_token, flashed_errors, make_client, make_staff, post_form

TODAY = panti_today()
PASSWORD = "kata-sandi-panjang-sekali"


def _world(app) -> dict[str, int]:
    with app.app_context():
        mine, other = make_staff("Siti Rahayu"), make_staff("Dewi Lestari")
        user = User(username="peksos", role="social_worker", staff=mine)
        user.set_password(PASSWORD)
        db.session.add(user)
        ids = {"staff": mine.id}
        for name, worker, reason in (("Ahmad Yani", mine, "goals_achieved"),
                                     ("Eko Prasetyo", mine, "own_will"),
                                     ("Cahya Nugraha", other, "goals_achieved")):
            person = make_client(name, stage="termination", social_worker_id=worker.id,
                                 admission_date=TODAY - timedelta(days=200),
                                 termination_date=TODAY - timedelta(days=5),
                                 termination_reason=reason)
            ids[name] = person.id
        db.session.add(ServicePlan(client_id=ids["Ahmad Yani"], problems="Belum bekerja"))
        db.session.commit()
        return ids


def _log_in(client) -> None:
    post_form(client, "/login", {"username": "peksos", "password": PASSWORD})


def _step(client, record_id: int, step: str):
    """Post a step as the page's form would (also one the page does not offer the user)."""
    with client.application.app_context():
        version = versions.token(db.session.get(Termination, record_id).row_version)
    return client.post(f"/admin/termination/step/?id={record_id}", data={
        "csrf_token": csrf_token(client, f"/admin/termination/details/?id={record_id}"),
        "step": step, "seen_version": version}, follow_redirects=True)


def _record(client, ids, name="Ahmad Yani", **changes) -> int:
    data = {"client": ids[name], "letter_date": "", "statement": "", "aid_recipient": "",
            "aid_handed_on": "", "aid_handed_by": "", "no_aid_reason": ""}
    data.update(changes)
    response = post_form(client, "/admin/termination/new/", data)
    assert response.status_code == 302, flashed_errors(response.get_data(as_text=True))
    return int(re.search(r"id=(\d+)", response.headers["Location"]).group(1)) \
        if "id=" in response.headers["Location"] else _last_id()


def _last_id() -> int:
    return db.session.scalar(select(func.max(Termination.id)))


def test_the_case_closes_only_with_the_letter_and_the_aid_hand_over(app, client, login_as):
    ids = _world(app)
    _log_in(client)
    with app.app_context():
        record_id = _record(client, ids)
    page = _step(client, record_id, "close").get_data(as_text=True)
    assert ("Berkas belum dapat ditutup; masih perlu: surat pernyataan terminasi "
            "(tanggalnya); serah terima paket bantuan usaha (isi paket, penerima, tanggal), "
            "atau alasan tanpa paket bantuan.") in " ".join(flashed_errors(page))
    with app.app_context():
        assert db.session.get(Termination, record_id).closed_on is None
    edit = f"/admin/termination/edit/?id={record_id}"
    saved = post_form(client, edit, {
        "client": ids["Ahmad Yani"], "letter_date": format_date(TODAY),
        "statement": "Tujuan pelayanan tercapai; klien kembali ke keluarga.",
        "aid_recipient": "Ahmad Yani", "aid_handed_on": format_date(TODAY),
        "aid_handed_by": ids["staff"], "no_aid_reason": "",
        "aid_items-0-position": "1", "aid_items-0-item": "Mesin las listrik",
        "aid_items-0-value": "2500000", "aid_items-1-position": "2",
        "aid_items-1-item": "Kedok dan sarung tangan las", "aid_items-1-value": "350000"})
    assert saved.status_code == 302
    letter = unescape(client.get(f"/admin/termination/letter/?id={record_id}").get_data(
        as_text=True))
    assert f"Nomor: {record_id:04d}/TRM/{TODAY.year}" in letter
    assert "Tujuan pelayanan tercapai" in letter and "2.850.000" in letter
    page = _step(client, record_id, "close").get_data(as_text=True)
    assert "Berkas kasus ditutup; menunggu konfirmasi pimpinan." in page
    assert "Langkah tidak dikenal." in _step(client, record_id, "confirm").get_data(
        as_text=True)  # the head's step
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("head")
    assert "Penutupan berkas dikonfirmasi." in _step(client, record_id, "confirm").get_data(
        as_text=True)
    with app.app_context():
        record = db.session.get(Termination, record_id)
        assert record.closed_on == TODAY and record.confirmed_on == TODAY


def test_a_closed_case_refuses_edits_except_aftercare(app, client):
    ids = _world(app)
    _log_in(client)
    with app.app_context():
        record_id = _record(client, ids, "Eko Prasetyo", letter_date=format_date(TODAY),
                            statement="Mengundurkan diri")
    # Left by own will: no aid package is needed to close.
    assert "Berkas kasus ditutup" in _step(client, record_id, "close").get_data(as_text=True)
    note = {"client": ids["Eko Prasetyo"], "date": format_date(TODAY), "kind": "progress",
            "content": "Catatan sesudah ditutup"}
    refused = post_form(client, "/admin/case_note/new/", note).get_data(as_text=True)
    assert ("Berkas kasus klien ini sudah ditutup; hanya bimbingan lanjut yang masih dapat "
            "dicatat.") in " ".join(flashed_errors(refused))
    assert post_form(client, "/admin/case_note/new/", {**note, "kind": "aftercare",
                                                         "content": "Kunjungan rumah"}
                     ).status_code == 302
    page = post_form(client, f"/admin/termination/edit/?id={record_id}", {
        "client": ids["Eko Prasetyo"], "letter_date": format_date(TODAY),
        "statement": "Diubah", "aid_recipient": "", "aid_handed_on": "",
        "aid_handed_by": "", "no_aid_reason": ""}).get_data(as_text=True)
    assert "Berkas kasus klien ini sudah ditutup" in " ".join(flashed_errors(page))
    with app.app_context():
        assert [n.content for n in db.session.scalars(select(CaseNote))] == [
            "Kunjungan rumah"]
        assert db.session.get(Termination, record_id).statement == "Mengundurkan diri"
    # Ahmad's case is open: his plan may still be deleted; after closing it may not.
    with app.app_context():
        plan_id = db.session.scalar(select(ServicePlan.id))
        other = _record(client, ids, letter_date=format_date(TODAY),
                        no_aid_reason="Paket diserahkan lewat Dinas Sosial")
    _step(client, other, "close")
    client.post("/admin/service_plan/delete/", data={
        "id": plan_id, "csrf_token": csrf_token(client, "/admin/service_plan/")})
    with app.app_context():
        assert db.session.get(ServicePlan, plan_id) is not None


def test_another_workers_termination_is_out_of_reach(app, client, login_as):
    ids = _world(app)
    login_as("head")
    with app.app_context():
        theirs = _record(client, ids, "Cahya Nugraha", statement="Rahasia Cahya")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    _log_in(client)
    assert "Cahya" not in client.get("/admin/termination/").get_data(as_text=True)
    for route in ("details", "edit", "letter"):
        assert client.get(f"/admin/termination/{route}/?id={theirs}").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("admin")
    assert client.get("/admin/termination/").status_code == 403


def test_a_negative_aid_value_is_refused_next_to_it(app, client):
    from .conftest import field_errors

    ids = _world(app)
    _log_in(client)
    page = post_form(client, "/admin/termination/new/", {
        "client": ids["Ahmad Yani"], "letter_date": "", "statement": "",
        "aid_recipient": "Ahmad Yani", "aid_handed_on": format_date(TODAY),
        "aid_handed_by": "", "no_aid_reason": "", "aid_items-0-position": "1",
        "aid_items-0-item": "Mesin jahit", "aid_items-0-value": "-5",
        "aid_items-0-atensi": "vocational"}).get_data(as_text=True)
    assert field_errors(page, "aid_items-0-value") == ["Angka minimal 0."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Termination)) == 0
