"""Benchmark: list pages on a large roster (run with ``make bench``).

Builds a throw-away SQLite database (or ``BENCH_DATABASE_URL``) with 5,000 clients,
40 classes, 2,000 sessions and 100,000 attendance rows, then times each list page as the
admin sees it: page 1, a search, a filter and the last page. Prints a Markdown table with the
median time and the number of SQL queries per request.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, timedelta
from datetime import time as clock

from sqlalchemy import insert
from werkzeug.security import generate_password_hash

from bench import bench_app, login, timed
from models import (
    Attendance,
    Client,
    Enrollment,
    RegisterNumber,
    Room,
    SkillType,
    Staff,
    TrainingClass,
    TrainingSession,
    User,
    db,
)

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "5000"))
CLASSES = 40
SESSIONS_PER_CLASS = 50
PER_CLASS = 50  # enrolled clients per class -> 40 * 50 * 50 = 100,000 attendance rows
REPEAT = 7


def build(app) -> None:
    """Fill the database with bulk inserts (seconds, not minutes)."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        staff = [Staff(name=f"Pegawai {i}", position="social_worker" if i % 2 else "instructor")
                 for i in range(60)]
        rooms = [Room(name=f"Asrama {i}", capacity=200, sex="L") for i in range(30)]
        db.session.add_all(staff + rooms)
        db.session.add(User(username="admin", role="admin",
                            password_hash=generate_password_hash("bench-password")))
        db.session.flush()
        numbers = [f"2026-{i:05d}" for i in range(1, CLIENTS + 1)]
        db.session.execute(insert(RegisterNumber), [{"number": n} for n in numbers])
        db.session.execute(insert(Client), [
            {"register_number": n, "full_name": f"Klien Nomor {i}", "sex": "L" if i % 3 else "P",
             "stage": "intervention", "cohort": 1 + i % 5, "district_of_origin": f"Kota {i % 40}",
             "admission_date": date(2026, 1, 1) + timedelta(days=i % 300),
             "social_worker_id": staff[1 + 2 * (i % 30)].id, "room_id": rooms[i % 30].id}
            for i, n in enumerate(numbers)
        ])
        skill = SkillType(name="Menjahit")
        db.session.add(skill)
        db.session.flush()
        for c in range(CLASSES):
            klass = TrainingClass(name=f"Kelas {c}", skill_type=skill,
                                  instructor_id=staff[2 * (c % 30)].id, start_date=date(2026, 1, 1),
                                  end_date=date(2026, 12, 31), weekdays="135",
                                  start_time=clock(8), end_time=clock(10), capacity=PER_CLASS)
            db.session.add(klass)
            db.session.flush()
            members = range(c * PER_CLASS + 1, (c + 1) * PER_CLASS + 1)
            db.session.execute(insert(Enrollment), [
                {"class_id": klass.id, "client_id": m, "enrolled_on": date(2026, 1, 1)}
                for m in members])
            for s in range(SESSIONS_PER_CLASS):
                session = TrainingSession(class_id=klass.id,
                                          date=date(2026, 1, 2) + timedelta(days=s * 2),
                                          start_time=clock(8), end_time=clock(10))
                db.session.add(session)
                db.session.flush()
                db.session.execute(insert(Attendance), [
                    {"session_id": session.id, "client_id": m, "code": "HISA"[(m + s) % 4]}
                    for m in members])
        db.session.commit()


def measure(app, urls: list[str]) -> list[tuple[str, float, int]]:
    client = app.test_client()
    login(client, "admin", "bench-password")
    results = []
    for url in urls:
        counts, times = [], []
        for _ in range(REPEAT):
            response, ms, queries = timed(app, lambda url=url: client.get(url))
            assert response.status_code == 200, (url, response.status_code)
            times.append(ms)
            counts.append(queries)
        results.append((url, statistics.median(times), max(counts)))
    return results


def main() -> int:
    app = bench_app()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    started = time.perf_counter()
    build(app)
    print(f"built {CLIENTS} clients, {CLASSES * SESSIONS_PER_CLASS} sessions, "
          f"{CLASSES * SESSIONS_PER_CLASS * PER_CLASS} attendance rows in "
          f"{time.perf_counter() - started:.1f} s on {url.split(':', 1)[0]}")
    last = CLIENTS // 20 - 1
    urls = [
        "/admin/client/",
        "/admin/client/?search=Nomor+49",
        f"/admin/client/?page={last}",
        "/admin/client/?sort=6",  # by social worker name (a join)
        "/admin/enrollment/",
        "/admin/training_session/",
        "/admin/attendance/",
        "/admin/attendance/?page=4000",
        "/admin/training_class/",
        "/admin/room/",
    ]
    print("\n| page | median ms | SQL queries |\n|---|---:|---:|")
    for page, ms, queries in measure(app, urls):
        print(f"| `{page}` | {ms:.0f} | {queries} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
