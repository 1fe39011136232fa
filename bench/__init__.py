"""Benchmarks (``make bench``): a throw-away database, the app's own pages, figures printed
as Markdown for docs/performance.md. Shared helpers below."""

from __future__ import annotations

import os
import tempfile
import time

from sqlalchemy import event


def bench_app():
    """The app on a fresh SQLite file (or ``BENCH_DATABASE_URL``, whose tables it drops)."""
    from app import create_app

    folder = tempfile.mkdtemp(prefix="panti-bench-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.db")
    return create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                       "UPLOAD_FOLDER": f"{folder}/uploads"})


def login(client, username: str, password: str) -> None:
    """Log the test client in through the real form."""
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = client.post("/login", data={"csrf_token": token, "username": username,
                                           "password": password})
    assert response.status_code == 302, "login failed"


def measured(app, call):
    """``call()``'s result, its wall-clock and CPU seconds and the SQL statements it ran."""
    from models import db

    with app.app_context():
        engine = db.engine
    statements: list[int] = []

    def record(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", record)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        result = call()
    finally:
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        event.remove(engine, "before_cursor_execute", record)
    return result, wall, cpu, len(statements)


def timed(app, call):
    """``call()``'s result, its milliseconds and the SQL statements it ran."""
    result, wall, _cpu, statements = measured(app, call)
    return result, wall * 1000, statements
