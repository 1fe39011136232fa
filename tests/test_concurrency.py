"""Saves at the same moment: no error page, no refusal the user did not cause, register
numbers unique and never reused, every attendance sheet complete.

The burst runs real gunicorn workers (subprocesses on a loopback port) against the test
database — SQLite, or PostgreSQL with TEST_DATABASE_URL.
"""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, insert, select, text

from app import create_app
from bench.concurrency import Burst, Gunicorn, inspect_database, seed
from models import (
    Attendance,
    AuditEntry,
    Client,
    RegisterNumber,
    ServiceContract,
    TrainingSession,
    db,
)
from services import attendance as attendance_service
from services import lifecycle
from services.clients import next_register_numbers
from services.dates import today as panti_today

from .conftest import PASSWORD, csrf_token, make_class, make_client, post_form
from .test_attendance_grid import _session_with
from .test_lifecycle import admissible
from .test_migrations import _database_url

YEAR = panti_today().year


def test_a_burst_of_saves_gets_no_error_and_no_spurious_refusal(app, tmp_path):
    """Sheet saves (several on one sheet at once), registrations of candidates and
    admissions (each drawing a register number), from many users through four gunicorn
    workers."""
    with app.app_context():
        plan = seed(sheet_users=6, client_users=10, classes=2, sessions_per_class=2,
                    clients_per_class=6, candidates_ready=60)
        url = db.engine.url.render_as_string(hide_password=False)
    with Gunicorn(url, tmp_path / "gunicorn.log") as server:
        result = Burst(server.port, plan, seconds=3, max_requests=300).run()
        log = server.log()
    sheets, registrations = result.of("sheet"), result.of("client")
    admissions = result.of("admission")
    assert result.failures == []
    assert sheets and registrations and admissions
    # Every save answered "saved": the redirect back to the sheet, the roster or the client.
    assert [(s.kind, s.detail, s.status, s.refused) for s in result.saves
            if s.status != 302] == []
    assert {s.location for s in registrations} == {"/admin/client/"}
    assert {s.location for s in sheets} == {"/admin/attendance_grid/record/"}
    assert {s.location.split("?")[0] for s in admissions} == {"/admin/client/details/"}
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]

    with app.app_context():
        after = inspect_database(plan, result)
    # Each registration the user was told about is in the roster, a candidate without a
    # number; each admission got a number of its own, never one issued before (the deleted
    # client's included).
    assert set(after.created) == {s.detail for s in registrations}
    assert set(after.created.values()) == {None}
    assert set(after.admitted) == {int(s.detail) for s in admissions}
    assert None not in after.admitted.values()
    assert len(set(after.admitted.values())) == len(after.admitted)
    assert after.duplicates == [] and after.reused == []
    # The counters continue right above the highest number of each year: no gaps, no reuse.
    assert after.counters == {year: top + 1 for year, top in after.highest.items()}
    # Every saved sheet holds exactly one code per client on it.
    assert after.incomplete == {}


def _hold_first_save(monkeypatch):
    """Make the first save pause inside its transaction (after reading the sheet) until a
    second save has started; returns the events to drive it."""
    inside, release = threading.Event(), threading.Event()
    original = attendance_service.present_elsewhere

    def paused(sheet, client_ids):
        if not inside.is_set():
            inside.set()
            release.wait(10)
        return original(sheet, client_ids)

    monkeypatch.setattr(attendance_service, "present_elsewhere", paused)
    return inside, release


def test_two_saves_of_one_sheet_at_once_both_succeed_and_the_later_codes_stand(
        app, login_as, monkeypatch):
    instructor = login_as("instructor")
    with app.app_context():
        session_id, ids = _session_with(3, instructor["staff_id"])
    url = f"/admin/attendance_grid/record/?kind=training&id={session_id}"
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):  # one instructor on two devices
        post_form(browser, "/login", {"username": "instructor", "password": PASSWORD})
    forms = [{"csrf_token": csrf_token(b, url)} for b in (first, second)]
    forms[0].update({f"code-{i}": "H" for i in ids})
    forms[1].update({f"code-{i}": "S" for i in ids})
    inside, release = _hold_first_save(monkeypatch)
    answers = {}

    def save(n, browser):
        answers[n] = browser.post(url, data=forms[n])

    one = threading.Thread(target=save, args=(0, first))
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=save, args=(1, second))
    two.start()
    time.sleep(0.5)  # the second save is waiting for the first one's lock now
    release.set()
    one.join(20)
    two.join(20)

    assert [answers[0].status_code, answers[1].status_code] == [302, 302]
    page = second.get(url).get_data(as_text=True)
    assert "Kehadiran disimpan: 0 hadir, 0 izin, 3 sakit, 0 alpa." in page
    with app.app_context():
        rows = db.session.execute(select(Attendance.client_id, Attendance.code)
                                  .where(Attendance.session_id == session_id)).all()
        assert sorted(rows) == sorted((i, "S") for i in ids)
        saves = db.session.scalars(select(AuditEntry.changes).where(
            AuditEntry.table_name == "attendance").order_by(AuditEntry.id)).all()
        assert saves == [{str(i): [None, "H"] for i in ids}, {str(i): ["H", "S"] for i in ids}]


