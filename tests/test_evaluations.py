"""Formulir 4 — Evaluasi Unjuk Kerja Pekerja Sosial: the head evaluates each social worker
activity by activity, prints the form, and is reminded every six months; a social worker
reads only their own."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

from sqlalchemy import func, select

from models import EvaluationActivity, WorkerEvaluation, db
from services.dates import add_months, format_date
from services.dates import today as panti_today

from .conftest import csrf_token, field_errors, flashed_errors, make_staff, make_user, post_form

TODAY = panti_today()
START, END = TODAY - timedelta(days=180), TODAY - timedelta(days=1)


def _form(staff_id: int, **changes) -> dict:
    data = {"staff": str(staff_id), "evaluated_on": format_date(TODAY),
            "period_start": format_date(START), "period_end": format_date(END),
            "conclusion": "Kinerja baik, perlu pendampingan pencatatan.",
            "activities-0-position": "1", "activities-0-activity": "Asesmen klien baru",
            "activities-0-activity_date": format_date(START + timedelta(days=10)),
            "activities-0-method": "Wawancara, genogram, kunjungan rumah",
            "activities-0-rating": "very_good",
            "activities-0-recommendation": "Bagikan cara kerjanya ke tim",
            "activities-1-position": "2", "activities-1-activity": "Catatan perkembangan",
            "activities-1-activity_date": "", "activities-1-method": "",
            "activities-1-rating": "fair", "activities-1-recommendation": "Tulis tiap minggu"}
    data.update(changes)
    return data


def _evaluations() -> int:
    return db.session.scalar(select(func.count()).select_from(WorkerEvaluation))


def test_the_head_records_an_evaluation_and_prints_formulir_4(app, client, login_as):
    head = login_as("head")
    with app.app_context():
        siti = make_staff("Siti Rahayu", employee_number="198805122010012001")
        db.session.commit()
        siti_id = siti.id
    response = post_form(client, "/admin/worker_evaluation/new/", _form(siti_id))
    assert response.status_code == 302
    with app.app_context():
        evaluation = db.session.scalar(select(WorkerEvaluation))
        assert evaluation.evaluator_id == head["staff_id"]  # the head who evaluated
        assert [(row.activity, row.rating) for row in evaluation.activities] == [
            ("Asesmen klien baru", "very_good"), ("Catatan perkembangan", "fair")]
        evaluation_id = evaluation.id
    listed = client.get("/admin/worker_evaluation/").get_data(as_text=True)
    assert "Siti Rahayu" in listed and "Asesmen klien baru (Sangat baik)" in listed
    details = client.get(f"/admin/worker_evaluation/details/?id={evaluation_id}")
    assert "2. Catatan perkembangan — Cukup" in details.get_data(as_text=True)
    printed = unescape(client.get(
        f"/admin/worker_evaluation/print/?id={evaluation_id}").get_data(as_text=True))
    assert "EVALUASI UNJUK KERJA PEKERJA SOSIAL" in printed
    rows = printed.split('data-testid="evaluation-rows"', 1)[1].split("</table>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", cell).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", rows, re.S)]
    assert cells[:7] == ["1.", "Siti Rahayu", "Asesmen klien baru",
                         format_date(START + timedelta(days=10)),
                         "Wawancara, genogram, kunjungan rumah", "Sangat baik",
                         "Bagikan cara kerjanya ke tim"]
    assert "NIP. 198805122010012001" in printed


def test_a_wrong_evaluation_is_refused_next_to_its_field_and_nothing_is_saved(app, client,
                                                                              login_as):
    login_as("head")
    with app.app_context():
        siti, instructor = make_staff("Siti Rahayu"), make_staff("Joko Susilo", "instructor")
        db.session.commit()
        siti_id, other_id = siti.id, instructor.id
    url = "/admin/worker_evaluation/new/"
    page = post_form(client, url, _form(other_id)).get_data(as_text=True)
    # The picker offers social workers only; an instructor's id sent anyway is refused.
    assert field_errors(page, "staff") == [
        "Pilihan tidak valid atau tidak lagi tersedia. Silakan pilih ulang."]
    page = post_form(client, url, _form(siti_id, period_end=format_date(START - timedelta(
        days=1)))).get_data(as_text=True)
    assert field_errors(page, "period_end") == ["Tidak boleh sebelum periode dari."]
    outside = START - timedelta(days=5)
    page = post_form(client, url, _form(siti_id, **{
        "activities-0-activity_date": format_date(outside)})).get_data(as_text=True)
    assert field_errors(page, "period_start") == [
        f"Kegiatan baris 1 ({format_date(outside)}) di luar periode penilaian."]
    page = post_form(client, url, _form(siti_id, evaluated_on=format_date(
        TODAY + timedelta(days=1)))).get_data(as_text=True)
    assert field_errors(page, "evaluated_on") == ["Tanggal tidak boleh di masa depan."]
    no_rows = {key: value for key, value in _form(siti_id).items()
               if not key.startswith("activities-")}
    page = post_form(client, url, no_rows).get_data(as_text=True)
    assert "Isi sedikitnya satu kegiatan yang dinilai." in " ".join(flashed_errors(page))
    page = post_form(client, url, _form(siti_id, **{"activities-1-rating": "excellent"})) \
        .get_data(as_text=True)
    assert field_errors(page, "activities-1-rating") == ["Pilihan tidak valid."]
    with app.app_context():
        assert _evaluations() == 0
        assert db.session.scalar(select(func.count()).select_from(EvaluationActivity)) == 0


def test_a_social_worker_reads_only_their_own_and_others_may_not_open_them(app, client,
                                                                         login_as):
    with app.app_context():
        mine = make_user("social_worker", "peksos")
        other = make_staff("Dewi Lestari")
        ids = {}
        for staff in (mine.staff, other):
            evaluation = WorkerEvaluation(staff=staff, evaluated_on=TODAY,
                                          period_start=START, period_end=END)
            evaluation.activities = [EvaluationActivity(activity=f"Kegiatan {staff.name}",
                                                        rating="good", position=1)]
            db.session.add(evaluation)
            db.session.flush()
            ids[staff.name] = evaluation.id
        db.session.commit()
        my_name = mine.staff.name
    login_as("social_worker", "peksos")
    listed = client.get("/admin/worker_evaluation/").get_data(as_text=True)
    assert f"Kegiatan {my_name}" in listed and "Dewi Lestari" not in listed
    for route in ("details", "print", "edit"):
        response = client.get(f"/admin/worker_evaluation/{route}/?id={ids['Dewi Lestari']}")
        assert response.status_code in (403, 404)
        assert "Kegiatan Dewi Lestari" not in response.get_data(as_text=True)
    assert client.get("/admin/worker_evaluation/new/").status_code == 403
    token = csrf_token(client, "/admin/worker_evaluation/")
    client.post("/admin/worker_evaluation/delete/",
                data={"id": ids[my_name], "csrf_token": token})
    with app.app_context():
        assert _evaluations() == 2  # reading is all a social worker may do
    for role in ("admin", "instructor", "staff"):
        client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
        login_as(role)
        assert client.get("/admin/worker_evaluation/").status_code == 403
        assert client.get(
            f"/admin/worker_evaluation/print/?id={ids[my_name]}").status_code == 403


def test_formulir_4_is_due_six_months_after_the_last_one(app, client, login_as):
    login_as("head")
    with app.app_context():
        late, recent = make_staff("Siti Rahayu"), make_staff("Dewi Lestari")
        make_staff("Pensiunan", active=False)  # no longer working: not asked
        last = add_months(TODAY, -7)
        for staff, day in ((late, last), (recent, add_months(TODAY, -5))):
            db.session.add(WorkerEvaluation(staff=staff, evaluated_on=day,
                                            period_start=day - timedelta(days=30),
                                            period_end=day))
        db.session.commit()
        late_id = late.id
        due = add_months(last, 6)
    home = unescape(client.get("/admin/").get_data(as_text=True))
    items = re.findall(r'<a href="([^"]+)">([^<]*Formulir 4[^<]*)</a>\s*<span[^>]*>(.*?)</span>',
                       home)
    link = f"/admin/worker_evaluation/new/?staff_id={late_id}"
    assert items == [(link, "Formulir 4: evaluasi unjuk kerja Siti Rahayu",
                      f"terlambat {(TODAY - due).days} hari")]
    form = client.get(link).get_data(as_text=True)
    assert f'value="{late_id}"' in form and "Siti Rahayu" in form
    assert post_form(client, "/admin/worker_evaluation/new/",
                     _form(late_id)).status_code == 302
    assert "Formulir 4" not in client.get("/admin/").get_data(as_text=True)


def test_six_months_later_is_the_months_last_day_when_shorter():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), -7) == date(2026, 4, 30)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)


def test_check_data_names_a_stored_evaluation_that_breaks_the_rules(app):
    """Written around the console: an evaluation of someone who is no social worker, with
    an activity outside its period. ``flask check-data`` prints both with the rules' words."""
    from cli import check_data

    runner = app.test_cli_runner()
    with app.app_context():
        driver = make_staff("Asep Sunandar", "instructor")
        evaluation = WorkerEvaluation(staff=driver, evaluated_on=TODAY, period_start=START,
                                      period_end=END)
        evaluation.activities = [EvaluationActivity(
            activity="Mengajar", rating="good", position=1,
            activity_date=START - timedelta(days=3))]
        db.session.add(evaluation)
        db.session.commit()
    found = runner.invoke(check_data)
    assert found.exit_code == 1
    name = f"Evaluasi unjuk kerja: Evaluasi unjuk kerja — Asep Sunandar ({format_date(TODAY)})"
    assert f"{name} — Pekerja sosial yang dinilai: Formulir 4 menilai pekerja sosial; Asep " \
           "Sunandar bukan pekerja sosial." in found.output.splitlines()
    assert f"{name} — Periode dari: Kegiatan baris 1 ({format_date(START - timedelta(days=3))})" \
           " di luar periode penilaian." in found.output.splitlines()
