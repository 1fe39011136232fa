"""The causes of 500s on hostile input, one by one: the id parser, page numbers, control
characters, dates out of range and unbounded weekly patterns (the walk over every route is
tests/test_fuzz.py)."""

from __future__ import annotations

import time
from datetime import date
from datetime import time as dt_time

import pytest
from sqlalchemy import func, select

from models import GuidanceSchedule, RecreationActivity, SkillType, Staff, TrainingClass, db
from services.schedule import PATTERN_SPAN, guidance_bookings, weekly_days
from services.training import generate_sessions

from .conftest import csrf_token, field_errors, make_staff, post_form


@pytest.mark.parametrize("raw, expected", [
    ("12", 12), (str(2**63 - 1), 2**63 - 1), (str(2**63), None), ("9" * 25, None),
    ("١٢", None), ("²", None), ("-1", None), ("0", None), ("007", None), (" 7", None),
    ("7\x00", None), ("", None), (None, None), (12, 12), (True, None),
])
def test_one_id_parser_for_every_id(raw, expected):
    from services.inputs import parse_id

    assert parse_id(raw) == expected


def test_an_id_beyond_64_bits_or_in_non_ascii_digits_is_not_found(app, client, login_as):
    """A record id in any other form than its own ASCII digits answers 404, even where the
    digits would read as a real id ("١٢" is 12 to int())."""
    login_as("admin")
    with app.app_context():
        for n in range(12):
            make_staff(f"Pegawai {n}", "caregiver")
        db.session.commit()
        twelve = db.session.scalar(select(func.max(Staff.id)))
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in str(twelve))
    assert client.get(f"/admin/staff/details/?id={twelve}").status_code == 200
    for raw in (arabic, "9" * 25, str(2**63), "-1", f"+{twelve}", f"{twelve}.0"):
        for url in ("/admin/staff/details/", "/admin/staff/edit/", "/admin/staff/history/",
                    "/admin/attendance_grid/record/", "/admin/calendar/"):
            answer = client.get(url, query_string={"id": raw, "staff_id": raw})
            assert answer.status_code == (200 if "calendar" in url else 404), (url, raw)
    # A bulk action with one hostile id among real ones is refused whole.
    token = csrf_token(client, "/admin/staff/")
    answer = client.post("/admin/staff/action/", data={
        "csrf_token": token, "action": "delete", "rowid": [str(twelve), "9" * 25]})
    assert answer.status_code == 404
    with app.app_context():
        assert db.session.get(Staff, twelve) is not None


def test_a_huge_or_negative_page_number_shows_a_list(app, client, login_as):
    login_as("admin")
    with app.app_context():
        make_staff("Siti Rahayu", "caregiver")
        db.session.commit()
    for page in ("9" * 25, str(2**63), "-5", "١٢"):
        html = client.get("/admin/staff/", query_string={"page": page}).get_data(as_text=True)
        assert "<table" in html, page
    # The first page of the list, not an error: the record is on it for a negative page.
    assert "Siti Rahayu" in client.get("/admin/staff/?page=-5").get_data(as_text=True)
    # A picker's offset and limit likewise: past the end is empty, a negative one is 0.
    lookup = "/admin/user/ajax/lookup/?name=staff&query=Siti"
    assert client.get(f"{lookup}&offset={'9' * 25}").get_json() == []
    found = client.get(f"{lookup}&offset=-3&limit=-1").get_json()
    assert [name for _id, name in found] == ["Siti Rahayu (Pengasuh)"]


def test_a_control_character_anywhere_answers_400_and_saves_nothing(app, client, login_as):
    login_as("admin")
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Staff))
    answer = post_form(client, "/admin/staff/new/", {"name": "Siti\x00Rahayu",
                                                     "position": "caregiver"})
    assert answer.status_code == 400
    assert "karakter yang tidak diizinkan" in answer.get_data(as_text=True)
    assert client.get("/admin/staff/?search=a%00b").status_code == 400
    assert client.get("/admin/staff/?search=a%1Bb").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Staff)) == before
    # Tab and line breaks are ordinary text (a textarea sends CR LF).
    assert client.get("/admin/staff/?search=a%09b%0D%0Ac").status_code == 200
    answer = post_form(client, "/admin/staff/new/", {"name": "Siti\tRahayu",
                                                     "position": "caregiver"})
    assert answer.status_code == 302


