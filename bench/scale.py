"""Benchmark: the list pages at a province's scale (issue 17; ``make bench``).

Builds a throw-away SQLite database (or ``BENCH_DATABASE_URL``) with bulk inserts:
``BENCH_CLIENTS`` clients (100,000; a tenth of them living in one of 200 rooms), 200
training classes of 250 clients (50,000 enrollments) with 100 weekly sessions each (20,000
sessions) and every enrolled client's code at every session of their class (5,000,000
attendance rows, written by one INSERT … SELECT). Then logs in as the admin and requests
each list page (first page, and deep pages where the list is long) ``REPEAT`` times after a
warm-up request. Prints a Markdown table: median and worst wall-clock ms, median CPU ms of
this process, SQL statements, HTTP status. A page slower than ``SLOW_S`` is requested once,
and the deeper pages of that list are skipped (a dropped worker in production).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from datetime import time as clock

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from bench import bench_app, login, measured
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
from models.choices import TERMINATION_REASONS
from services.dates import today as panti_today

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "100000"))
CLASSES, PER_CLASS, SESSIONS_PER_CLASS = 200, 250, 100
ROOMS = 200
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
SLOW_S = 5.0
PASSWORD = "bench-password"
CHUNK = 10_000
# Names and birthplaces as the roster holds them: client search looks for parts of them.
FIRST = ("Muhammad", "Ahmad", "Asep", "Ujang", "Dedi", "Budi", "Agus", "Joko", "Rizki", "Eko",
         "Siti", "Nur", "Sri", "Dewi", "Ani", "Rina", "Yanti", "Euis", "Iis", "Wati")
LAST = ("Santoso", "Saputra", "Hidayat", "Kurniawan", "Setiawan", "Gunawan", "Sukandi",
        "Suryadi", "Wijaya", "Pratama", "Lestari", "Rahayu", "Aminah", "Marlina", "Sari",
        "Permana", "Nugraha", "Firmansyah", "Ramdani", "Hermawan", "Sopandi", "Mulyana",
        "Hakim", "Fauzi", "Syahputra")
CITIES = ("Bandung", "Cirebon", "Garut", "Tasikmalaya", "Sumedang", "Subang", "Karawang",
          "Bekasi", "Bogor", "Sukabumi", "Cianjur", "Indramayu", "Majalengka", "Kuningan",
          "Purwakarta", "Brebes", "Tegal", "Semarang", "Medan", "Palembang")


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])


def build(app) -> dict[str, int]:
    """Fill the database; returns the row counts it holds."""
    with app.app_context():
        today = panti_today()
        db.drop_all()
        db.create_all()
        if db.engine.dialect.name == "sqlite":
            # A throw-away file: no fsync while loading.
            db.session.execute(text("PRAGMA synchronous=OFF"))
        else:
            # The load's INSERT … SELECT runs longer than the app's STATEMENT_TIMEOUT_MS.
            db.session.execute(text("SET LOCAL statement_timeout = 0"))
        workers = [Staff(name=f"Peksos {i:02d}", position="social_worker") for i in range(30)]
        instructors = [Staff(name=f"Instruktur {i:02d}", position="instructor")
                       for i in range(30)]
        rooms = [Room(name=f"Asrama {i:03d}", capacity=60, sex="L") for i in range(ROOMS)]
        db.session.add_all([*workers, *instructors, *rooms])
        db.session.add(User(username="admin", role="admin",
                            password_hash=generate_password_hash(PASSWORD)))
        db.session.flush()

        numbers = [f"{2006 + i * 20 // CLIENTS}-{i:06d}" for i in range(CLIENTS)]
        _insert(RegisterNumber, [{"number": n} for n in numbers])
        clients = []
        for i, number in enumerate(numbers):
            admitted = today - timedelta(days=(CLIENTS - i) * 20 * 365 // CLIENTS)
            row = {"register_number": number,
                   "full_name": f"{FIRST[i % len(FIRST)]} "
                                f"{LAST[i // len(FIRST) % len(LAST)]}",
                   "birth_place": CITIES[i % len(CITIES)],
                   "nik": f"3273{i:012d}" if i % 3 == 0 else None,
                   "sex": "L", "admission_date": admitted, "cohort": 1 + i % 5,
                   "district_of_origin": f"Kota {i % 40}",
                   "social_worker_id": workers[i % len(workers)].id}
            if i >= CLIENTS * 9 // 10:
                row.update(stage="intervention", room_id=rooms[i % ROOMS].id)
            else:
                row.update(stage="termination", termination_date=admitted + timedelta(days=90),
                           termination_reason=TERMINATION_REASONS.codes[0])
            clients.append(row)
        _insert(Client, clients)

        skill = SkillType(name="Menjahit")
        db.session.add(skill)
        db.session.flush()
        first = today - timedelta(weeks=SESSIONS_PER_CLASS)
        _insert(TrainingClass, [
            {"name": f"Kelas {c:03d}", "skill_type_id": skill.id,
             "instructor_id": instructors[c % len(instructors)].id, "start_date": first,
             "end_date": today + timedelta(days=30), "weekdays": str(1 + c % 5),
             "start_time": clock(8), "end_time": clock(10), "capacity": PER_CLASS}
            for c in range(CLASSES)])
        class_ids = db.session.scalars(select(TrainingClass.id).order_by(TrainingClass.id)).all()
        _insert(Enrollment, [
            {"class_id": class_id, "client_id": c * PER_CLASS + m + 1, "enrolled_on": first}
            for c, class_id in enumerate(class_ids) for m in range(PER_CLASS)])
        _insert(TrainingSession, [
            {"class_id": class_id, "date": first + timedelta(days=7 * s + c % 5),
             "start_time": clock(8), "end_time": clock(10)}
            for c, class_id in enumerate(class_ids) for s in range(SESSIONS_PER_CLASS)])
        # Every enrolled client at every session of the class, codes H/I/S/A in turn: one
        # statement, so millions of rows take seconds rather than minutes.
        db.session.execute(text(
            "INSERT INTO attendance (session_id, client_id, code, row_version, created_at,"
            " updated_at) SELECT s.id, e.client_id,"
            " substr('HISA', ((s.id + e.client_id) % 4) + 1, 1), 1, :now, :now"
            " FROM training_session s JOIN enrollment e ON e.class_id = s.class_id"
            " ORDER BY s.id, e.client_id"), {"now": datetime.now(timezone.utc)})
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would do some time after the load (outside a transaction).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("SET statement_timeout = 0"))
                conn.execute(text("VACUUM ANALYZE"))
                conn.invalidate()  # not back to the pool without the app's limit
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Client, TrainingSession, Enrollment, Attendance)}


# (list, URL): deep pages of one list follow its first page, shallow to deep.
PAGES = [
    ("client", "/admin/client/"),
    ("client", f"/admin/client/?page={CLIENTS // 20 - 1}"),
    # Client search: part of a name, two words, part of a register number, of a NIK, a
    # birthplace; and one or two characters (the start of a word, through the word index).
    ("client search", "/admin/client/?search=ukand"),
    ("client search", "/admin/client/?search=asep+sukandi"),
    ("client search", "/admin/client/?search=049999"),
    ("client search", "/admin/client/?search=32730000049"),
    ("client search", "/admin/client/?search=irebo"),
    ("client search", "/admin/client/?search=zz"),
    ("client search", "/admin/client/?search=ri"),
    ("client search", "/admin/client/?search=49"),
    ("client search", "/admin/client/?search=asep+su"),
    ("attendance", "/admin/attendance/"),
    ("attendance", "/admin/attendance/?page=50"),
    ("attendance", "/admin/attendance/?page=499"),
    ("attendance", "/admin/attendance/?page=4000"),
    # Sorted by the client's name (column 3) and by code (column 4), both ways, first and
    # deepest page; filtered or searched as well.
    ("attendance sorted", "/admin/attendance/?sort=3"),
    ("attendance sorted", "/admin/attendance/?sort=3&desc=1&page=499"),
    ("attendance sorted", "/admin/attendance/?sort=4"),
    ("attendance sorted", "/admin/attendance/?sort=4&desc=1&page=499"),
    ("attendance sorted", "/admin/attendance/?sort=4&flt0_0=A"),
    ("attendance sorted", "/admin/attendance/?sort=3&search=santoso"),
    ("training session", "/admin/training_session/"),
    ("training session", "/admin/training_session/?page=999"),
    ("enrollment", "/admin/enrollment/"),
    ("enrollment", "/admin/enrollment/?page=2499"),
    ("training class", "/admin/training_class/"),
    ("training class", "/admin/training_class/?sort=0"),
    ("room", "/admin/room/"),
    ("staff", "/admin/staff/"),
]


def measure(app) -> list[tuple]:
    """Per URL: median and worst wall ms, median CPU ms, SQL statements, status."""
    client = app.test_client()
    login(client, "admin", PASSWORD)
    results, too_slow = [], set()
    for name, url in PAGES:
        if name in too_slow:
            results.append((url, None, None, None, None, "skipped"))
            continue
        walls, cpus, counts, status = [], [], [], None
        for attempt in range(REPEAT + 1):
            response, wall, cpu, queries = measured(app, lambda url=url: client.get(url))
            status = response.status_code
            if attempt == 0 and wall < SLOW_S:
                continue  # the warm-up: caches, the first plan
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
            counts.append(queries)
            if wall >= SLOW_S:
                too_slow.add(name)
                break
        results.append((url, statistics.median(walls), max(walls), statistics.median(cpus),
                        max(counts), status))
    return results


def main() -> int:
    app = bench_app()
    started = time.perf_counter()
    held = build(app)
    engine = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"built {', '.join(f'{n:,} {table}' for table, n in held.items())} in "
          f"{time.perf_counter() - started:.0f} s on {engine}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print("\n| page | median ms | worst ms | CPU ms | SQL queries | status |\n"
          "|---|---:|---:|---:|---:|---|")
    for url, median, worst, cpu, queries, status in measure(app):
        if median is None:
            print(f"| `{url}` | — | — | — | — | {status} |")
        else:
            print(f"| `{url}` | {median:.0f} | {worst:.0f} | {cpu:.0f} | {queries} | "
                  f"{status} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
