"""In Chromium: the calendar's day and the month pickers are typed dd/mm/yyyy and mm/yyyy
with the console's picker, and a refused schedule's suggested slot fills the form and saves
in one more submit. Skipped where Chromium or Playwright is missing (tests/test_browser.py)."""

from __future__ import annotations

import re
from datetime import time, timedelta

from sqlalchemy import select

from models import GuidanceSchedule, RecreationActivity, db
from services.dates import today as panti_today
from tests.conftest import make_client, make_staff, make_user

from .test_browser import _logged_in


def test_calendar_and_month_pickers_read_the_indonesian_way(app, live_server, chromium):
    with app.app_context():
        make_user("head")
        db.session.commit()
    errors: list[str] = []
    browser, page = _logged_in(chromium, live_server, "head", errors)
    page.goto(live_server + "/admin/calendar/?day=30/11/2026")
    assert page.input_value("#day") == "30/11/2026"
    page.click("#day")
    picker = page.locator(".daterangepicker:visible")
    assert picker.locator("th").all_inner_texts()[-7:] == ["Sn", "Sl", "Rb", "Km", "Jm",
                                                           "Sb", "Mg"]
    page.keyboard.press("Escape")
    page.fill("#day", "")
    page.locator("#day").press_sequentially("01/10/2026")
    assert page.input_value("#day") == "01/10/2026"
    page.click("button[type=submit]:has-text('Tampilkan')")
    page.wait_for_selector("h4:has-text('Oktober 2026')")
    assert page.input_value("#day") == "01/10/2026"

    page.goto(live_server + "/admin/attendance_summary/?month=11/2026")
    assert page.input_value("#month") == "11/2026"
    page.click("#month")  # a day picked stands for its month
    page.locator(".daterangepicker:visible td.available:not(.off)").nth(3).click()
    assert page.input_value("#month") == "11/2026"
    page.fill("#month", "10/2026")
    page.click("button[type=submit]:has-text('Tampilkan')")
    page.wait_for_selector("text=Periode 01/10/2026 – 31/10/2026")
    browser.close()
    assert errors == []


def test_a_suggested_slot_fills_the_form_and_saves(app, live_server, chromium):
    with app.app_context():
        make_user("admin")
        day = panti_today() + timedelta(days=7)
        leader = make_staff("Dedi Supriadi", "caregiver")
        make_client("Budi Santoso")
        db.session.add(RecreationActivity(kind="angklung", title="Latihan angklung", date=day,
                                          start_time=time(9), end_time=time(10),
                                          leader_id=leader.id, place="Aula"))
        db.session.commit()
    errors: list[str] = []
    browser, page = _logged_in(chromium, live_server, "admin", errors)
    page.goto(live_server + "/admin/guidance/new/")
    page.select_option("#guidance_type", "social_group", force=True)
    page.fill("#title", "Bimbingan kelompok")
    page.fill("#date", f"{day:%d/%m/%Y}")
    page.fill("#start_time", "09:00")
    page.fill("#end_time", "10:00")
    page.fill("#location", "Aula")
    # A client picked (an empty client picker is refused: see the report of this change).
    page.click("#s2id_clients")
    page.keyboard.type("Bud")
    page.locator(".select2-result-label:has-text('Budi Santoso')").click()
    page.click("#title")  # leaves the picker (and the time picker) closed
    if page.locator("#select2-drop-mask").is_visible():
        page.click("#select2-drop-mask")
    page.click("input[type=submit][value='Simpan']")
    slot = page.locator("button[data-slot-start]").first
    slot.wait_for()
    assert re.fullmatch(r"\w+ \d\d/\d\d/\d{4} 10:00–11:00", slot.inner_text())
    slot.click()
    assert (page.input_value("#start_time"), page.input_value("#end_time")) == (
        "10:00", "11:00")
    page.click("input[type=submit][value='Simpan']")
    page.wait_for_selector("text=Bimbingan kelompok")
    browser.close()
    assert errors == []
    with app.app_context():
        schedule = db.session.scalars(select(GuidanceSchedule)).one()
        assert (schedule.date, schedule.start_time) == (day, time(10))
