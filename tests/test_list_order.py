"""The attendance list sorted by any column it offers (issue 17): a client's rows stay
together, pages neither repeat nor skip a row, and the database reads the page in order
through an index instead of sorting the whole table (bench/scale.py: 5,000,000 rows)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from models import Attendance, TrainingSession, db

from .conftest import make_class, make_client, make_staff
from .test_list_queries import counting_queries

NAME, CODE = 3, 4  # the sort links of the list's "Nama klien" and "Kehadiran" columns
CODES = "HISA"


def _attendance() -> dict[int, str]:
    """Five clients (two of one name) at six sessions (30 rows: two pages); client id →
    name."""
    klass = make_class(instructor=make_staff("Instruktur Satu", "instructor"))
    clients = [make_client(name, number=f"2026-{i:04d}") for i, name in enumerate(
        ("Wati", "Asep", "Budi", "Asep", "Dedi"), start=1)]
    sessions = [TrainingSession(class_id=klass.id, date=date(2026, 3, 2) + timedelta(days=i),
                                start_time=time(8), end_time=time(11)) for i in range(6)]
    db.session.add_all(sessions)
    db.session.flush()
    db.session.add_all(Attendance(session_id=session.id, client_id=client.id,
                                  code=CODES[(i + j) % 4])
                       for i, session in enumerate(sessions)
                       for j, client in enumerate(clients))
    db.session.commit()
    return {client.id: client.full_name for client in clients}


def _rows(client, url: str) -> list[tuple[str, str, str, str]]:
    """(register number, name, code, date) of each row the list page shows."""
    html = client.get(url).get_data(as_text=True)
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)[1:]:
        cells = [re.sub(r"<[^>]+>", "", cell).strip()
                 for cell in re.findall(r'<td class="col-[^"]*"[^>]*>(.*?)</td>', row, re.S)]
        if cells:
            rows.append((cells[2], cells[3], cells[4], cells[0]))
    return rows


@pytest.mark.parametrize("desc", [False, True])
def test_sorted_by_name_each_clients_rows_stay_together_and_pages_do_not_overlap(
        app, client, login_as, desc):
    login_as("admin")
    with app.app_context():
        names = _attendance()
    flag = "&desc=1" if desc else ""
    pages = [_rows(client, f"/admin/attendance/?sort={NAME}{flag}&page={page}")
             for page in range(2)]
    rows = [row for page in pages for row in page]
    assert [len(page) for page in pages] == [20, 10] and len(set(rows)) == 30  # none twice
    shown = [name for _number, name, _code, _day in rows]
    assert shown == sorted(shown, reverse=desc) and set(shown) == set(names.values())
    # The two clients named Asep are not interleaved: each one's six rows come together.
    numbers = [number for number, name, _code, _day in rows if name == "Asep"]
    assert numbers == [numbers[0]] * 6 + [numbers[6]] * 6 and numbers[0] != numbers[6]


@pytest.mark.parametrize("desc", [False, True])
def test_sorted_by_code_pages_read_the_codes_in_order(app, client, login_as, desc):
    login_as("admin")
    with app.app_context():
        _attendance()
    flag = "&desc=1" if desc else ""
    pages = [_rows(client, f"/admin/attendance/?sort={CODE}{flag}&page={page}")
             for page in range(2)]
    rows = [row for page in pages for row in page]
    assert [len(page) for page in pages] == [20, 10] and len(set(rows)) == 30
    # Shown as the code's word, sorted by the stored letter: A, H, I, S.
    letters = [code[0] for _number, _name, code, _day in rows]
    assert letters == sorted(letters, reverse=desc) and set(letters) == set(CODES)


def _page_query_plan(app, client, url: str) -> tuple[str, str]:
    """The list's page query (the SELECT with ORDER BY … LIMIT) and the engine's plan."""
    with counting_queries(app, parameters=True) as statements:
        assert client.get(url).status_code == 200
    statements = [(sql, bound) for sql, bound in statements
                  if "ORDER BY" in sql and "LIMIT" in sql]
    (statement, parameters), = statements
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                              parameters).all()
        else:
            # Where the rows can be read in order, PostgreSQL then does so: a Sort left in
            # the plan has no index to read from.
            connection.exec_driver_sql("SET LOCAL enable_sort = off")
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        db.session.rollback()
    return statement, "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("url", [
    f"/admin/attendance/?sort={NAME}", f"/admin/attendance/?sort={NAME}&desc=1",
    f"/admin/attendance/?sort={CODE}", f"/admin/attendance/?sort={CODE}&desc=1",
    "/admin/attendance/",  # newest first, by the session's date
])
def test_each_offered_sort_is_read_in_order_not_sorted(app, client, login_as, url):
    login_as("admin")
    with app.app_context():
        _attendance()
    statement, plan = _page_query_plan(app, client, url)
    # SQLite may sort the rows of one client (its "right part"), never the whole list;
    # PostgreSQL may do the same with an incremental sort.
    whole = re.search(r"USE TEMP B-TREE FOR ORDER BY|(^|->\s+)Sort\b", plan, re.M)
    assert whole is None, f"{plan}\n{statement}"