def test_a_date_beyond_2100_is_refused_next_to_the_field(app, client, login_as):
    """Year 9999 and year 1 in a one-off event, the end of a class or a weekly schedule:
    the message is next to the field, nothing is saved."""
    login_as("admin")
    with app.app_context():
        leader = make_staff("Rina Kartikasari", "caregiver")
        db.session.commit()
        leader_id = leader.id
    form = {"kind": "outing", "title": "Wisata", "start_time": "07:00", "end_time": "15:00",
            "place": "Kebun Raya", "leader": str(leader_id)}
    for day in ("9999-12-31", "0001-01-01", "2101-01-01"):
        html = post_form(client, "/admin/recreation/new/", {**form, "date": day}
                         ).get_data(as_text=True)
        assert field_errors(html, "date") == ["Tanggal harus antara 01/01/1900 dan 31/12/2100."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RecreationActivity)) == 0


def _class_form(skill_id: int, end: str) -> dict:
    return {"name": "Menjahit Lanjutan", "skill_type": str(skill_id),
            "location": "Ruang Jahit", "start_date": "2026-01-05", "end_date": end,
            "weekdays": ["1", "2", "3", "4", "5", "6", "7"], "start_time": "08:00",
            "end_time": "11:00", "capacity": "10"}


def test_a_class_lasts_at_most_two_years_and_saves_in_bounded_time(app, client, login_as):
    """A class ending in 2500 is refused (the date), one ending in 2099 too (the span); a
    class of two years every day saves, and generating its sessions is bounded."""
    login_as("admin")
    with app.app_context():
        skill = SkillType(name="Menjahit")
        db.session.add(skill)
        db.session.commit()
        skill_id = skill.id
    html = post_form(client, "/admin/training_class/new/", _class_form(skill_id, "2500-12-31")
                     ).get_data(as_text=True)
    assert field_errors(html, "end_date") == ["Tanggal harus antara 01/01/1900 dan 31/12/2100."]
    html = post_form(client, "/admin/training_class/new/", _class_form(skill_id, "2099-12-31")
                     ).get_data(as_text=True)
    assert field_errors(html, "end_date") == [
        "Kelas paling lama 2 tahun: tanggal selesai paling lambat 07/01/2028. Buat kelas "
        "baru untuk angkatan berikutnya."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TrainingClass)) == 0
    started = time.process_time()
    answer = post_form(client, "/admin/training_class/new/", _class_form(skill_id, "2028-01-07"))
    assert answer.status_code == 302
    with app.app_context():
        klass = db.session.scalars(select(TrainingClass)).one()
        assert len(generate_sessions(klass).created) == 733  # every day of two years
        db.session.rollback()
    assert time.process_time() - started < 10  # CPU seconds, whatever else runs


def test_weekly_patterns_expand_at_most_two_years_ahead(app, ctx):
    """Whatever its end, a weekly pattern is expanded over two years at most: a weekly
    guidance schedule valid until 2100 books about 105 meetings, not 3,900."""
    schedule = GuidanceSchedule(guidance_type="social_group", title="Bimbingan kelompok",
                                weekday=2, start_time=dt_time(8), end_time=dt_time(10),
                                valid_until=date(2100, 12, 31))
    meetings = guidance_bookings(schedule, date(2026, 1, 1))
    assert 100 < len(meetings) <= 105
    assert meetings[-1].day <= date(2026, 1, 1) + PATTERN_SPAN
    days = list(weekly_days(1, date(9999, 6, 1), date.max, set()))
    assert days[-1] == date(9999, 12, 27)  # the end of the calendar, no overflow
    assert list(weekly_days(5, date.max, date.max, set())) == [date.max]  # a Friday
