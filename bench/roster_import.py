"""Benchmark: the roster import at the scale it promises, through the real screens.

Builds a throw-away database (SQLite, or ``BENCH_DATABASE_URL``) with 5,000 registered
clients, 100 rooms and 40 social workers, then, logged in as the admin:

* **create**: uploads a workbook in the export's layout with ``ROWS`` new clients (no
  register numbers, every column filled: NIK, rooms, social workers, districts…) — the dry
  run — and confirms it;
* **update**: uploads the same 5,000 registered clients with a changed cohort and confirms.

Each is timed as the user waits for it (the HTTP request, wall clock) and as CPU seconds of
this process, with the SQL statements counted (those sent through SQLAlchemy: on PostgreSQL
the import's COPYs go to the driver directly and are not among them); median of ``REPEAT``
fresh runs. The load average before and after is printed with the figures: the wall clock
means little on a busy machine. Run with ``python -m bench.roster_import`` (also part of
``make bench``); rows: ``BENCH_ROWS``.
"""

from __future__ import annotations

import io
import os
import re
import statistics
import sys
import tempfile
from datetime import date

from sqlalchemy import func, insert, select

from bench import bench_app, login, measured
from models import Client, RegisterNumber, Room, Staff, User, db
from services.exports import ROSTER_COLUMNS
from services.workbook import Report

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))
REGISTERED = 5000
REPEAT = 3
DISTRICTS = [f"Kabupaten Daerah {chr(65 + i)}" for i in range(26)]
PASSWORD = "kata-sandi-bench-123"


def build(app) -> None:
    """5,000 registered clients (no room), 100 rooms of 60, 40 social workers, an admin."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        workers = [Staff(name=f"Peksos {i:02d}", position="social_worker") for i in range(40)]
        admin = Staff(name="Tata Usaha", position="administration")
        db.session.add_all([*workers, admin])
        db.session.add_all([Room(name=f"Asrama {i:03d}", sex="LP"[i % 2], capacity=60)
                            for i in range(100)])
        user = User(username="admin", role="admin", staff=admin)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
        numbers = [f"2025-{i:04d}" for i in range(1, REGISTERED + 1)]
        db.session.execute(insert(RegisterNumber), [{"number": n} for n in numbers])
        db.session.execute(insert(Client), [
            {"register_number": n, "full_name": f"Klien Terdaftar {i}", "sex": "LP"[i % 2],
             "stage": "intervention", "district_of_origin": DISTRICTS[i % 26], "cohort": 1,
             "admission_date": date(2025, 1 + i % 12, 1 + i % 28)}
            for i, n in enumerate(numbers)])
        db.session.commit()


def _nik(i: int, sex: str, born: date) -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"3204{i % 100:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{i % 10000:04d}"


def new_clients(path: str, rows: int) -> None:
    """``rows`` new clients in the export's layout, every column filled."""
    headers = ["No", *(str(h) for h, _a in ROSTER_COLUMNS)]
    with Report(path, title="Buku Induk Klien", period="", institution="Panti",
                address="", printed="") as book:
        sheet = book.sheet("Buku induk", headers)
        for i in range(rows):
            sex = "LP"[i % 2]
            born = date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
            values = {
                "register_number": None, "cohort": 4, "full_name": f"Klien Baru {i}",
                "sex": sex, "birth_place": "Garut", "birth_date": born, "religion": "Islam",
                "nik": _nik(i, sex, born), "family_card_number": f"32040{i:011d}",
                "address": f"Jl. Melati No. {i}", "district_of_origin": DISTRICTS[i % 26],
                "guardian_name": f"Wali {i}", "guardian_relation": "Ayah",
                "guardian_phone": f"08123{i:07d}", "referral_source": "Dinas Sosial",
                "admission_date": date(2026, 1 + i % 10, 1 + i % 28),
                "stage": "3. Asesmen",
                "room": f"Asrama {(i // 2) % 50 * 2 + i % 2:03d}",  # a room of the right sex
                "social_worker": f"Peksos {i % 40:02d}",
                "termination_date": None, "termination_reason": None,
            }
            sheet.row([i + 1, *(values[attr] for _h, attr in ROSTER_COLUMNS)])
        sheet.finish()


def changed_clients(path: str) -> None:
    """The registered clients with another cohort (the columns an export has)."""
    headers = ["No", "Nomor induk", "Angkatan", "Nama lengkap", "L/P"]
    with Report(path, title="Buku Induk Klien", period="", institution="Panti",
                address="", printed="") as book:
        sheet = book.sheet("Buku induk", headers)
        for i in range(REGISTERED):
            sheet.row([i + 1, f"2025-{i + 1:04d}", 2, f"Klien Terdaftar {i}", "LP"[i % 2]])
        sheet.finish()


def _csrf(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]


def run(app, path: str) -> dict[str, tuple[float, float, int]]:
    """Upload ``path`` and confirm it; (wall s, CPU s, statements) of each step."""
    client = app.test_client()
    login(client, "admin", PASSWORD)
    token = _csrf(client, "/admin/client_import/")
    with open(path, "rb") as handle:
        content = handle.read()
    response, *upload = measured(app, lambda: client.post("/admin/client_import/", data={
        "csrf_token": token, "file": (io.BytesIO(content), "buku-induk.xlsx")},
        content_type="multipart/form-data"))
    html = response.get_data(as_text=True)
    found = re.search(r'name="token" value="(\w+)"', html)
    assert found, re.findall(r'data-testid="import-(?:summary|error)">(.*?)<', html)
    data = {"csrf_token": token, "token": found.group(1)}
    response, *confirm = measured(app, lambda: client.post("/admin/client_import/confirm/",
                                                           data=data))
    assert response.status_code == 302, response.status_code
    assert "Impor selesai" in client.get(response.headers["Location"]).get_data(as_text=True)
    return {"dry run": tuple(upload), "confirm": tuple(confirm)}


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> int:
    before = _load()
    app = bench_app()
    folder = tempfile.mkdtemp(prefix="panti-bench-import-")
    files = {"create": os.path.join(folder, "new.xlsx"),
             "update": os.path.join(folder, "changed.xlsx")}
    new_clients(files["create"], ROWS)
    changed_clients(files["update"])
    results: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for _ in range(REPEAT):
        for kind, path in files.items():
            build(app)
            for step, figures in run(app, path).items():
                results.setdefault((kind, step), []).append(figures)
            with app.app_context():
                clients = db.session.scalar(select(func.count()).select_from(Client))
                assert clients == REGISTERED + (ROWS if kind == "create" else 0), clients
    engine = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    print(f"load average (1, 5, 15 min) before: {before}, after: {_load()}")
    rows = {"create": ROWS, "update": REGISTERED}
    print(f"| import ({engine}) | rows | step | wall s | CPU s | SQL statements |")
    print("|---|---:|---|---:|---:|---:|")
    for (kind, step), runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"| {kind} | {rows[kind]:,} | {step} | {wall:.2f} | {cpu:.2f} | {runs[0][2]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
