"""A weekly guidance schedule saved without *Berlaku sejak* starts today: no attendance
sheet of a meeting before it was saved shows up on Presensi."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from models import GuidanceSchedule, db
from services.dates import format_date
from services.dates import today as panti_today

from .conftest import make_client, post_form


def test_a_schedule_without_a_start_date_starts_today(app, client, login_as):
    login_as("admin")
    with app.app_context():
        today = panti_today()
        person = make_client("Budi Santoso")
        db.session.commit()
        person_id = person.id
    # The form offers today as the start.
    html = client.get("/admin/guidance/new/").get_data(as_text=True)
    [start_input] = re.findall(r'<input[^>]*id="valid_from"[^>]*>', html)
    assert f'value="{format_date(today)}"' in start_input
    # Yesterday's weekday: a back-dated schedule would have met yesterday, 8 days ago, …
    weekday = (today - timedelta(days=1)).isoweekday()
    response = post_form(client, "/admin/guidance/new/", {
        "guidance_type": "social_group", "title": "Bimbingan hantu", "weekday": str(weekday),
        "date": "", "valid_from": "", "start_time": "08:00", "end_time": "09:00",
        "location": "Ruang Konseling", "clients": str(person_id)})
    assert response.status_code == 302
    with app.app_context():
        schedule = db.session.scalar(select(GuidanceSchedule))
        assert schedule.valid_from == today
    html = client.get("/admin/attendance_grid/").get_data(as_text=True)
    missing = html.split('data-testid="missing"', 1)[1].split('data-testid="week"', 1)[0]
    assert "Bimbingan hantu" not in missing
    assert "Semua kegiatan sudah dicatat." in missing
