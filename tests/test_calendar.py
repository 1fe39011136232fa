"""The calendar: every kind of event on its day, weekly guidance repeating, filters, roles."""

from __future__ import annotations

import re
from datetime import date, time

from models import (
    CaseConference,
    Enrollment,
    GuidanceSchedule,
    Holiday,
    RecreationActivity,
    TrainingSession,
    db,
)

from .conftest import make_class, make_client, make_staff, make_user
from .test_list_queries import counting_queries


def _world():
    """March 2026: a class session, a weekly guidance (Tuesdays, one a holiday), an
    activity and a conference."""
    teacher = make_user("instructor")
    counsellor = make_staff("Dian Purnamasari", "psychologist")
    head = make_staff("Drs. Bambang Sutrisno", "head")
    ani, budi = make_client("Ani Lestari"), make_client("Budi Santoso")
    klass = make_class("Menjahit A", instructor=teacher.staff)
    db.session.add_all([
        Enrollment(training_class=klass, client=ani, enrolled_on=date(2026, 1, 5)),
        TrainingSession(training_class=klass, date=date(2026, 3, 2), start_time=time(8),
                        end_time=time(11)),
        GuidanceSchedule(guidance_type="social_group", title="Bimbingan kelompok",
                         weekday=2, start_time=time(13), end_time=time(14),
                         staff=counsellor, location="Ruang Konseling", clients=[budi]),
        Holiday(date=date(2026, 3, 17), name="Libur panti"),
        RecreationActivity(kind="angklung", title="Latihan angklung", date=date(2026, 3, 5),
                           start_time=time(15), end_time=time(16), place="Aula",
                           leader=counsellor, participants=[ani, budi]),
        CaseConference(date=date(2026, 3, 12), start_time=time(9), end_time=time(11),
                       kind="periodic_review", location="Ruang Rapat", chair=head,
                       clients=[budi]),
    ])
    # Sessions exist for March only up to the 2nd: the rest of the pattern is planned.
    klass.end_date = date(2026, 3, 2)
    db.session.commit()
    return {"teacher": teacher.staff_id, "counsellor": counsellor.id, "ani": ani.id,
            "budi": budi.id}


def _days(html: str) -> dict[str, list[str]]:
    """Day (yyyy-mm-dd) → the events shown in its cell, as text."""
    found = {}
    for day, cell in re.findall(r'data-day="([\d-]+)">(.*?)</td>', html, re.S):
        events = re.findall(r'class="cal-event[^"]*"[^>]*>(.*?)</div>', cell, re.S)
        found[day] = [" ".join(re.sub(r"<[^>]+>", " ", e).split()) for e in events]
    return found


def test_month_shows_all_four_kinds_and_weekly_guidance_on_each_tuesday(
        app, client, login_as):
    with app.app_context():
        _world()
    login_as("head")
    html = client.get("/admin/calendar/?view=month&day=2026-03-10").get_data(as_text=True)
    days = _days(html)
    assert "2026-02-23" in days and "2026-04-05" in days  # whole weeks, Monday to Sunday
    assert days["2026-03-02"] == ["08:00–11:00 Menjahit A · Ruang Keterampilan"]
    tuesdays = ["2026-03-03", "2026-03-10", "2026-03-24", "2026-03-31"]
    for day in tuesdays:
        assert days[day] == ["13:00–14:00 Bimbingan kelompok · Ruang Konseling"], day
    assert days["2026-03-17"] == []  # holiday
    assert days["2026-03-05"] == ["15:00–16:00 Latihan angklung · Aula"]
    assert days["2026-03-12"] == [
        "09:00–11:00 Peninjauan berkala (3 bulanan) · Ruang Rapat"]
    # 1 session, 5 guidance meetings (24 Feb is on the page too), 1 activity, 1 conference.
    assert "8 kegiatan" in html


def test_filters_by_kind_staff_place_and_client(app, client, login_as):
    with app.app_context():
        ids = _world()
    login_as("head")
    base = "/admin/calendar/?view=month&day=2026-03-01"

    def shown(query):
        html = client.get(base + query).get_data(as_text=True)
        return sorted({e for events in _days(html).values() for e in events})

    assert shown("&kind=recreation") == ["15:00–16:00 Latihan angklung · Aula"]
    assert shown(f"&staff_id={ids['counsellor']}") == [
        "13:00–14:00 Bimbingan kelompok · Ruang Konseling",
        "15:00–16:00 Latihan angklung · Aula"]
    assert shown("&place=ruang%20rapat") == [
        "09:00–11:00 Peninjauan berkala (3 bulanan) · Ruang Rapat"]
    assert shown(f"&client_id={ids['ani']}") == [
        "08:00–11:00 Menjahit A · Ruang Keterampilan", "15:00–16:00 Latihan angklung · Aula"]


def test_week_view_and_print_button(app, client, login_as):
    with app.app_context():
        _world()
    login_as("admin")
    html = client.get("/admin/calendar/?view=week&day=2026-03-04").get_data(as_text=True)
    days = _days(html)
    assert sorted(days) == [f"2026-03-0{d}" for d in range(2, 9)]
    assert days["2026-03-03"] == [
        "13:00–14:00 Bimbingan kelompok · Ruang Konseling · Dian Purnamasari"]
    assert 'id="print-page"' in html
    assert "Kalender kegiatan — 02/03/2026 – 08/03/2026" in " ".join(html.split())
    # The admin does not read case conferences: none on their calendar.
    assert "Peninjauan berkala" not in html


def test_instructor_sees_own_classes_only(app, client, login_as):
    with app.app_context():
        _world()
        other = make_user("instructor", "instruktur2")
        welding = make_class("Las Dasar", instructor=other.staff)
        db.session.add(TrainingSession(class_id=welding.id, date=date(2026, 3, 2),
                                       start_time=time(13), end_time=time(15)))
        db.session.commit()
    login_as("instructor")
    html = client.get("/admin/calendar/?view=month&day=2026-03-01").get_data(as_text=True)
    events = {e for es in _days(html).values() for e in es}
    assert events == {"08:00–11:00 Menjahit A · Ruang Keterampilan"}
    assert "Las Dasar" not in html and "Bimbingan kelompok" not in html


def test_month_page_runs_a_fixed_number_of_queries(app, client, login_as):
    with app.app_context():
        _world()
    login_as("head")
    url = "/admin/calendar/?view=month&day=2026-03-01"
    with counting_queries(app) as few:
        client.get(url)
    with app.app_context():
        extra = make_class("Las Dasar")
        for day in range(2, 28):
            db.session.add(TrainingSession(class_id=extra.id, date=date(2026, 3, day),
                                           start_time=time(13), end_time=time(15)))
        db.session.commit()
    with counting_queries(app) as many:
        html = client.get(url).get_data(as_text=True)
    assert html.count("Las Dasar") >= 26
    assert len(many) == len(few)


def test_absurd_dates_in_the_address_fall_back_to_today(app, client, login_as):
    login_as("head")
    for url in ("/admin/calendar/?view=week&day=9999-12-31",
                "/admin/calendar/?day=0001-01-01",
                "/admin/attendance_summary/?month=9999-12",
                "/admin/attendance_grid/?day=9999-12-31"):
        assert client.get(url).status_code == 200, url
    # A download of a month not understood is no workbook of another month: the export
    # centre says why (tests/test_date_inputs.py).
    response = client.get("/admin/export/download/monthly/?month=9999-12")
    assert response.status_code == 302 and response.location.endswith("/admin/export/")
