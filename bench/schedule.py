"""Benchmark: saving a 40-client attendance sheet and rendering a busy month calendar.

Builds a throw-away SQLite database (or ``BENCH_DATABASE_URL``) with 1,000 clients,
25 classes of 40 clients, 2,500 sessions and 100,000 attendance rows, plus weekly guidance
schedules, recreation activities and case conferences, so March 2026 holds about 500
events. Then, logged in through the test client:

* saves the whole sheet of a 40-client session, 7 times on 7 fresh sessions (a POST of the
  grid: median time and SQL statements);
* renders the month and the week calendar of March 2026 as the head, 7 times each.

Prints a Markdown table (figures go to docs/performance.md).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta
from datetime import time as clock

from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from bench import bench_app, login, timed
from models import (
    Attendance,
    CaseConference,
    Client,
    Enrollment,
    GuidanceSchedule,
    RecreationActivity,
    RegisterNumber,
    SkillType,
    Staff,
    TrainingClass,
    TrainingSession,
    User,
    db,
)
from models.conference import conference_attendee, conference_client
from models.guidance import guidance_client
from models.recreation import recreation_participant

CLIENTS = 1000
CLASSES = 25
PER_CLASS = 40
SESSIONS_PER_CLASS = 100  # 25 * 100 * 40 = 100,000 attendance rows
GUIDANCE = 20
ACTIVITIES_PER_DAY = 2
REPEAT = 7
FIRST_DAY = date(2026, 1, 5)  # a Monday
PASSWORD = "bench-password"


def _class_days(count: int) -> list[date]:
    """Monday, Wednesday and Friday from FIRST_DAY on."""
    days, day = [], FIRST_DAY
    while len(days) < count:
        if day.isoweekday() in (1, 3, 5):
            days.append(day)
        day += timedelta(days=1)
    return days


def build(app) -> None:
    """Fill the database with bulk inserts (seconds, not minutes)."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        staff = [Staff(name=f"Pegawai {i}", position="instructor" if i < CLASSES
                       else "social_worker") for i in range(CLASSES + 30)]
        db.session.add_all(staff)
        db.session.flush()
        for name, role in (("admin", "admin"), ("kepala", "head")):
            db.session.add(User(username=name, role=role,
                                password_hash=generate_password_hash(PASSWORD)))
        numbers = [f"2026-{i:05d}" for i in range(1, CLIENTS + 1)]
        db.session.execute(insert(RegisterNumber), [{"number": n} for n in numbers])
        db.session.execute(insert(Client), [
            {"register_number": n, "full_name": f"Klien Nomor {i}", "sex": "L" if i % 3 else "P",
             "stage": "intervention", "admission_date": date(2026, 1, 1),
             "social_worker_id": staff[CLASSES + i % 30].id}
            for i, n in enumerate(numbers)
        ])
        skill = SkillType(name="Menjahit")
        db.session.add(skill)
        db.session.flush()
        days = _class_days(SESSIONS_PER_CLASS)
        for c in range(CLASSES):
            # Five time slots a day, five rooms: nobody is double-booked.
            start = clock(8 + 2 * (c % 5))
            klass = TrainingClass(name=f"Kelas {c}", skill_type=skill, instructor_id=staff[c].id,
                                  location=f"Ruang {c // 5}", start_date=FIRST_DAY,
                                  end_date=days[-1], weekdays="135", start_time=start,
                                  end_time=clock(start.hour + 2), capacity=PER_CLASS)
            db.session.add(klass)
            db.session.flush()
            members = range(c * PER_CLASS + 1, (c + 1) * PER_CLASS + 1)
            db.session.execute(insert(Enrollment), [
                {"class_id": klass.id, "client_id": m, "enrolled_on": FIRST_DAY}
                for m in members])
            db.session.execute(insert(TrainingSession), [
                {"class_id": klass.id, "date": day, "start_time": start,
                 "end_time": clock(start.hour + 2)} for day in days])
            ids = db.session.scalars(select(TrainingSession.id).where(
                TrainingSession.class_id == klass.id)).all()
            db.session.execute(insert(Attendance), [
                {"session_id": sid, "client_id": m, "code": "HHHISA"[(m + s) % 6]}
                for s, sid in enumerate(ids) for m in members])
        # Weekly guidance on Tuesdays and Thursdays, in the evening.
        for g in range(GUIDANCE):
            schedule = GuidanceSchedule(guidance_type="social_group", title=f"Bimbingan {g}",
                                        weekday=2 + 2 * (g % 2), start_time=clock(18 + g % 3),
                                        end_time=clock(19 + g % 3),
                                        staff_id=staff[CLASSES + g].id, location=f"Aula {g}")
            db.session.add(schedule)
            db.session.flush()
            db.session.execute(insert(guidance_client), [
                {"schedule_id": schedule.id, "client_id": 1 + (g * 50 + k) % CLIENTS}
                for k in range(10)])
        day = date(2026, 3, 1)
        while day.month == 3:
            for a in range(ACTIVITIES_PER_DAY):
                activity = RecreationActivity(kind="music", title=f"Musik {day.day}-{a}",
                                              date=day, start_time=clock(15 + a),
                                              end_time=clock(16 + a), place=f"Teras {a}",
                                              leader_id=staff[CLASSES + 25 + a].id)
                db.session.add(activity)
                db.session.flush()
                db.session.execute(insert(recreation_participant), [
                    {"activity_id": activity.id, "client_id": 1 + (day.day * 30 + k) % CLIENTS}
                    for k in range(15)])
            if day.isoweekday() == 6:
                conference = CaseConference(date=day, start_time=clock(9), end_time=clock(11),
                                            kind="periodic_review", location="Ruang Rapat",
                                            chair_id=staff[CLASSES + 29].id)
                db.session.add(conference)
                db.session.flush()
                db.session.execute(insert(conference_attendee), [
                    {"conference_id": conference.id, "staff_id": staff[CLASSES + k].id}
                    for k in range(3)])
                db.session.execute(insert(conference_client), [
                    {"conference_id": conference.id, "client_id": 1 + k} for k in range(5)])
            day += timedelta(days=1)
        db.session.commit()


