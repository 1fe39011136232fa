"""Service plan → contract, signing, read-only signed contracts, amendments, print view,
the scan upload and the follow-up lists."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from models import PlanGoal, ServiceContract, ServicePlan, db
from services.dates import today as panti_today

from .conftest import csrf_token, make_client, make_staff, post_form

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def _plan(social_worker_id: int) -> tuple[int, int]:
    person = make_client("Budi Santoso", social_worker_id=social_worker_id)
    plan = ServicePlan(client_id=person.id, social_worker_id=social_worker_id,
                       problems="Belum memiliki keterampilan kerja dan tempat tinggal",
                       goals=[
                           PlanGoal(position=1, goal="Mampu menjahit pakaian sederhana",
                                    service="Bimbingan keterampilan", owner="client",
                                    tasks="Mengikuti kelas menjahit tiga kali seminggu",
                                    planned_start=date(2026, 2, 2),
                                    planned_end=date(2026, 5, 29),
                                    expected_result="Lulus uji praktik menjahit"),
                           PlanGoal(position=2, goal="Terhubung kembali dengan keluarga",
                                    service="Bimbingan sosial perorangan",
                                    owner="social_worker",
                                    tasks="Menghubungi keluarga di Kabupaten Garut",
                                    planned_start=date(2026, 2, 9),
                                    planned_end=date(2026, 6, 30)),
                       ])
    db.session.add(plan)
    db.session.commit()
    return plan.id, person.id


def _draft(client, plan_id: int) -> int:
    url = f"/admin/service_plan/details/?id={plan_id}"
    response = client.post(f"/admin/service_plan/draft-contract/?id={plan_id}",
                           data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    return int(re.search(r"id=(\d+)", response.headers["Location"]).group(1))


def _sign(client, contract_id: int, **extra):
    url = f"/admin/contract/sign/?id={contract_id}"
    data = {"csrf_token": csrf_token(client, url), "signed_date": "2026-02-02",
            "signed_by_client": "y", "signed_by_worker": "y",
            "guardian_signer": "Ibu Iis Aisyah", **extra}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_plan_to_contract_draft_carries_the_goals(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        plan_id, _person = _plan(me["staff_id"])
    contract_id = _draft(client, plan_id)
    with app.app_context():
        contract = db.session.get(ServiceContract, contract_id)
        assert (contract.status, contract.version, contract.plan_id) == ("draft", 1, plan_id)
        assert contract.goals.splitlines() == [
            "1. Mampu menjahit pakaian sederhana — hasil yang diharapkan: Lulus uji praktik "
            "menjahit (02/02/2026 s.d. 29/05/2026)",
            "2. Terhubung kembali dengan keluarga (09/02/2026 s.d. 30/06/2026)"]
        assert contract.client_responsibilities == "- Mengikuti kelas menjahit tiga kali seminggu"
        assert contract.worker_responsibilities == "- Menghubungi keluarga di Kabupaten Garut"
        assert (contract.start_date, contract.end_date) == (date(2026, 2, 2), date(2026, 6, 30))
        assert contract.rights_text.startswith("1. Klien\na. Mendapatkan pelayanan")
    page = client.get(f"/admin/contract/edit/?id={contract_id}").get_data(as_text=True)
    assert "Mampu menjahit pakaian sederhana" in page  # the draft opens for editing


def test_signed_contract_is_read_only_and_amended_by_a_linked_version(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        plan_id, person_id = _plan(me["staff_id"])
        head = make_staff("Drs. Bambang Sutrisno, M.Si.", "head",
                          employee_number="196805121990031004")
        db.session.commit()
        head_id = head.id
    contract_id = _draft(client, plan_id)
    assert _sign(client, contract_id, head=str(head_id)).status_code == 302
    with app.app_context():
        signed = db.session.get(ServiceContract, contract_id)
        assert (signed.status, signed.signed_date, signed.guardian_signer, signed.head_id) == (
            "signed", date(2026, 2, 2), "Ibu Iis Aisyah", head_id)
        before = (signed.goals, signed.end_date, signed.updated_at)
    # The form is refused, and so is a POST straight to it.
    page = client.get(f"/admin/contract/edit/?id={contract_id}", follow_redirects=True)
    assert ("Kontrak ini sudah ditandatangani dan tidak dapat diubah lagi; buat amandemen "
            "untuk perubahan.") in unescape(page.get_data(as_text=True))
    response = client.post(f"/admin/contract/edit/?id={contract_id}", data={
        "csrf_token": csrf_token(client, "/admin/contract/"), "client": str(person_id),
        "kind": "primary", "problem": "Diubah", "goals": "Diubah diam-diam",
        "start_date": "2026-02-02", "end_date": "2027-01-01"})
    assert response.status_code == 302
    with app.app_context():
        signed = db.session.get(ServiceContract, contract_id)
        assert (signed.goals, signed.end_date, signed.updated_at) == before
    # Deleting a signed contract is refused too.
    client.post("/admin/contract/delete/", data={
        "csrf_token": csrf_token(client, "/admin/contract/"), "id": str(contract_id)})
    with app.app_context():
        assert db.session.get(ServiceContract, contract_id) is not None
    # Start it, then amend: a new draft, version 2, linked to version 1.
    client.post(f"/admin/contract/step/?id={contract_id}", data={
        "csrf_token": csrf_token(client, "/admin/contract/"), "step": "activate"})
    response = client.post(f"/admin/contract/amend/?id={contract_id}", data={
        "csrf_token": csrf_token(client, "/admin/contract/")})
    amendment_id = int(re.search(r"id=(\d+)", response.headers["Location"]).group(1))
    with app.app_context():
        amendment = db.session.get(ServiceContract, amendment_id)
        assert (amendment.status, amendment.version, amendment.previous_id) == (
            "draft", 2, contract_id)
        assert amendment.goals == before[0]
        assert db.session.get(ServiceContract, contract_id).status == "active"
    post_form(client, f"/admin/contract/edit/?id={amendment_id}", {
        "client": str(person_id), "kind": "primary", "problem": "Belum memiliki keterampilan",
        "goals": "1. Mampu menjahit dan memasarkan", "start_date": "2026-02-02",
        "end_date": "2026-08-31"})
    assert _sign(client, amendment_id).status_code == 302
    with app.app_context():
        assert db.session.get(ServiceContract, contract_id).status == "ended"
        newer = db.session.get(ServiceContract, amendment_id)
        assert (newer.status, newer.goals) == ("signed", "1. Mampu menjahit dan memasarkan")
        assert db.session.scalar(select(func.count()).select_from(ServiceContract)) == 2
    details = client.get(f"/admin/contract/details/?id={amendment_id}").get_data(as_text=True)
    assert "Amandemen dari" in details and "versi 1" in details


def _edit_links(html: str, contract_id: int) -> list[str]:
    return re.findall(rf'href="/admin/contract/edit/\?id={contract_id}[&"]', html)


def _list_row(html: str, contract_id: int) -> str:
    return next(row for row in re.findall(r"<tr.*?</tr>", html, re.S)
                if re.search(rf'name="rowid"[^>]*value="{contract_id}"', row))


def test_a_signed_contract_offers_no_edit_and_shows_its_texts_in_sections(
        app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        plan_id, _person = _plan(me["staff_id"])
    signed_id = _draft(client, plan_id)
    assert _sign(client, signed_id).status_code == 302
    draft_id = _draft(client, plan_id)  # a second draft of the same plan
    listing = client.get("/admin/contract/").get_data(as_text=True)
    assert _edit_links(_list_row(listing, signed_id), signed_id) == []
    assert "/admin/contract/delete/" not in _list_row(listing, signed_id)
    assert len(_edit_links(_list_row(listing, draft_id), draft_id)) == 1
    assert "/admin/contract/delete/" in _list_row(listing, draft_id)

    html = client.get(f"/admin/contract/details/?id={signed_id}").get_data(as_text=True)
    assert _edit_links(html, signed_id) == []  # no "Ubah" tab
    assert 'data-testid="locked"' in html and "Buat amandemen" in html  # the steps stay
    sections = {name: (title, text) for name, title, text in re.findall(
        r'data-testid="section-(\w+)">\s*<h5>(.*?)</h5>(.*?)</section>', html, re.S)}
    assert [title for title, _text in sections.values()] == [
        "Tujuan", "Tanggung jawab klien", "Tanggung jawab pekerja sosial",
        "Hak dan kewajiban"]
    goals = re.findall(r"<div>(.*?)</div>", sections["goals"][1])
    assert [line[:35] for line in goals] == ["1. Mampu menjahit pakaian sederhana",
                                             "2. Terhubung kembali dengan keluarg"]
    assert "Mengikuti kelas menjahit" in sections["client_responsibilities"][1]
    assert "Menghubungi keluarga di Kabupaten Garut" in sections["worker_responsibilities"][1]
    rights = re.findall(r"<div>(.*?)</div>", sections["rights_text"][1])
    assert rights[0] == "1. Klien" and "2. Panti" in rights and "3. Pekerja sosial" in rights
    # A draft keeps its tab.
    html = client.get(f"/admin/contract/details/?id={draft_id}").get_data(as_text=True)
    assert len(_edit_links(html, draft_id)) == 1


def test_signing_needs_both_parties_and_a_past_date(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        plan_id, _person = _plan(me["staff_id"])
    contract_id = _draft(client, plan_id)
    html = unescape(_sign(client, contract_id, signed_by_worker="").get_data(as_text=True))
    assert "Kontrak harus ditandatangani klien dan pekerja sosial." in html
    html = unescape(_sign(client, contract_id, head="99999", guardian_signer="x" * 200)
                    .get_data(as_text=True))  # a tampered head id, an overlong name
    assert "Pilihan tidak valid." in html
    assert "Isian tidak boleh lebih dari 120 karakter." in html
    future = (panti_today() + timedelta(days=2)).isoformat()
    html = unescape(_sign(client, contract_id, signed_date=future).get_data(as_text=True))
    assert "Tanggal penandatanganan tidak boleh di masa depan." in html
    with app.app_context():
        assert db.session.get(ServiceContract, contract_id).status == "draft"


@pytest.mark.parametrize("name, content, message", [
    ("kontrak.exe", b"MZ\x90\x00" + b"\x00" * 50, "Pindaian harus berkas PDF, JPEG atau PNG."),
    ("kontrak.pdf", b"<html>bukan pdf</html>", "Pindaian harus berkas PDF, JPEG atau PNG."),
    ("kontrak.png", PNG + b"\x00" * 60 * 1024,
     "Pindaian terlalu besar (60 KB); maksimal 50 KB."),
])
def test_scan_upload_refuses_wrong_type_and_oversize(app, client, login_as, name, content,
                                                     message, monkeypatch):
    # A small limit keeps the test upload in memory (CONTRACT_SCAN_MAX_KB, default 5 MB).
    monkeypatch.setitem(app.config, "CONTRACT_SCAN_MAX_BYTES", 50 * 1024)
    me = login_as("social_worker")
    with app.app_context():
        plan_id, _person = _plan(me["staff_id"])
    contract_id = _draft(client, plan_id)
    with _sign(client, contract_id, scan=(io.BytesIO(content), name)) as response:
        html = unescape(response.get_data(as_text=True))
    assert message in html
    with app.app_context():
        contract = db.session.get(ServiceContract, contract_id)
        assert (contract.status, contract.scan) == ("draft", None)


def test_scan_is_kept_and_served_to_readers(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        plan_id, _person = _plan(me["staff_id"])
    contract_id = _draft(client, plan_id)
    _sign(client, contract_id, scan=(io.BytesIO(PNG), "Kontrak Budi.PNG")).close()
    with client.get(f"/admin/contract/scan/?id={contract_id}") as response:
        assert response.status_code == 200 and response.data == PNG
        assert response.headers["Cache-Control"] == "private, no-store"


def test_print_view_is_an_indonesian_a4_document(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        plan_id, person_id = _plan(me["staff_id"])
        from models import Client

        number = db.session.get(Client, person_id).register_number
    contract_id = _draft(client, plan_id)
    html = unescape(client.get(f"/admin/contract/print/?id={contract_id}")
                    .get_data(as_text=True))
    assert "KESEPAKATAN PELAYANAN" in html and "DRAF" in html
    assert "Budi Santoso" in html and number in html
    goals = re.search(r'data-testid="goals">(.*?)</p>', html, re.S).group(1)
    assert "1. Mampu menjahit pakaian sederhana" in goals
    assert "2. Terhubung kembali dengan keluarga" in goals
    signatures = re.search(r'data-testid="signatures">(.*?)</table>', html, re.S).group(1)
    for block in ("Klien", "Keluarga/Wali", "Pekerja Sosial", "Mengetahui, Kepala Panti",
                  "NIP."):
        assert block in signatures
    assert "Mendapatkan pelayanan sesuai dengan kebutuhan" in html
    assert 'href="/static/css/print.css?v=' in html


def test_rights_text_comes_from_the_settings(app, client, login_as):
    login_as("admin")
    listing = client.get("/admin/setting/").get_data(as_text=True)
    assert "Hak dan kewajiban pada kontrak pelayanan" in unescape(listing)
    post_form(client, "/admin/setting/edit/?id=contract_rights_text",
              {"value": "Hak dan kewajiban versi panti kami."})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    me = login_as("social_worker")
    with app.app_context():
        plan_id, _person = _plan(me["staff_id"])
    contract_id = _draft(client, plan_id)
    with app.app_context():
        assert db.session.get(ServiceContract, contract_id).rights_text == \
            "Hak dan kewajiban versi panti kami."


def test_follow_up_lists(app, client, login_as):
    me = login_as("social_worker")
    today = panti_today()
    with app.app_context():
        soon = make_client("Asep Saepudin", social_worker_id=me["staff_id"])
        later = make_client("Cecep Hidayat", social_worker_id=me["staff_id"])
        without = make_client("Dadang Sunarya", social_worker_id=me["staff_id"])
        make_client("Klien Peksos Lain", social_worker=make_staff("Peksos Lain"))
        for person, end in ((soon, today + timedelta(days=30)), (later, today + timedelta(
                days=31))):
            db.session.add(ServiceContract(
                client_id=person.id, kind="primary", status="active", problem="x",
                goals="y", start_date=today - timedelta(days=60), end_date=end,
                signed_date=today - timedelta(days=60)))
        db.session.add(ServiceContract(client_id=without.id, kind="primary", status="draft",
                                       problem="x", goals="y", start_date=today,
                                       end_date=today + timedelta(days=90)))
        db.session.commit()
    html = client.get("/admin/contract/follow-up/").get_data(as_text=True)
    expiring = re.search(r'data-testid="expiring">(.*?)</table>', html, re.S).group(1)
    missing = re.search(r'data-testid="missing">(.*?)</table>', html, re.S).group(1)
    assert "Asep Saepudin" in expiring and "Cecep Hidayat" not in expiring  # 30 days: in
    assert "Dadang Sunarya" in missing and "Asep Saepudin" not in missing
    assert "Klien Peksos Lain" not in missing  # another worker's client
    assert 'data-testid="follow-up-link"' in client.get("/admin/contract/").get_data(
        as_text=True)


def test_a_defect_inside_a_step_is_logged_and_shown_as_the_error_page(
        app, client, login_as, monkeypatch, caplog):
    """Only a rule's refusal (services.errors.Refusal) is flashed as the user's mistake: a
    programming error half-way through a step is logged with its traceback, answered with
    the error page, and what it had written is rolled back."""
    from services import contracts

    me = login_as("social_worker")
    with app.app_context():
        plan_id, _person = _plan(me["staff_id"])

    def half_done_then_broken(plan):
        plan.problems = "Ditulis setengah jalan"
        db.session.flush()
        raise ValueError("a defect, not a refusal")

    monkeypatch.setattr(contracts, "draft_from_plan", half_done_then_broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    url = f"/admin/service_plan/details/?id={plan_id}"
    response = client.post(f"/admin/service_plan/draft-contract/?id={plan_id}",
                           data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Terjadi kesalahan pada aplikasi; tidak ada data yang disimpan." in page
    assert "a defect, not a refusal" not in page and "Traceback" not in page
    assert any(r.exc_info and "a defect, not a refusal" in str(r.exc_info[1])
               for r in caplog.records)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ServiceContract)) == 0
        assert db.session.get(ServicePlan, plan_id).problems.startswith("Belum memiliki")
