"""Placement (penyaluran): a social worker records where their own client goes — family,
job, own business, apprenticeship; a partner without an MoU in force asks for a reason; the
monthly report counts placements by kind and sex."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from models import NetworkPartner, Placement, User, db
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
        for name, worker, stage, sex in (("Ahmad Yani", mine, "resocialization", "L"),
                                         ("Siti Aminah", mine, "resocialization", "P"),
                                         ("Budi Utomo", mine, "intervention", "L"),
                                         ("Cahya Nugraha", other, "resocialization", "L")):
            ids[name] = make_client(name, stage=stage, sex=sex, social_worker_id=worker.id,
                                    admission_date=TODAY - timedelta(days=150)).id
        for name, start, end in (("Bengkel Sinar Jaya", TODAY - timedelta(days=300),
                                  TODAY + timedelta(days=300)),
                                 ("Salon Cantik", date(2020, 1, 1), date(2022, 12, 31))):
            partner = NetworkPartner(name=name, kind="business", mou_start=start, mou_end=end)
            db.session.add(partner)
            db.session.flush()
            ids[name] = partner.id
        db.session.commit()
        return ids


def _form(ids, **changes) -> dict:
    data = {"client": str(ids["Ahmad Yani"]), "kind": "job",
            "partner": str(ids["Bengkel Sinar Jaya"]), "address": "Jl. Kiaracondong 120",
            "contact": "Pak Ujang", "start_date": format_date(TODAY),
            "plan": "Tukang las harian", "meeting_summary": "Masa percobaan 3 bulan",
            "without_mou_reason": ""}
    data.update(changes)
    return data


def _log_in(client) -> None:
    post_form(client, "/login", {"username": "peksos", "password": PASSWORD})


def test_a_placement_is_recorded_and_a_partner_without_an_mou_needs_a_reason(app, client):
    ids = _world(app)
    _log_in(client)
    url = "/admin/placement/new/"
    assert post_form(client, url, _form(ids)).status_code == 302
    listed = client.get("/admin/placement/").get_data(as_text=True)
    assert "Ahmad Yani" in listed and "Bekerja" in listed and "Bengkel Sinar Jaya" in listed
    refused = post_form(client, url, _form(ids, client=str(ids["Siti Aminah"]),
                                           kind="apprenticeship",
                                           partner=str(ids["Salon Cantik"])))
    assert field_errors(refused.get_data(as_text=True), "without_mou_reason") == [
        f"Salon Cantik tidak punya MoU yang berlaku pada {format_date(TODAY)}; tulis alasan "
        "penyaluran tanpa MoU."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Placement)) == 1
    saved = post_form(client, url, _form(
        ids, client=str(ids["Siti Aminah"]), kind="apprenticeship",
        partner=str(ids["Salon Cantik"]),
        without_mou_reason="MoU baru sedang ditandatangani Dinas Sosial"))
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Placement.without_mou_reason).where(
            Placement.client_id == ids["Siti Aminah"])) == \
            "MoU baru sedang ditandatangani Dinas Sosial"


def test_a_wrong_placement_is_refused_next_to_its_field(app, client):
    ids = _world(app)
    _log_in(client)
    url = "/admin/placement/new/"
    for data, field, message in (
            (_form(ids, partner=""), "partner", "Penyaluran bekerja menyebut mitranya."),
            (_form(ids, address="  "), "address", "Kolom ini wajib diisi."),
            (_form(ids, start_date=format_date(TODAY - timedelta(days=400))), "start_date",
             "Tidak boleh sebelum tanggal masuk klien."),
            (_form(ids, client=str(ids["Cahya Nugraha"])), "client",
             "Pilihan tidak valid atau tidak lagi tersedia. Silakan pilih ulang."),
    ):
        page = post_form(client, url, data).get_data(as_text=True)
        assert message in field_errors(page, field), (field, field_errors(page, field))
    # Budi is still in intervention: the picker does not offer him, the rule says why.
    page = post_form(client, url, _form(ids, client=str(ids["Budi Utomo"]))).get_data(
        as_text=True)
    assert field_errors(page, "client")
    family = post_form(client, url, _form(ids, kind="family", partner="",
                                          address="Kp. Sukamaju, Garut"))
    assert family.status_code == 302  # back to the family: no partner needed
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Placement)) == 1


def test_others_placements_are_out_of_reach_and_the_report_counts_by_kind_and_sex(
        app, client, login_as):
    ids = _world(app)
    with app.app_context():
        day = date(2026, 2, 10)
        for name, kind in (("Ahmad Yani", "job"), ("Siti Aminah", "family"),
                           ("Cahya Nugraha", "job")):
            db.session.add(Placement(client_id=ids[name], kind=kind, address="Bandung",
                                     start_date=day))
        db.session.commit()
        theirs = db.session.scalar(select(Placement.id).where(
            Placement.client_id == ids["Cahya Nugraha"]))
    _log_in(client)
    assert "Cahya Nugraha" not in client.get("/admin/placement/").get_data(as_text=True)
    for route in ("details", "edit"):
        assert client.get(f"/admin/placement/{route}/?id={theirs}").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("admin")
    assert client.get("/admin/placement/").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("head")
    response = client.get("/admin/export/download/monthly/?month=2026-02")
    sheet = load_workbook(io.BytesIO(response.data))["Konferensi & kontrak"]
    rows = {row[0]: (row[1], row[2]) for row in sheet.iter_rows(values_only=True) if row[0]}
    assert rows["Penyaluran — Bekerja"] == (2, "L 2, P 0")
    assert rows["Penyaluran — Kembali ke keluarga"] == (1, "L 0, P 1")
    assert rows["Penyaluran — Magang"] == (0, "L 0, P 0")
    assert rows["Penyaluran seluruhnya"] == (3, "L 2, P 1")
