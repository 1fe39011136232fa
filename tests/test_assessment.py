"""The assessment (stage 3): four aspects within four weeks of admission, the list of
assessments due, and the A4 assessment report from the notes."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from models import CaseNote, Client, User, db
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


def test_formulir_2_prints_a_months_progress_notes_in_weeks(app, client, login_as):
    """Formulir 2: the month's progress notes of one client in weeks I–IV (29–31 in IV),
    with the assessment's tools; another worker's client is 404, a bad month too."""
    from services.dates import add_months

    ids = _world(app)
    month = add_months(TODAY.replace(day=1), -1)
    with app.app_context():
        db.session.add_all([
            CaseNote(client_id=ids["Ahmad Yani"], kind="assessment", aspect="social",
                     date=TODAY, tools="Genogram", content="Keluarga di Garut"),
            CaseNote(client_id=ids["Ahmad Yani"], kind="progress", date=month.replace(day=3),
                     problem="Sering terlambat kelas", content="Konseling individu",
                     result="Positif: datang tepat waktu", next_step="Pantau seminggu"),
            CaseNote(client_id=ids["Ahmad Yani"], kind="progress",
                     date=add_months(month, 1) - timedelta(days=1),
                     content="Kunjungan keluarga", result="Negatif: keluarga menolak"),
            CaseNote(client_id=ids["Ahmad Yani"], kind="progress", date=TODAY.replace(day=1),
                     content="Bulan berikutnya"),  # not this month's form
        ])
        db.session.commit()
    _log_in(client)
    url = f"/admin/case_note/progress-report/?client_id={ids['Ahmad Yani']}" \
          f"&month={month:%Y-%m}"
    html = client.get(url).get_data(as_text=True)
    rows = html.split('data-testid="progress-weeks"', 1)[1].split("</table>", 1)[0]
    cells = [[" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in
              re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
             for row in re.findall(r"<tr>(.*?)</tr>", rows, re.S)][1:]
    last = add_months(month, 1) - timedelta(days=1)
    assert cells == [
        [f"I {month.replace(day=3):%d/%m/%Y}", "Sering terlambat kelas", "Konseling individu",
         "Positif: datang tepat waktu", "Pantau seminggu"],
        ["II", "Tidak ada catatan."], ["III", "Tidak ada catatan."],
        [f"IV {last:%d/%m/%Y}", "", "Kunjungan keluarga", "Negatif: keluarga menolak", ""],
    ]
    text = _text(html)
    assert "CATATAN PERKEMBANGAN KLIEN" in text and "Alat yang digunakan Genogram" in text
    assert "Bulan berikutnya" not in text
    assert client.get(f"/admin/case_note/progress-report/?client_id={ids['Eko Prasetyo']}"
                      ).status_code == 404
    assert client.get(f"/admin/case_note/progress-report/?client_id={ids['Ahmad Yani']}"
                      "&month=13/2026").status_code == 404
    # The note's page links to its month's form.
    with app.app_context():
        note_id = db.session.scalar(db.select(CaseNote.id).where(
            CaseNote.content == "Konseling individu"))
    details = client.get(f"/admin/case_note/details/?id={note_id}").get_data(as_text=True)
    assert unescape(re.search(r'href="([^"]+)" data-testid="progress-report"',
                              details).group(1)) == url


def test_formulir_3_gathers_the_case_from_assessment_to_aftercare(app, client, login_as):
    """Formulir 3 from the client's records: assessment, plan goals, progress, KK decisions,
    termination, aftercare; linked from the client's page for who works on the case."""
    from models import CaseConference, ConferenceDecision, PlanGoal, ServicePlan

    ids = _world(app)
    with app.app_context():
        person = db.session.get(Client, ids["Ahmad Yani"])
        db.session.add_all([
            CaseNote(client_id=person.id, kind="assessment", aspect="vocational",
                     date=TODAY - timedelta(days=20), content="Bisa menjahit"),
            CaseNote(client_id=person.id, kind="progress", date=TODAY - timedelta(days=5),
                     content="Ikut kelas menjahit", result="Positif"),
            CaseNote(client_id=person.id, kind="aftercare", date=TODAY,
                     content="Kunjungan rumah di Garut"),
            ServicePlan(client_id=person.id, problems="Tidak punya keterampilan kerja",
                        goals=[PlanGoal(goal="Mampu menjahit pakaian", service="Menjahit",
                                        owner="client")]),
        ])
        conference = CaseConference(date=TODAY - timedelta(days=3), kind="periodic_review")
        db.session.add(conference)
        db.session.flush()
        db.session.add(ConferenceDecision(conference_id=conference.id, client_id=person.id,
                                          recommendation="continue",
                                          formulation="Lanjut pelatihan menjahit"))
        db.session.commit()
    _log_in(client)
    details = client.get(f"/admin/client/details/?id={ids['Ahmad Yani']}").get_data(
        as_text=True)
    forms = details.split('data-testid="case-forms"', 1)[1].split("</p>", 1)[0]
    url = f"/admin/case_note/problem-solving-report/?client_id={ids['Ahmad Yani']}"
    assert url in unescape(forms)
    html = client.get(url).get_data(as_text=True)
    rows = dict((re.sub(r"<[^>]+>", "", th).strip(), " ".join(unescape(
        re.sub(r"<[^>]+>", " ", td)).split())) for th, td in re.findall(
        r"<tr><th>(.*?)</th><td[^>]*>(.*?)</td></tr>",
        html.split('data-testid="problem-solving"', 1)[1], re.S))
    day = "%d/%m/%Y"
    assert rows == {
        "Asesmen": f"{(TODAY - timedelta(days=20)).strftime(day)} · Vokasional: Bisa menjahit",
        "Rencana pelayanan": "1. Mampu menjahit pakaian (Menjahit)",
        "Pelaksanaan": f"{(TODAY - timedelta(days=5)).strftime(day)}: Ikut kelas menjahit — "
                       "Positif",
        "Evaluasi": f"{(TODAY - timedelta(days=3)).strftime(day)} (KK): Lanjutkan pelayanan — "
                    "Lanjut pelatihan menjahit",
        "Terminasi": "-",
        "Bimbingan lanjut": f"{TODAY.strftime(day)}: Kunjungan rumah di Garut",
    }
    # Another worker's client: no forms on their page, 404 on the route.
    other = client.get(f"/admin/client/details/?id={ids['Eko Prasetyo']}").get_data(
        as_text=True)
    assert 'data-testid="case-forms"' not in other
    assert client.get(f"/admin/case_note/problem-solving-report/?client_id="
                      f"{ids['Eko Prasetyo']}").status_code == 404
