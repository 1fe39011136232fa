"""Benchmark: a month's report, summaries and calendar with 1 and with 10 years of history
(issue 17: what a month costs must not grow with the years before it).

For each history length it builds a throw-away database (SQLite, or ``BENCH_DATABASE_URL``):
every year an intake of 500 clients in 20 training classes of 25 with a session every week
(26,000 attendance rows a year), four weekly guidance schedules of 25 of them (5,200 rows a
year) and a recreation activity a month for 100 (1,200 rows a year); each intake leaves at
the year's end, the last one is in the panti. Then, as the admin, it requests for the last
full month the monthly report (Excel), the attendance summary and the month calendar, 5
times after a warm-up, and prints the median milliseconds and SQL statements of each, and
the ratio of 10 years to 1. ``python -m bench.history`` (also part of ``make bench``).
"""

from __future__ import annotations

import os
import statistics
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from bench import bench_app, login, measured
from models import (
    Attendance,
    Client,
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
from services.dates import add_months
from services.dates import today as panti_today

PASSWORD = "bench-password"
YEARS = (1, 10)
INTAKE, CLASSES, PER_CLASS, GUIDANCE, RECREATION = 500, 20, 25, 4, 100
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build(app, years: int) -> int:
    """Fill the database with ``years`` of history; the attendance rows it holds."""
    today = panti_today()
    start = _monday(add_months(today.replace(day=1), -12 * years))
    stamp = datetime.now(timezone.utc)
    with app.app_context():
        db.drop_all()
        db.create_all()
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("PRAGMA synchronous=OFF"))
        else:
            db.session.execute(text("SET LOCAL statement_timeout = 0"))
        staff = Staff(name="Instruktur Satu", position="instructor")
        skill = SkillType(name="Menjahit")
        db.session.add_all([staff, skill, User(username="admin", role="admin",
                                               password_hash=generate_password_hash(PASSWORD))])
        db.session.flush()
        attendance: list[dict] = []
        for year in range(years):
            first = start + timedelta(weeks=52 * year)
            last = first + timedelta(weeks=52) - timedelta(days=1)
            ended = last if year < years - 1 else None
            numbers = [f"{first.year}-{year:02d}{n:04d}" for n in range(INTAKE)]
            db.session.execute(insert(RegisterNumber), [{"number": n} for n in numbers])
            db.session.execute(insert(Client), [
                {"register_number": number, "full_name": f"Klien {year}-{n}", "sex": "LP"[n % 2],
                 "admission_date": first, "stage": "termination" if ended else "intervention",
                 "termination_date": ended, "termination_reason": "goals_achieved" if ended
                 else None, "created_at": stamp, "updated_at": stamp}
                for n, number in enumerate(numbers)])
            ids = db.session.scalars(select(Client.id).where(
                Client.register_number.in_(numbers)).order_by(Client.id)).all()
            for c in range(CLASSES):
                klass = TrainingClass(name=f"Kelas {year}-{c}", skill_type_id=skill.id,
                                      instructor_id=staff.id, start_date=first, end_date=last,
                                      weekdays=str(1 + c % 5), start_time=clock(8 + c % 4),
                                      end_time=clock(9 + c % 4), capacity=PER_CLASS)
                db.session.add(klass)
                db.session.flush()
                sessions = [TrainingSession(class_id=klass.id, start_time=klass.start_time,
                                            end_time=klass.end_time,
                                            date=first + timedelta(weeks=w, days=c % 5))
                            for w in range(52)]
                db.session.add_all(sessions)
                db.session.flush()
                members = ids[c * PER_CLASS:(c + 1) * PER_CLASS]
                attendance += [{"session_id": s.id, "client_id": m, "code": "HISA"[(s.id + m) % 4]}
                               for s in sessions for m in members]
            for g in range(GUIDANCE):
                schedule = GuidanceSchedule(
                    guidance_type="mental_spiritual", title=f"Bimbingan {year}-{g}", weekday=g + 1,
                    start_time=clock(13), end_time=clock(14), valid_from=first, valid_until=last,
                    staff_id=staff.id)
                db.session.add(schedule)
                db.session.flush()
                members = ids[g * PER_CLASS:(g + 1) * PER_CLASS]
                attendance += [{"guidance_id": schedule.id, "client_id": m,
                                "guidance_date": first + timedelta(weeks=w, days=g),
                                "code": "HISA"[(w + m) % 4]}
                               for w in range(52) for m in members]
            for month in range(12):
                day = first + timedelta(weeks=4 * month, days=5)
                activity = RecreationActivity(kind="outing", title=f"Rekreasi {year}-{month}",
                                              date=day, start_time=clock(9),
                                              end_time=clock(12), leader_id=staff.id)
                db.session.add(activity)
                db.session.flush()
                attendance += [{"activity_id": activity.id, "client_id": m, "code": "H"}
                               for m in ids[:RECREATION]]
        for row in attendance:
            row.update(created_at=stamp, updated_at=stamp, row_version=1)
        for begin in range(0, len(attendance), 10_000):
            db.session.execute(insert(Attendance), attendance[begin:begin + 10_000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("SET statement_timeout = 0"))
                conn.execute(text("VACUUM ANALYZE"))
                conn.invalidate()
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        return db.session.scalar(select(func.count()).select_from(Attendance))


def pages(today: date) -> list[tuple[str, str]]:
    month = add_months(today.replace(day=1), -1)
    key = f"{month:%Y-%m}"
    return [("monthly report (Excel)", f"/admin/export/download/monthly/?month={key}"),
            ("attendance summary", f"/admin/attendance_summary/?month={key}"),
            ("calendar (month)", f"/admin/calendar/?day={month:%d/%m/%Y}")]


def measure(app) -> dict[str, tuple[float, int, int]]:
    client = app.test_client()
    login(client, "admin", PASSWORD)
    found = {}
    for name, url in pages(panti_today()):
        walls, counts, status = [], [], None
        for attempt in range(REPEAT + 1):
            response, wall, _cpu, queries = measured(app, lambda url=url: client.get(url))
            status = response.status_code
            if attempt:
                walls.append(wall * 1000)
                counts.append(queries)
        found[name] = (statistics.median(walls), max(counts), status)
    return found


def main() -> int:
    results = {}
    for years in YEARS:
        app = bench_app()
        rows = build(app, years)
        results[years] = (rows, measure(app))
        print(f"{years} year(s): {rows:,} attendance rows")
    engine = bench_app().config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"\n{engine}; load average {os.getloadavg()[0]:.1f}\n")
    print("| page | 1 year ms | 10 years ms | 10 years / 1 | SQL queries | status |\n"
          "|---|---:|---:|---:|---:|---|")
    one, ten = results[YEARS[0]][1], results[YEARS[1]][1]
    for name in one:
        print(f"| {name} | {one[name][0]:.0f} | {ten[name][0]:.0f} | "
              f"{ten[name][0] / one[name][0]:.2f} | {one[name][1]} → {ten[name][1]} | "
              f"{one[name][2]}/{ten[name][2]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
