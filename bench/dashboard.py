"""Benchmark: the home page and the Dasbor at 100,000 clients, as the head and the admin.

Builds a throw-away SQLite database (or ``BENCH_DATABASE_URL``) holding twenty years of a
large panti: ``BENCH_CLIENTS`` clients (100,000) admitted at an even pace, each staying 30 to
240 days, so most are long gone (terminated or in aftercare) and about 1,800 live in the
panti today, spread over the stages by how long they have been in; 300 candidates of stage 1;
60 rooms; 40 training classes of 25 clients with three sessions a week for a year (about
156,000 attendance rows); a KK every week with a decision for most clients served, a plan and
a signed contract for most of them. Then logs in through the real form and requests each
page 7 times (after one warm-up request). Prints a Markdown table: median and worst server
time, median CPU time of the app's process, SQL statements.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from datetime import time as clock

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from bench import bench_app, login, measured
from models import (
    Attendance,
    CaseConference,
    Client,
    ConferenceDecision,
    Enrollment,
    RegisterNumber,
    Room,
    ServiceContract,
    ServicePlan,
    SkillType,
    Staff,
    TrainingClass,
    TrainingSession,
    User,
    db,
)
from models.choices import ACTIVE_STAGES, TERMINATION_REASONS
from services.dates import today as panti_today

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "100000"))
CANDIDATES = 300
YEARS = 20
ROOMS, ROOM_CAPACITY = 60, 40
CLASSES, PER_CLASS, CLASS_WEEKS = 40, 25, 52
REPEAT = 7
PASSWORD = "bench-password"
CHUNK = 10_000
# Days since admission at which a client still in the panti is in each stage.
STAGE_BY_DAYS = ((3, "admission"), (28, "assessment"), (45, "planning"), (60, "contract"),
                 (150, "intervention"), (180, "case_conference"), (10_000, "resocialization"))


def _stage(days_in: int) -> str:
    return next(stage for limit, stage in STAGE_BY_DAYS if days_in < limit)


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])


def build(app, today: date) -> dict[str, int]:
    """Fill the database with bulk inserts; returns what it holds."""
    rng = random.Random(16)
    reasons = TERMINATION_REASONS.codes
    with app.app_context():
        db.drop_all()
        db.create_all()
        workers = [Staff(name=f"Peksos {i}", position="social_worker") for i in range(30)]
        instructors = [Staff(name=f"Instruktur {i}", position="instructor") for i in range(20)]
        head = Staff(name="Kepala Panti", position="head")
        rooms = [Room(name=f"Asrama {i:02d}", capacity=ROOM_CAPACITY, sex="L")
                 for i in range(ROOMS)]
        db.session.add_all([*workers, *instructors, head, *rooms])
        db.session.flush()
        password_hash = generate_password_hash(PASSWORD)
        db.session.add_all([User(username="admin", role="admin", password_hash=password_hash),
                            User(username="kepala", role="head", staff_id=head.id,
                                 password_hash=password_hash)])

        clients, numbers, per_year = [], [], {}
        for i in range(CLIENTS):
            admitted = today - timedelta(days=rng.randrange(YEARS * 365))
            left = admitted + timedelta(days=rng.randint(30, 240))
            per_year[admitted.year] = per_year.get(admitted.year, 0) + 1
            number = f"{admitted.year}-{per_year[admitted.year]:05d}"
            numbers.append({"number": number})
            row = {"register_number": number, "full_name": f"Klien Nomor {i}",
                   "sex": "P" if rng.random() < 0.25 else "L", "admission_date": admitted,
                   "cohort": 1 + i % 5, "district_of_origin": f"Kota {i % 40}",
                   "social_worker_id": workers[i % len(workers)].id}
            if left <= today:
                row.update(stage="aftercare" if rng.random() < 0.3 else "termination",
                           termination_date=left, termination_reason=rng.choice(reasons))
            else:
                row.update(stage=_stage((today - admitted).days),
                           room_id=rooms[i % ROOMS].id)
            clients.append(row)
        clients += [{"full_name": f"Calon {i}", "sex": "L", "stage": "approach"}
                    for i in range(CANDIDATES)]
        _insert(RegisterNumber, numbers)
        _insert(Client, clients)

        active = [(client_id, admitted) for client_id, admitted in db.session.execute(
            select(Client.id, Client.admission_date)
            .where(Client.stage.in_(ACTIVE_STAGES)).order_by(Client.id))]
        _served(rng, today, active, workers)
        _training(today, [client_id for client_id, _admitted in active], instructors)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does some time after a bulk load: the planner's statistics and
            # the visibility map an index-only scan needs (VACUUM runs outside a transaction).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        return {
            "clients": db.session.scalar(select(func.count()).select_from(Client)),
            "in_panti": len(active),
            "attendance": db.session.scalar(select(func.count()).select_from(Attendance)),
        }


def _served(rng, today: date, active: list[tuple[int, date]], workers) -> None:
    """A weekly KK for the last two years; most clients past assessment have a decision in
    the last four months, a plan and a signed contract covering today."""
    conferences = [CaseConference(date=today - timedelta(days=7 * week), kind="periodic_review",
                                  chair_id=workers[0].id) for week in range(104)]
    db.session.add_all(conferences)
    db.session.flush()
    decisions, plans, contracts = [], [], []
    for client_id, admitted in active:
        days_in = (today - admitted).days
        if days_in < 28:
            continue
        if rng.random() < 0.8:
            weeks = rng.randrange(min(17, days_in // 7))
            decisions.append({"conference_id": conferences[weeks].id, "client_id": client_id,
                              "recommendation": "continue"})
        if rng.random() < 0.9:
            plans.append({"client_id": client_id, "problems": "Belum punya keterampilan"})
            contracts.append({"client_id": client_id, "kind": "primary", "problem": "p",
                              "goals": "g", "start_date": admitted,
                              "end_date": today + timedelta(days=90), "status": "signed",
                              "signed_date": admitted})
    _insert(ConferenceDecision, decisions)
    _insert(ServicePlan, plans)
    _insert(ServiceContract, contracts)


def _training(today: date, active: list[int], instructors) -> None:
    """Classes of the clients being served, three sessions a week for a year, every client
    of the class recorded at each (codes H, I, S, A in turn)."""
    skill = SkillType(name="Menjahit")
    db.session.add(skill)
    db.session.flush()
    first = today - timedelta(weeks=CLASS_WEEKS)
    days = [first + timedelta(days=d) for d in range((today - first).days + 1)
            if (first + timedelta(days=d)).isoweekday() in (1, 3, 5)]
    for c in range(CLASSES):
        klass = TrainingClass(name=f"Kelas {c:02d}", skill_type_id=skill.id,
                              instructor_id=instructors[c % len(instructors)].id,
                              start_date=first, end_date=today + timedelta(days=60),
                              weekdays="135", start_time=clock(8), end_time=clock(10),
                              capacity=PER_CLASS)
        db.session.add(klass)
        db.session.flush()
        members = active[c * PER_CLASS:(c + 1) * PER_CLASS]
        _insert(Enrollment, [{"class_id": klass.id, "client_id": m, "enrolled_on": first}
                             for m in members])
        _insert(TrainingSession, [{"class_id": klass.id, "date": day, "start_time": clock(8),
                                   "end_time": clock(10)} for day in days])
        sessions = db.session.scalars(select(TrainingSession.id)
                                      .where(TrainingSession.class_id == klass.id)).all()
        _insert(Attendance, [{"session_id": s, "client_id": m, "code": "HISA"[(m + s) % 4]}
                             for s in sessions for m in members])


def measure(app, username: str, urls: list[str]) -> list[tuple[str, float, float, float, int]]:
    """Per URL: median and worst wall-clock ms, median CPU ms of this process (the machine is
    shared: CPU time says what the page costs when others wait for a core), SQL statements."""
    client = app.test_client()
    login(client, username, PASSWORD)
    results = []
    for url in urls:
        walls, cpus, counts = [], [], []
        client.get(url)  # the first request of a URL warms the caches; not counted
        for _ in range(REPEAT):
            response, wall, cpu, queries = measured(app, lambda url=url: client.get(url))
            assert response.status_code == 200, (url, response.status_code)
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
            counts.append(queries)
        results.append((url, statistics.median(walls), max(walls), statistics.median(cpus),
                        max(counts)))
    return results


def main() -> int:
    app = bench_app()
    with app.app_context():
        today = panti_today()
    started = time.perf_counter()
    held = build(app, today)
    engine = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"built {held['clients']} clients ({held['in_panti']} in the panti), "
          f"{held['attendance']} attendance rows in {time.perf_counter() - started:.1f} s "
          f"on {engine}; load average {os.getloadavg()[0]:.1f}")
    print("\n| role | page | median ms | worst ms | CPU ms | SQL queries |\n"
          "|---|---|---:|---:|---:|---:|")
    for username, role in (("kepala", "head"), ("admin", "admin")):
        for url, median, worst, cpu, queries in measure(app, username,
                                                        ["/admin/", "/admin/dashboard/"]):
            print(f"| {role} | `{url}` | {median:.0f} | {worst:.0f} | {cpu:.0f} | {queries} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
