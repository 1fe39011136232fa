"""The assessment (stage 3): four aspects within four weeks of admission, the list of
assessments due, and the A4 assessment report from the notes."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from models import CaseNote, User, db
from services.dates import today as panti_today

from .conftest import field_errors, make_client, make_staff, post_form

TODAY = panti_today()


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _rows(html: str) -> dict[str, list[str]]:
    """Client name → the row's cells, on the assessments-due page."""
    table = html.split('data-testid="assessment-due"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr data-client[^>]*>(.*?)</tr>", table, re.S):
        cells = [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows[cells[1]] = cells
    return rows


def _world(app) -> dict[str, int]:
    with app.app_context():
        mine = make_staff("Siti Rahayu", "social_worker")
        other = make_staff("Dewi Lestari", "social_worker")
        user = User(username="peksos", role="social_worker", staff=mine)
        user.set_password("kata-sandi-panjang-sekali")
        db.session.add(user)
        ids = {}
        for name, days, stage, worker in (("Ahmad Yani", 27, "assessment", mine),
                                          ("Budi Utomo", 28, "assessment", mine),
                                          ("Cahya Nugraha", 29, "admission", mine),
                                          ("Dedi Mulyadi", 40, "planning", mine),
                                          ("Eko Prasetyo", 35, "assessment", other)):
            ids[name] = make_client(name, stage=stage, social_worker_id=worker.id,
                                    admission_date=TODAY - timedelta(days=days)).id
        db.session.commit()
        return ids


def _log_in(client) -> None:
    post_form(client, "/login", {"username": "peksos", "password": "kata-sandi-panjang-sekali"})


def test_due_at_28_days_overdue_at_29_and_gone_when_done(app, client):
    ids = _world(app)
    _log_in(client)
    rows = _rows(client.get("/admin/case_note/assessment-due/").get_data(as_text=True))
    assert {name: row[4] for name, row in rows.items()} == {
        "Cahya Nugraha": "terlambat 1 hari",
        "Budi Utomo": "jatuh tempo hari ini",
        "Ahmad Yani": "1 hari lagi",
    }  # most urgent first; Dedi is past assessment; Eko is another worker's
    assert list(rows) == ["Cahya Nugraha", "Budi Utomo", "Ahmad Yani"]
    assert rows["Budi Utomo"][5] == "Fisik, Psikologis, Sosial, Vokasional"
    with app.app_context():
        for aspect in ("physical", "psychological", "social"):
            db.session.add(CaseNote(client_id=ids["Budi Utomo"], kind="assessment",
                                    aspect=aspect, date=TODAY, content="Temuan"))
        db.session.commit()
    rows = _rows(client.get("/admin/case_note/assessment-due/").get_data(as_text=True))
    assert rows["Budi Utomo"][5] == "Vokasional"
    with app.app_context():
        db.session.add(CaseNote(client_id=ids["Budi Utomo"], kind="assessment",
                                aspect="vocational", date=TODAY, content="Bisa menjahit"))
        db.session.commit()
    rows = _rows(client.get("/admin/case_note/assessment-due/").get_data(as_text=True))
    assert "Budi Utomo" not in rows


def test_the_head_sees_every_workers_clients(app, client, login_as):
    _world(app)
    login_as("head")
    rows = _rows(client.get("/admin/case_note/assessment-due/").get_data(as_text=True))
    assert set(rows) == {"Ahmad Yani", "Budi Utomo", "Cahya Nugraha", "Eko Prasetyo"}


def test_the_report_prints_each_aspect_for_those_who_serve_the_client(app, client, login_as):
    ids = _world(app)
    with app.app_context():
        db.session.add(CaseNote(client_id=ids["Ahmad Yani"], kind="assessment",
                                aspect="psychological", date=TODAY, tools="Genogram, ecomap",
                                content="Trauma razia berulang", result="Mau mengikuti program"))
        db.session.commit()
    _log_in(client)
    page = client.get(f"/admin/case_note/assessment-report/?client_id={ids['Ahmad Yani']}")
    text = _text(page.get_data(as_text=True))
    assert "LAPORAN ASESMEN" in text and "Ahmad Yani" in text
    assert ("2. Aspek Psikologis Tanggal " + TODAY.strftime("%d/%m/%Y")) in text
    assert "Alat asesmen Genogram, ecomap Temuan Trauma razia berulang" in text
    assert "1. Aspek Fisik Belum dicatat." in text
    assert "Pekerja Sosial" in text and "Siti Rahayu" in text
    # Another worker's client, or none: as for any record the reader may not see.
    assert client.get(f"/admin/case_note/assessment-report/?client_id={ids['Eko Prasetyo']}"
                      ).status_code == 404
    assert client.get("/admin/case_note/assessment-report/?client_id=x").status_code == 404
    client.post("/logout", data={"csrf_token": re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        client.get("/password").get_data(as_text=True)).group(1)})
    login_as("instructor")
    assert client.get(f"/admin/case_note/assessment-report/?client_id={ids['Ahmad Yani']}"
                      ).status_code == 403


def test_tools_belong_to_assessment_notes_only(app, client):
    ids = _world(app)
    _log_in(client)
    html = post_form(client, "/admin/case_note/new/", {
        "client": ids["Ahmad Yani"], "date": TODAY.isoformat(), "kind": "progress",
        "tools": "Genogram", "content": "Perkembangan baik"}).get_data(as_text=True)
    assert field_errors(html, "tools") == ["Hanya diisi untuk catatan asesmen."]
    with app.app_context():
        assert db.session.query(CaseNote).count() == 0