def test_register_numbers_continue_above_every_number_ever_issued(app):
    """Admissions number on from the highest number ever issued: above one typed from a
    paper register, and never a deleted client's."""
    def admit(name: str) -> Client:
        person = make_client(name, stage="approach", admission_date=date(YEAR, 1, 5))
        admissible(person.id)
        lifecycle.move(person, "admission", None)
        db.session.commit()
        return person

    with app.app_context():
        assert admit("Budi Santoso").register_number == f"{YEAR}-0001"
        make_client("Ani Lestari", number=f"{YEAR}-0040")  # from the paper register
        joko = admit("Joko Susilo")
        assert joko.register_number == f"{YEAR}-0041"
        for contract in db.session.scalars(select(ServiceContract).where(
                ServiceContract.client_id == joko.id)):
            db.session.delete(contract)
        db.session.flush()
        db.session.delete(joko)
        db.session.commit()
        assert admit("Dewi Sartika").register_number == f"{YEAR}-0042"


def test_next_register_numbers_reserves_a_block_that_no_concurrent_transaction_shares(app):
    with app.app_context():
        # Numbers issued before the counter existed (a deleted client's among them).
        db.session.execute(insert(RegisterNumber), [
            {"number": n} for n in ("2024-0007", "2024-0003", "2024-LAMA", "2023-0099")])
        db.session.commit()
        assert next_register_numbers(2024, 3) == ["2024-0008", "2024-0009", "2024-0010"]
        db.session.rollback()  # not recorded: the reservation goes back too
        assert next_register_numbers(2024, 1) == ["2024-0008"]
        db.session.commit()

    reserved, first_inside = {}, threading.Event()

    def reserve(name, count, hold):
        with app.app_context():
            reserved[name] = next_register_numbers(2024, count)
            db.session.execute(insert(RegisterNumber),
                               [{"number": n} for n in reserved[name]])
            if hold:
                first_inside.set()
                time.sleep(0.5)  # the other transaction waits on the counter meanwhile
            db.session.commit()

    one = threading.Thread(target=reserve, args=("one", 5, True))
    one.start()
    assert first_inside.wait(10)
    two = threading.Thread(target=reserve, args=("two", 2, False))
    two.start()
    one.join(20)
    two.join(20)
    assert reserved == {"one": [f"2024-{n:04d}" for n in range(9, 14)],
                        "two": ["2024-0014", "2024-0015"]}
    with app.app_context():
        with pytest.raises(ValueError):
            next_register_numbers(2024, 0)


def test_the_migration_starts_each_year_above_its_highest_issued_number(tmp_path):
    url = _database_url(tmp_path)
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS counter_check CASCADE"))
            conn.execute(text("CREATE SCHEMA counter_check"))
        url += ("&" if "?" in url else "?") + "options=-csearch_path%3Dcounter_check"
        engine.dispose()
        engine = create_engine(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade(revision="0006_kk_decisions")
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO register_number (number, issued_at) "
                                  "VALUES (:number, CURRENT_TIMESTAMP)"),
                             [{"number": n} for n in ("2025-0012", "2025-0003", "2026-0001",
                                                      "2026-0002", "PAPER/17",
                                                      "2024-123456789")])
            upgrade(revision="0008_register_counter")
            counters = "SELECT year, next_number FROM register_counter ORDER BY year"
            with engine.connect() as conn:
                assert conn.execute(text(counters)).all() == [(2025, 13), (2026, 3)]
                assert conn.execute(text("SELECT count(*) FROM register_number")).scalar() == 6
            downgrade(revision="0006_kk_decisions")
            upgrade(revision="0008_register_counter")
            with engine.connect() as conn:
                assert conn.execute(text(counters)).all() == [(2025, 13), (2026, 3)]
    finally:
        with app.app_context():
            db.engine.dispose()
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA counter_check CASCADE"))
        engine.dispose()


def test_a_sheet_of_a_deleted_session_is_a_404_not_a_lock(app, client, login_as):
    """Saving a sheet whose event is gone answers 404 and leaves the database writable."""
    login_as("admin")
    with app.app_context():
        klass = make_class()
        day = panti_today() - timedelta(days=1)
        session = TrainingSession(training_class=klass, date=day, start_time=klass.start_time,
                                  end_time=klass.end_time)
        db.session.add(session)
        db.session.commit()
        session_id = session.id
    url = f"/admin/attendance_grid/record/?kind=training&id={session_id + 1}"
    token = csrf_token(client, f"/admin/attendance_grid/record/?kind=training&id={session_id}")
    assert client.post(url, data={"csrf_token": token}).status_code == 404
    with app.app_context():
        make_client("Sari Wulandari")
        db.session.commit()  # would wait and fail if the refused save still held the lock
