"""Benchmark: the duplicate check of registration at 100,000 clients (``make bench``).

Builds a throw-away roster (SQLite, or ``BENCH_DATABASE_URL``) of ``BENCH_CLIENTS`` clients
with realistic names — every combination of the demo's Indonesian given names and family
names, many of them shared — with their keys, then times ``services.duplicates.likely_same``
for a spread of registrations: a common name alone, a misspelt name with a birth date, a NIK,
a guardian phone. Prints a Markdown table of the median and worst milliseconds.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from itertools import cycle, product

from sqlalchemy import insert, text

from bench import bench_app, timed

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "100000"))
REPEAT = 15


def build(app) -> list[dict]:
    """The roster in bulk (clients, register numbers, keys); returns a sample of it."""
    from models import Client, ClientNameKey, RegisterNumber, db
    from seed.demo.clients import MEN
    from services.duplicates import KEY_FIELDS, keys

    given = sorted({word for names in MEN.values() for name in names
                    for word in name.split()[:1]})
    family = sorted({word for names in MEN.values() for name in names
                     for word in name.split()[1:]}) + ["bin Yusuf", "Hidayat", "Saputra"]
    rng = random.Random(7)
    names = cycle(f"{first} {last}" for first, last in product(given, family))
    rows = []
    for i in range(CLIENTS):
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        rows.append({"register_number": f"2026-{i + 1:06d}", "full_name": next(names),
                     "sex": "L", "stage": "intervention", "birth_date": born,
                     "birth_place": rng.choice(("Bandung", "Garut", "Cirebon", "Medan")),
                     "nik": f"3204{i:012d}" if i % 3 == 0 else None,
                     "guardian_phone": f"0812{i:08d}" if i % 4 == 0 else None})
    with app.app_context():
        db.drop_all()
        db.create_all()
        for start in range(0, CLIENTS, 10000):
            chunk = rows[start:start + 10000]
            db.session.execute(insert(RegisterNumber),
                               [{"number": r["register_number"]} for r in chunk])
            db.session.execute(insert(Client), chunk)
        ids = dict(db.session.execute(text("SELECT register_number, id FROM client")).all())
        key_rows = [{"client_id": ids[r["register_number"]], "key": key}
                    for r in rows for key in keys({name: r.get(name) for name in KEY_FIELDS})]
        for start in range(0, len(key_rows), 20000):
            db.session.execute(insert(ClientNameKey), key_rows[start:start + 20000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    return rows[::max(1, CLIENTS // 50)]


def main() -> int:
    from services.duplicates import likely_same

    app = bench_app()
    started = time.perf_counter()
    sample = build(app)
    engine = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"built {CLIENTS} clients with their keys in {time.perf_counter() - started:.1f} s "
          f"on {engine}")
    person = sample[7]
    name = person["full_name"]  # written again in the old spelling, or with a doubled letter
    misspelt = name.replace("u", "oe", 1) if "u" in name else name.replace("a", "aa", 1)
    cases = {
        "a common name alone (no match)": {"full_name": "Muhammad Rizki", "sex": "L"},
        f"misspelt name + birth date ({misspelt})": {
            "full_name": misspelt, "sex": "L",
            "birth_date": person["birth_date"] + timedelta(days=300)},
        "NIK only": {"full_name": "Tanpa Nama", "sex": "L",
                     "nik": next(r["nik"] for r in sample if r["nik"])},
        "guardian phone + given name": {
            "full_name": next(r for r in sample if r["guardian_phone"])["full_name"].split()[0],
            "sex": "L", "guardian_phone": next(r["guardian_phone"] for r in sample
                                               if r["guardian_phone"])},
    }
    print("\n| registration | matches | median ms | worst ms | SQL |\n|---|---:|---:|---:|---:|")
    with app.app_context():
        for label, values in cases.items():
            times, found, statements = [], [], 0
            for _ in range(REPEAT):
                found, ms, statements = timed(app, lambda values=values: likely_same(
                    values, today=date(2026, 11, 30)))
                times.append(ms)
            print(f"| {label} | {len(found)} | {statistics.median(times):.1f} | "
                  f"{max(times):.1f} | {statements} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
