"""A real browser (Debian's Chromium) against a live server: the pages work under the CSP.

Skipped, with the reason printed, where Chromium or Playwright is missing.
"""

from __future__ import annotations

from models import db
from tests.conftest import PASSWORD, make_client, make_user

WATCH_CSP = ("document.addEventListener('securitypolicyviolation', e => "
             "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")


def _logged_in(chromium, live_server: str, username: str, errors: list[str]):
    """A fresh browser context logged in as ``username`` and its page (close the context
    when done); console errors (CSP violations) go to ``errors``."""
    browser = chromium.new_context()
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.add_init_script(WATCH_CSP)
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}")
            if m.type == "error" and "favicon" not in m.text else None)
    page.goto(live_server + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/admin/")
    return browser, page


def test_admin_pages_work_under_the_content_security_policy(app, live_server, chromium):
    with app.app_context():
        make_user("admin")
        make_client("Budi Santoso")
        db.session.commit()
    errors: list[str] = []
    browser, page = _logged_in(chromium, live_server, "admin", errors)

    # Every page of every role is visited by test_browser_sweep.py; here, what a user
    # does on them beyond looking.
    # The filter menu (a javascript:void(0) link) opens and adds a filter row.
    page.goto(live_server + "/admin/client/")
    page.click("a.dropdown-toggle:has-text('Tambah filter')")
    page.click("a.filter >> nth=0")
    assert page.locator("table.filters tr").count() >= 1

    # The row delete button asks in Indonesian; dismissing keeps the record.
    messages: list[str] = []
    page.on("dialog", lambda d: (messages.append(d.message), d.dismiss()))
    page.locator("button:has(.fa-trash)").first.click()
    page.wait_for_timeout(300)
    assert messages == ["Yakin ingin menghapus data ini?"]

    # A Select2 AJAX picker searches the server.
    page.goto(live_server + "/admin/enrollment/new/")
    page.locator(".select2-container").nth(1).click()
    page.keyboard.type("Bud")
    page.wait_for_selector(".select2-result-label")
    assert "Budi Santoso" in page.locator(".select2-result-label").first.inner_text()

    # The client form has no stage: moves are made on the client's "Pindah tahap" page.
    page.goto(live_server + "/admin/client/new/")
    assert page.locator("#stage").count() == 0

    # The photo's file input: an Indonesian button and the chosen file's name.
    label = page.locator("label.custom-file-label[for=photo]")
    assert label.get_attribute("data-browse") == "Pilih berkas"
    assert label.inner_text() == "Belum ada berkas dipilih"
    page.set_input_files("#photo", files=[{"name": "foto-budi.jpg", "mimeType": "image/jpeg",
                                           "buffer": b"\xff\xd8\xff"}])
    assert label.inner_text() == "foto-budi.jpg"
    browser.close()
    assert errors == []


def test_attendance_grid_marks_everyone_present_and_saves(app, live_server, chromium):
    """The grid's own script (served from 'self') runs under the CSP: one click marks the
    blank rows H, one submit saves them; the calendar renders and offers printing."""
    from datetime import date, time

    from sqlalchemy import select

    from models import Attendance, Enrollment, TrainingSession
    from tests.conftest import make_class

    with app.app_context():
        teacher = make_user("instructor")
        klass = make_class("Menjahit A", instructor=teacher.staff)
        people = [make_client(f"Klien {i}") for i in range(3)]
        for person in people:
            db.session.add(Enrollment(training_class=klass, client=person,
                                      enrolled_on=date(2026, 1, 5)))
        session = TrainingSession(training_class=klass, date=date(2026, 2, 2),
                                  start_time=time(8), end_time=time(11))
        db.session.add(session)
        db.session.commit()
        session_id, first = session.id, people[0].id
    errors: list[str] = []
    browser, page = _logged_in(chromium, live_server, "instructor", errors)
    page.goto(f"{live_server}/admin/attendance_grid/record/?kind=training&id={session_id}")
    page.check(f"input[name=code-{first}][value=S]")
    page.click("#all-present")
    page.click("button[type=submit]:has-text('Simpan kehadiran')")
    page.wait_for_selector("text=Kehadiran disimpan: 2 hadir, 0 izin, 1 sakit, 0 alpa.")
    page.goto(live_server + "/admin/calendar/?view=week&day=2026-02-02")
    assert "Menjahit A" in page.locator("table.calendar").inner_text()
    assert page.locator("#print-page").is_visible()
    browser.close()
    assert errors == []
    with app.app_context():
        codes = sorted(db.session.scalars(select(Attendance.code)))
        assert codes == ["H", "H", "S"]


def test_a_new_plan_gets_two_goals_and_becomes_a_draft_contract(app, live_server, chromium):
    """The social worker's core task in a real browser: "Tambah Tujuan" adds goal rows under
    the CSP, the plan saves with both goals, and *Buat draf kontrak* drafts a contract."""
    from sqlalchemy import select

    from models import PlanGoal, ServiceContract, ServicePlan

    with app.app_context():
        worker = make_user("social_worker")
        make_client("Budi Santoso", social_worker=worker.staff)
        db.session.commit()
    errors: list[str] = []
    browser, page = _logged_in(chromium, live_server, "socialworker", errors)
    page.goto(live_server + "/admin/service_plan/new/")
    page.locator("#s2id_client").click()
    page.keyboard.type("Bud")
    page.wait_for_selector(".select2-result-label:has-text('Budi Santoso')")
    page.keyboard.press("Enter")
    page.fill("#problems", "Tidak punya tempat tinggal dan pekerjaan tetap.")
    for index, goal in enumerate(("Mandiri secara ekonomi", "Kembali ke keluarga")):
        page.click("#goals-button")
        page.fill(f"#goals-{index}-goal", goal)
    page.click("input[type=submit][value='Simpan']")
    page.wait_for_selector("text=Mandiri secara ekonomi")  # the list shows both goals
    with app.app_context():
        plan_id = db.session.scalar(select(ServicePlan.id))
    page.goto(f"{live_server}/admin/service_plan/details/?id={plan_id}")
    page.click("button:has-text('Buat draf kontrak')")
    page.wait_for_selector("text=Draf kontrak dibuat dari rencana pelayanan")
    browser.close()
    assert errors == []
    with app.app_context():
        plan = db.session.scalars(select(ServicePlan)).one()
        goals = db.session.scalars(select(PlanGoal.goal).where(PlanGoal.plan_id == plan.id)
                                   .order_by(PlanGoal.goal)).all()
        assert goals == ["Kembali ke keluarga", "Mandiri secara ekonomi"]
        contract = db.session.scalars(select(ServiceContract)).one()
        assert "Mandiri secara ekonomi" in contract.goals


def test_dates_are_typed_and_picked_the_indonesian_way(app, live_server, chromium):
    """A birth date typed as 15/05/1968 stays as typed, saves as 1968-05-15 and shows as
    15/05/1968; the picker is Indonesian, starts on Monday and reaches back to 1935."""
    from datetime import date

    from sqlalchemy import select

    from models import Client

    with app.app_context():
        make_user("admin")
        db.session.commit()
    errors: list[str] = []
    browser, page = _logged_in(chromium, live_server, "admin", errors)
    page.goto(live_server + "/admin/client/new/")
    page.click("#birth_date")
    picker = page.locator(".daterangepicker:visible")
    header = picker.locator("th").all_inner_texts()
    assert header[-7:] == ["Sn", "Sl", "Rb", "Km", "Jm", "Sb", "Mg"], header
    assert "1935" in picker.locator("select.yearselect option").all_inner_texts()
    assert picker.locator("button.applyBtn").inner_text() == "Pilih"
    page.keyboard.press("Escape")
    page.fill("#full_name", "Sutrisno")
    page.select_option("#sex", "L", force=True)
    page.locator("#birth_date").press_sequentially("15/05/1968")
    assert page.input_value("#birth_date") == "15/05/1968"
    page.locator("#admission_date").press_sequentially("05.01.2026")
    page.click("h1, h2, .container-fluid >> nth=0")  # close any picker
    page.click("input[type=submit][value='Simpan']")
    page.wait_for_selector("text=Sutrisno")
    with app.app_context():
        person = db.session.scalars(select(Client)).one()
        assert (person.birth_date, person.admission_date) == (date(1968, 5, 15),
                                                              date(2026, 1, 5))
        person_id = person.id
    page.goto(f"{live_server}/admin/client/edit/?id={person_id}")
    assert page.input_value("#birth_date") == "15/05/1968"
    browser.close()
    assert errors == []
