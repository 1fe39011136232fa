"""The floor page: bare Flask and the database driver, a count and one ``LIMIT 20`` query per
list in a minimal template. No list page can cost less; the console is measured against it.

Served by gunicorn as ``bench.compare.floor:create_app()`` with ``DATABASE_URL``.
"""

from __future__ import annotations

import os
import sqlite3

from flask import Flask, abort, render_template_string

from bench.compare import TABLES

PAGE = """<!doctype html><title>{{ table }}</title><h1>{{ table }} ({{ count }})</h1>
<table>{% for row in rows %}<tr>{% for value in row %}<td>{{ value }}</td>{% endfor %}</tr>
{% endfor %}</table>"""


def _connect(url: str):
    if url.startswith("sqlite:///"):
        return sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


def create_app() -> Flask:
    app = Flask(__name__)
    url = os.environ["DATABASE_URL"]
    held = []  # one connection per worker process, opened on its first request (after fork)

    @app.get("/floor/<table>/")
    def page(table: str):
        if table not in TABLES:
            abort(404)
        if not held:
            held.append(_connect(url))
        cursor = held[0].cursor()
        # The table name is one of TABLES, never the user's text.
        count = cursor.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        rows = cursor.execute(f"SELECT * FROM {table} ORDER BY id DESC LIMIT 20").fetchall()
        held[0].rollback()  # no transaction left open between requests
        return render_template_string(PAGE, table=table, count=count, rows=rows)

    return app
