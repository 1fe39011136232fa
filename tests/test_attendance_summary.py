"""Monthly attendance summaries per class and per client, checked against hand counts."""

from __future__ import annotations

import re
from datetime import date, time

from models import Attendance, Enrollment, TrainingSession, db

from .conftest import make_class, make_client, make_user


def _world():
    """Two classes in February and one session in March.

    Menjahit A (instructor "instructor"): sessions 2, 4, 6 Feb; Ani H H S, Budi H A I.
    Las Dasar (another instructor): sessions 3, 5 Feb; Budi H H, Citra S A.
    March (not in February's figures): Menjahit A on 2 Mar, Ani A.
    """
    teacher = make_user("instructor")
    other = make_user("instructor", "instruktur2")
    sewing = make_class("Menjahit A", instructor=teacher.staff)
    welding = make_class("Las Dasar", instructor=other.staff)
    ani, budi, citra = (make_client(n) for n in ("Ani Lestari", "Budi Santoso", "Citra Dewi"))
    for klass, people in ((sewing, (ani, budi)), (welding, (budi, citra))):
        for person in people:
            db.session.add(Enrollment(training_class=klass, client=person,
                                      enrolled_on=date(2026, 1, 5)))
    codes = {
        (sewing, date(2026, 2, 2)): {ani: "H", budi: "H"},
        (sewing, date(2026, 2, 4)): {ani: "H", budi: "A"},
        (sewing, date(2026, 2, 6)): {ani: "S", budi: "I"},
        (welding, date(2026, 2, 3)): {budi: "H", citra: "S"},
        (welding, date(2026, 2, 5)): {budi: "H", citra: "A"},
        (sewing, date(2026, 3, 2)): {ani: "A"},
    }
    for (klass, day), marks in codes.items():
        session = TrainingSession(training_class=klass, date=day, start_time=time(8),
                                  end_time=time(11))
        db.session.add(session)
        db.session.flush()
        for person, code in marks.items():
            db.session.add(Attendance(session_id=session.id, client_id=person.id, code=code))
    db.session.commit()
    return {"ani": ani.id, "budi": budi.id, "sewing": sewing.id}


def _rows(html: str, testid: str) -> dict[str, list[str]]:
    table = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                         row, re.S)]
        if cells:
            rows[cells[0] if cells[0] else cells[1]] = cells
    return rows


def test_head_sees_february_per_class_and_per_client(app, client, login_as):
    with app.app_context():
        _world()
    login_as("head")
    html = client.get("/admin/attendance_summary/?month=2026-02").get_data(as_text=True)
    per_class = _rows(html, "per-class")
    # Menjahit A: H 3 (Ani 2, Budi 1), I 1, S 1, A 1 → 6 records, 3/6 = 50%.
    assert per_class["Menjahit A"][1:] == ["3", "1", "1", "1", "6", "50,0%"]
    # Las Dasar: H 2, S 1, A 1 → 4 records, 50%.
    assert per_class["Las Dasar"][1:] == ["2", "0", "1", "1", "4", "50,0%"]
    assert per_class["Jumlah"][1:] == ["5", "1", "2", "2", "10", "50,0%"]
    per_client = _rows(html, "per-client")
    # Budi across both classes: H A I (Menjahit) + H H (Las) → H 3, I 1, A 1 of 5 → 60%.
    budi = next(cells for cells in per_client.values() if "Budi Santoso" in cells)
    assert budi[2:] == ["3", "1", "0", "1", "5", "60,0%"]
    ani = next(cells for cells in per_client.values() if "Ani Lestari" in cells)
    assert ani[2:] == ["2", "0", "1", "0", "3", "66,7%"]
    # March holds only Ani's A.
    html = client.get("/admin/attendance_summary/?month=2026-03").get_data(as_text=True)
    assert _rows(html, "per-class")["Menjahit A"][1:] == ["0", "0", "0", "1", "1", "0,0%"]


def test_one_class_chosen_and_an_instructor_sees_only_their_classes(app, client, login_as):
    with app.app_context():
        ids = _world()
    login_as("instructor")
    html = client.get(f"/admin/attendance_summary/?month=2026-02&class_id={ids['sewing']}"
                      ).get_data(as_text=True)
    assert list(_rows(html, "per-class")) == ["Menjahit A", "Jumlah"]
    budi = next(c for c in _rows(html, "per-client").values() if "Budi Santoso" in c)
    assert budi[2:] == ["1", "1", "0", "1", "3", "33,3%"]  # only Menjahit A now
    assert "Citra Dewi" not in html and "Las Dasar" not in html


def test_empty_month_says_so(app, client, login_as):
    with app.app_context():
        _world()
    login_as("admin")
    html = client.get("/admin/attendance_summary/?month=2025-12").get_data(as_text=True)
    assert html.count("Belum ada kehadiran tercatat pada bulan ini.") == 2


def test_client_page_shows_the_rate_across_classes(app, client, login_as):
    with app.app_context():
        ids = _world()
    login_as("head")
    html = client.get(f"/admin/client/details/?id={ids['budi']}").get_data(as_text=True)
    rows = _rows(html, "client-attendance")
    assert rows["Las Dasar"][1:] == ["2", "0", "0", "0", "2", "100,0%"]
    assert rows["Menjahit A"][1:] == ["1", "1", "0", "1", "3", "33,3%"]
    assert rows["Semua kelas"][1:] == ["3", "1", "0", "1", "5", "60,0%"]
    ani = client.get(f"/admin/client/details/?id={ids['ani']}").get_data(as_text=True)
    # All time: February H H S and March A → 2 of 4.
    assert _rows(ani, "client-attendance")["Semua kelas"][1:] == ["2", "0", "1", "1", "4",
                                                                  "50,0%"]


def test_leaving_a_class_keeps_past_attendance(app, client, login_as):
    with app.app_context():
        ids = _world()
    login_as("admin")
    with app.app_context():
        enrollment = db.session.query(Enrollment).filter_by(
            client_id=ids["budi"], class_id=ids["sewing"]).one()
        enrollment_id = enrollment.id
    from .conftest import post_form

    response = post_form(client, f"/admin/enrollment/edit/?id={enrollment_id}", {
        "training_class": str(ids["sewing"]), "client": str(ids["budi"]),
        "enrolled_on": "2026-01-05", "left_on": "2026-02-10"})
    assert response.status_code == 302
    html = client.get("/admin/attendance_summary/?month=2026-02").get_data(as_text=True)
    assert _rows(html, "per-class")["Menjahit A"][1:] == ["3", "1", "1", "1", "6", "50,0%"]
    with app.app_context():
        session_id = db.session.query(TrainingSession.id).filter_by(
            class_id=ids["sewing"], date=date(2026, 2, 4)).scalar()
    # The sheet of a past session still lists Budi with his A.
    sheet = client.get(f"/admin/attendance_grid/record/?kind=training&id={session_id}"
                       ).get_data(as_text=True)
    assert "Budi Santoso" in sheet
    assert re.search(rf'name="code-{ids["budi"]}" value="A"[^>]*checked', sheet)
