"""What a month costs must not grow with the years before it (issue 17): every query the
monthly report and the month's attendance summary run reads attendance through an index
(bench/history.py measures the pages with 1 and 10 years of history)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from models import (
    Attendance,
    GuidanceSchedule,
    RecreationActivity,
    TrainingSession,
    db,
)

from .conftest import make_class, make_client, make_staff
from .test_list_queries import counting_queries

MONTH = date(2026, 3, 1)


def _history() -> None:
    """A little of every kind of attendance, in the month and long before it."""
    staff = make_staff("Instruktur Satu", "instructor")
    klass = make_class(instructor=staff)
    budi = make_client("Budi Santoso", number="2026-0001")
    for day in (date(2020, 3, 2), MONTH + timedelta(days=1)):
        session = TrainingSession(class_id=klass.id, date=day, start_time=time(8),
                                  end_time=time(11))
        schedule = GuidanceSchedule(guidance_type="mental_spiritual", title="Pengajian",
                                    weekday=day.isoweekday(), start_time=time(13),
                                    end_time=time(14), staff_id=staff.id)
        activity = RecreationActivity(kind="outing", title="Jalan sehat", date=day,
                                      start_time=time(6), end_time=time(7))
        db.session.add_all([session, schedule, activity])
        db.session.flush()
        db.session.add_all([
            Attendance(session_id=session.id, client_id=budi.id, code="H"),
            Attendance(guidance_id=schedule.id, guidance_date=day, client_id=budi.id,
                       code="H"),
            Attendance(activity_id=activity.id, client_id=budi.id, code="H")])
    db.session.commit()


def _plans(statements: list[tuple[str, object]]) -> list[tuple[str, str]]:
    """Each SELECT that names the attendance table, with the engine's plan for it."""
    connection = db.session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if not sqlite:
        # Where an index can serve, PostgreSQL then takes it; a plan that still reads the
        # whole table has no index to use.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    found = []
    for statement, parameters in statements:
        if not statement.lstrip().upper().startswith("SELECT") or "attendance" not in statement:
            continue
        rows = connection.exec_driver_sql(
            ("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters).all()
        found.append((statement, " | ".join(str(row[-1]) for row in rows)))
    return found


@pytest.mark.parametrize(("role", "url"), [
    ("admin", f"/admin/export/download/monthly/?month={MONTH:%Y-%m}"),
    ("admin", f"/admin/attendance_summary/?month={MONTH:%Y-%m}"),
    ("head", "/admin/dashboard/"),  # the Dasbor: twelve months of attendance, ATENSI
])
def test_a_months_pages_read_attendance_only_through_indexes(app, client, login_as, role,
                                                             url):
    login_as(role)
    with app.app_context():
        _history()
    with counting_queries(app, parameters=True) as statements:
        assert client.get(url).status_code == 200
    with app.app_context():
        plans = _plans(statements)
        db.session.rollback()
    assert plans, "no query read attendance"
    full = [(statement, plan) for statement, plan in plans
            if "SCAN attendance" in plan.replace('"', "")
            or "Seq Scan on attendance" in plan]
    assert full == [], "\n\n".join(f"{plan}\n{statement}" for statement, plan in full)
