"""A save meeting several bookings lists every conflict at once, each with what is shared,
and offers the next free slots of the same weekday and length; a suggested slot saves."""

from __future__ import annotations

import re
from datetime import time, timedelta

from sqlalchemy import func, select

from models import (
    CaseConference,
    Enrollment,
    GuidanceSchedule,
    RecreationActivity,
    TrainingSession,
    db,
)
from services.dates import today as panti_today

from .conftest import field_errors, make_class, make_client, make_staff, post_form


def _busy_day(app):
    """Next week's day with three events at 09:00: a recreation in the Aula (the room), a
    KK chaired by the counsellor (the staff member), a class session with Budi (the client).
    The class meets on that weekday 09:00–11:00 every week."""
    with app.app_context():
        day = panti_today() + timedelta(days=7)
        counsellor = make_staff("Rina Kartikasari", "social_worker")
        leader = make_staff("Dedi Supriadi", "caregiver")
        teacher = make_staff("Ujang Sudrajat", "instructor")
        budi = make_client("Budi Santoso")
        klass = make_class("Menjahit A", instructor=teacher, weekdays=str(day.isoweekday()),
                           start=time(9), end=time(11))
        klass.start_date, klass.end_date = day - timedelta(days=14), day + timedelta(weeks=6)
        db.session.add_all([
            Enrollment(class_id=klass.id, client_id=budi.id, enrolled_on=klass.start_date),
            TrainingSession(class_id=klass.id, date=day, start_time=time(9),
                            end_time=time(11)),
            RecreationActivity(kind="angklung", title="Latihan angklung", date=day,
                               start_time=time(9), end_time=time(10), leader_id=leader.id,
                               place="Aula"),
            CaseConference(date=day, start_time=time(8, 30), end_time=time(9, 30),
                           kind="periodic_review", location="Ruang Rapat",
                           chair_id=counsellor.id),
        ])
        db.session.commit()
        return day, counsellor.id, budi.id


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _slots(html: str) -> list[dict[str, str]]:
    """The suggested slots' buttons: their data attributes."""
    return [dict(re.findall(r'data-slot-(\w+)="([^"]*)"', button))
            for button in re.findall(r"<button[^>]*data-slot-start[^>]*>", html)]


def test_a_weekly_schedule_lists_room_staff_and_client_at_once_and_a_slot_saves(
        app, client, login_as):
    login_as("admin")
    day, counsellor_id, budi_id = _busy_day(app)
    form = {"guidance_type": "social_group", "title": "Bimbingan kelompok",
            "weekday": str(day.isoweekday()), "date": "", "valid_from": f"{day:%d/%m/%Y}",
            "valid_until": f"{day + timedelta(weeks=4):%d/%m/%Y}", "start_time": "09:00",
            "end_time": "10:00", "staff": str(counsellor_id), "location": "aula",
            "clients": str(budi_id)}
    html = post_form(client, "/admin/guidance/new/", form).get_data(as_text=True)
    messages = field_errors(html, "start_time")
    when = f"{day:%d/%m/%Y}"
    assert messages[:3] == [
        f"Bentrok dengan Konferensi kasus «Peninjauan berkala (3 bulanan)» {when} "
        "08:30–09:30: petugas yang sama (Rina Kartikasari).",
        f"Bentrok dengan Rekreasi «Latihan angklung» {when} 09:00–10:00: tempat yang sama "
        "(aula).",
        f"Bentrok dengan Pelatihan «Menjahit A» {when} 09:00–11:00 dan 4 kali lagi sampai "
        f"{day + timedelta(weeks=4):%d/%m/%Y}: klien yang sama (Budi Santoso).",
    ]
    # Under them: the next free hours of that weekday, the class's 09:00–11:00 avoided.
    assert messages[3].startswith("Waktu kosong berikutnya (hari yang sama, lama yang sama, "
                                  "jam 07:00–17:00):")
    slots = _slots(html)
    assert slots == [{"start": "11:00", "end": "12:00"}, {"start": "11:30", "end": "12:30"},
                     {"start": "12:00", "end": "13:00"}]
    assert _count(app, GuidanceSchedule) == 0
    # Longer than the working day: no slot, and it says so.
    html = post_form(client, "/admin/guidance/new/",
                     {**form, "start_time": "06:00", "end_time": "18:00"}).get_data(as_text=True)
    assert field_errors(html, "start_time")[-1] == (
        "Tidak ada jam kosong dengan lama yang sama pada hari yang sama (jam 07:00–17:00).")
    # Taking the first suggestion saves at once.
    response = post_form(client, "/admin/guidance/new/",
                         {**form, "start_time": slots[0]["start"],
                          "end_time": slots[0]["end"]})
    assert response.status_code == 302
    with app.app_context():
        schedule = db.session.scalar(select(GuidanceSchedule))
        assert (schedule.start_time, schedule.end_time) == (time(11), time(12))


def test_a_one_off_is_offered_later_times_then_the_next_weeks_and_the_slot_saves(
        app, client, login_as):
    login_as("admin")
    day, counsellor_id, budi_id = _busy_day(app)
    form = {"guidance_type": "social_individual", "title": "Konseling Budi", "weekday": "",
            "date": f"{day:%d/%m/%Y}", "start_time": "09:00", "end_time": "17:00",
            "staff": str(counsellor_id), "location": "Ruang Konseling",
            "clients": str(budi_id)}
    html = post_form(client, "/admin/guidance/new/", form).get_data(as_text=True)
    assert len(field_errors(html, "start_time")) == 3  # KK and class, then the slots
    # Eight hours do not fit that weekday while the class meets Budi (09:00–11:00, for six
    # more weeks): the first such slots are the week after the class ends.
    later = f"{day + timedelta(weeks=7):%d/%m/%Y}"
    assert _slots(html) == [{"start": start, "end": end, "date": later} for start, end in
                            (("07:00", "15:00"), ("07:30", "15:30"), ("08:00", "16:00"))]
    form.update(start_time="09:00", end_time="10:30")
    html = post_form(client, "/admin/guidance/new/", form).get_data(as_text=True)
    slots = _slots(html)
    assert slots[0] == {"start": "11:00", "end": "12:30", "date": f"{day:%d/%m/%Y}"}
    assert len(slots) == 3
    assert _count(app, GuidanceSchedule) == 0
    response = post_form(client, "/admin/guidance/new/",
                         {**form, "date": slots[0]["date"], "start_time": slots[0]["start"],
                          "end_time": slots[0]["end"]})
    assert response.status_code == 302
    assert _count(app, GuidanceSchedule) == 1
