"""Benchmark: the four monthly exports on a large panti, against a plain XlsxWriter floor.

Builds a throw-away database (SQLite, or ``BENCH_DATABASE_URL``) with 5,000 clients in
100 classes of 50, a session every weekday for 40 weeks (1,000,000 attendance rows) and
100 case conferences in the measured month, then for March 2026:

* times each export (median of 3) and its peak Python memory (tracemalloc, separate run);
* times a plain XlsxWriter loop writing the same number of cells of the same kinds (the
  floor: no database, no layout) and its peak memory.

Run twice, at a quarter of the size and at full size, so the table shows whether memory
grows with the rows. ``python -m bench.exports`` (also part of ``make bench``).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from datetime import time as clock

import xlsxwriter
from sqlalchemy import insert, select

from bench import bench_app
from models import (
    Attendance,
    CaseConference,
    Client,
    Enrollment,
    RegisterNumber,
    SkillType,
    Staff,
    TrainingClass,
    TrainingSession,
    db,
)
from models.conference import conference_attendee, conference_client
from services import exports

PER_CLASS = 50
WEEKS = 40
FIRST_DAY = date(2025, 9, 1)  # a Monday; 40 weeks reach June 2026
MONTH = date(2026, 3, 1)
REPEAT = 3


def build(app, classes: int) -> int:
    """``classes`` classes of PER_CLASS clients; returns the attendance rows written."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        clients = classes * PER_CLASS
        staff = [Staff(name=f"Pegawai {i}", position="instructor", is_core_member=i < 5)
                 for i in range(classes + 10)]
        db.session.add_all(staff)
        db.session.flush()
        numbers = [f"2025-{i:05d}" for i in range(1, clients + 1)]
        db.session.execute(insert(RegisterNumber), [{"number": n} for n in numbers])
        db.session.execute(insert(Client), [
            {"register_number": n, "full_name": f"Klien Nomor {i}", "sex": "LP"[i % 2],
             "stage": "intervention", "district_of_origin": f"Kabupaten {i % 30}",
             "address": f"Jl. Melati {i}", "birth_date": date(1980, 1, 1) + timedelta(days=i),
             "admission_date": FIRST_DAY - timedelta(days=i % 90),
             "termination_date": date(2026, 3, 10) if i % 50 == 0 else None,
             "termination_reason": "goals_achieved" if i % 50 == 0 else None}
            for i, n in enumerate(numbers)
        ])
        skill = SkillType(name="Menjahit")
        db.session.add(skill)
        db.session.flush()
        days = [FIRST_DAY + timedelta(days=d) for d in range(WEEKS * 7)
                if (FIRST_DAY + timedelta(days=d)).isoweekday() <= 5]
        rows = 0
        for c in range(classes):
            klass = TrainingClass(name=f"Kelas {c}", skill_type=skill, instructor_id=staff[c].id,
                                  location=f"Ruang {c}", start_date=days[0], end_date=days[-1],
                                  weekdays="12345", start_time=clock(8), end_time=clock(10),
                                  capacity=PER_CLASS)
            db.session.add(klass)
            db.session.flush()
            members = range(c * PER_CLASS + 1, (c + 1) * PER_CLASS + 1)
            db.session.execute(insert(Enrollment), [
                {"class_id": klass.id, "client_id": m, "enrolled_on": days[0]} for m in members])
            db.session.execute(insert(TrainingSession), [
                {"class_id": klass.id, "date": day, "start_time": clock(8),
                 "end_time": clock(10)} for day in days])
            ids = db.session.scalars(select(TrainingSession.id).where(
                TrainingSession.class_id == klass.id)).all()
            batch = [{"session_id": sid, "client_id": m, "code": "HHHISA"[(m + s) % 6]}
                     for s, sid in enumerate(ids) for m in members]
            db.session.execute(insert(Attendance), batch)
            rows += len(batch)
        for k in range(100):
            conference = CaseConference(date=MONTH + timedelta(days=k % 28), kind="periodic_review",
                                        start_time=clock(13), end_time=clock(15),
                                        location="Ruang Rapat", chair_id=staff[0].id,
                                        summary="Ringkasan kasus " * 20,
                                        decisions="Keputusan dan rencana " * 20)
            db.session.add(conference)
            db.session.flush()
            db.session.execute(insert(conference_attendee), [
                {"conference_id": conference.id, "staff_id": staff[s].id} for s in range(5)])
            db.session.execute(insert(conference_client), [
                {"conference_id": conference.id, "client_id": 1 + (k * 5 + j) % clients}
                for j in range(5)])
        db.session.commit()
        return rows


def run_export(app, report: str, path: str) -> None:
    first, last = exports.month_bounds(MONTH)
    ctx = exports.Context(first, last, "Panti Sosial Bina Karya", "Jl. Raya 1",
                          "Dicetak oleh bench")
    with app.test_request_context():
        if report == "roster":
            exports.roster(path, ctx)
        elif report == "attendance":
            exports.training_attendance(path, ctx)
        elif report == "monthly":
            exports.monthly_report(path, ctx, ("Kepala", "1968"))
        else:
            exports.conference_log(path, ctx)
        db.session.remove()


def floor(path: str, sheets: int, rows: int, columns: int) -> None:
    """Plain XlsxWriter: the same cells (text, numbers, a date column), no database."""
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    dated = book.add_format({"num_format": "dd/mm/yyyy"})
    for s in range(sheets):
        ws = book.add_worksheet(f"S{s}")
        for r in range(rows):
            ws.write_number(r, 0, r)
            ws.write_datetime(r, 1, datetime(2026, 3, 1), dated)
            for c in range(2, columns):
                if c % 3:
                    ws.write_string(r, c, f"teks {r} {c}")
                else:
                    ws.write_number(r, c, c)
    book.close()


def measure(call) -> tuple[float, float]:
    """Median milliseconds of REPEAT runs, and the peak MiB of Python memory of one more."""
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    call()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def main() -> int:
    app = bench_app()
    folder = tempfile.mkdtemp(prefix="panti-bench-out-")
    out = os.path.join(folder, "out.xlsx")
    print("| size | export | ms | peak MiB | floor ms | floor peak MiB | × floor |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for classes in (25, 100):
        started = time.perf_counter()
        rows = build(app, classes)
        clients = classes * PER_CLASS
        print(f"<!-- built {clients} clients, {rows} attendance rows in "
              f"{time.perf_counter() - started:.0f} s -->", file=sys.stderr)
        # The floor writes what each export writes: sheets × rows × columns.
        shapes = {"roster": (1, clients, 22), "attendance": (classes, PER_CLASS + 2, 39),
                  "monthly": (3, 40, 11), "conferences": (1, 100, 10)}
        for report, shape in shapes.items():
            ms, peak = measure(lambda report=report: run_export(app, report, out))
            floor_ms, floor_peak = measure(lambda shape=shape: floor(out, *shape))
            print(f"| {clients:,} clients, {rows:,} rows | {report} | {ms:.0f} | {peak:.1f} | "
                  f"{floor_ms:.0f} | {floor_peak:.1f} | {ms / floor_ms:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