def measure_saving(app) -> tuple[float, int, int]:
    """Save a fresh 40-client session REPEAT times (a Saturday each, free of other events)."""
    with app.app_context():
        klass_id = db.session.scalar(select(TrainingClass.id).order_by(TrainingClass.id))
        members = db.session.scalars(select(Enrollment.client_id).where(
            Enrollment.class_id == klass_id)).all()
        sessions = []
        for week in range(REPEAT):
            session = TrainingSession(class_id=klass_id,
                                      date=FIRST_DAY + timedelta(days=5 + 7 * week),
                                      start_time=clock(8), end_time=clock(10))
            db.session.add(session)
            db.session.flush()
            sessions.append(session.id)
        db.session.commit()
    client = app.test_client()
    login(client, "admin", PASSWORD)
    times, counts = [], []
    for session_id in sessions:
        url = f"/admin/attendance_grid/record/?kind=training&id={session_id}"
        page = client.get(url).get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        data = {"csrf_token": token, **{f"code-{m}": "HISA"[m % 4] for m in members}}
        response, ms, queries = timed(app, lambda url=url, data=data: client.post(url,
                                                                                   data=data))
        assert response.status_code == 302, response.status_code
        times.append(ms)
        counts.append(queries)
    return statistics.median(times), max(counts), len(members)


def measure_pages(app, urls: list[str]) -> list[tuple[str, float, int, int]]:
    client = app.test_client()
    login(client, "kepala", PASSWORD)
    results = []
    for url in urls:
        times, counts, events = [], [], 0
        for _ in range(REPEAT):
            response, ms, queries = timed(app, lambda url=url: client.get(url))
            assert response.status_code == 200, (url, response.status_code)
            events = response.get_data(as_text=True).count('class="cal-event')
            times.append(ms)
            counts.append(queries)
        results.append((url, statistics.median(times), max(counts), events))
    return results


def main() -> int:
    app = bench_app()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    started = time.perf_counter()
    build(app)
    with app.app_context():
        rows = db.session.query(Attendance).count()
    print(f"built {CLIENTS} clients, {CLASSES * SESSIONS_PER_CLASS} sessions, {rows} "
          f"attendance rows in {time.perf_counter() - started:.1f} s on {url.split(':', 1)[0]}")
    ms, queries, size = measure_saving(app)
    print("\n| request | median ms | SQL queries | events |\n|---|---:|---:|---:|")
    print(f"| save a {size}-client session (POST grid) | {ms:.0f} | {queries} | |")
    for page, ms, queries, events in measure_pages(app, [
        "/admin/calendar/?view=month&day=2026-03-01",
        "/admin/calendar/?view=week&day=2026-03-09",
        "/admin/attendance_summary/?month=2026-03",
    ]):
        print(f"| `{page}` | {ms:.0f} | {queries} | {events or ''} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
