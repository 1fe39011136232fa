"""List pages that stay fast at a province's scale (issue 17): the attendance list sorted
through an inner join and bounded in depth, subquery counts computed for the page's rows
only, and the enrollment list's order read from its index."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from sqlalchemy import text

from models import Attendance, Enrollment, GuidanceSchedule, TrainingSession, db

from .conftest import make_class, make_client, make_room, make_staff
from .test_list_queries import counting_queries


def _view(app, endpoint: str):
    admin = app.extensions["admin"][0]
    return next(view for view in admin._views if getattr(view, "endpoint", None) == endpoint)


def _page_query(statements: list[str]) -> str:
    """The statement that reads the page's rows (the one with LIMIT that is no count)."""
    (found,) = [s for s in statements if "LIMIT" in s and "count(" not in s.lower()]
    return found


@pytest.fixture
def attendance_rows(app):
    """Three training attendance rows on three dates in two classes, and a guidance row
    (not a training row: the attendance list never shows it)."""
    with app.app_context():
        sewing, welding = make_class("Menjahit A"), make_class("Las B")
        first, second, third = (make_client(name) for name in (
            "Klien Pertama", "Klien Kedua", "Klien Ketiga"))
        for klass, day, person, code in ((sewing, 2, first, "H"), (welding, 3, second, "I"),
                                         (sewing, 4, third, "S")):
            session = TrainingSession(training_class=klass, date=date(2026, 3, day),
                                      start_time=time(8), end_time=time(9))
            db.session.add(Attendance(session=session, client=person, code=code))
        group = GuidanceSchedule(guidance_type="social_group", title="Kelompok Senin",
                                 weekday=1, start_time=time(9), end_time=time(10),
                                 staff=make_staff(), clients=[first])
        db.session.add(Attendance(guidance=group, guidance_date=date(2026, 3, 9),
                                  client=first, code="A"))
        db.session.commit()


def _names_in_order(html: str) -> list[str]:
    return re.findall(r"Klien (Pertama|Kedua|Ketiga)", html)


def test_attendance_list_sorts_by_session_date_through_an_inner_join(
        app, client, login_as, attendance_rows):
    """Newest session first, training rows only, and the same rows under a class filter;
    the ORDER BY's session comes from an inner join (a LEFT OUTER JOIN no index serves)."""
    login_as("admin")
    with counting_queries(app) as statements:
        html = client.get("/admin/attendance/").get_data(as_text=True)
    assert _names_in_order(html) == ["Ketiga", "Kedua", "Pertama"]
    query = _page_query(statements)
    # The session's id next (a session's rows together), then the row's own.
    alias = re.search(r"ORDER BY (\w+)\.date DESC, \1\.id DESC, attendance\.id DESC",
                      query).group(1)
    assert f"JOIN training_session AS {alias} ON" in query
    assert f"OUTER JOIN training_session AS {alias} ON" not in query

    view = _view(app, "attendance")
    by_class = next(index for index, flt in enumerate(view._filters)
                    if str(flt.name) == "Kelas" and str(flt.operation()) == "equals")
    html = client.get(f"/admin/attendance/?flt0_{by_class}=Menjahit+A").get_data(as_text=True)
    assert _names_in_order(html) == ["Ketiga", "Pertama"]


def test_attendance_list_beyond_its_row_limit_shows_the_last_page_and_says_how_to_go_on(
        app, client, login_as, attendance_rows, monkeypatch):
    """With one row a page and a limit of two rows, page 3 (and any deeper one) shows the
    second page with the message; the second page itself has no message."""
    login_as("admin")
    view = _view(app, "attendance")
    monkeypatch.setattr(view, "page_size", 1)
    monkeypatch.setattr(view, "list_row_limit", 2)
    within = client.get("/admin/attendance/?page=1").get_data(as_text=True)
    assert _names_in_order(within) == ["Kedua"]
    assert "hanya menampilkan" not in within
    for page in (2, 3, 4000):
        beyond = client.get(f"/admin/attendance/?page={page}").get_data(as_text=True)
        assert _names_in_order(beyond) == ["Kedua"], page
        assert ("Daftar ini hanya menampilkan 2 baris pertama menurut urutannya (sampai "
                "halaman 2). Untuk data yang lebih jauh, persempit daftar dengan filter "
                "(misalnya tanggal atau kelas) atau pencarian.") in beyond


def test_a_bounded_list_counts_only_as_far_as_it_pages(app, client, login_as,
                                                      attendance_rows, monkeypatch):
    """Past its row limit the list's tab says "lebih dari N" (the count stopped one row
    past it, with a LIMIT, instead of reading every row); within it, the exact number — with
    a filter or a search too."""
    login_as("admin")
    view = _view(app, "attendance")
    monkeypatch.setattr(view, "list_row_limit", 2)
    with counting_queries(app) as statements:
        html = client.get("/admin/attendance/").get_data(as_text=True)
    assert "Daftar (lebih dari 2)" in html
    (count,) = [s for s in statements if "count(" in s.lower()]
    assert "LIMIT" in count
    by_code = next(index for index, flt in enumerate(view._filters)
                   if str(flt.name) == "Kehadiran")
    html = client.get(f"/admin/attendance/?flt0_{by_code}=S").get_data(as_text=True)
    assert "Daftar (1)" in html and _names_in_order(html) == ["Ketiga"]
    html = client.get("/admin/attendance/?search=Kedua").get_data(as_text=True)
    assert "Daftar (1)" in html
    monkeypatch.setattr(view, "list_row_limit", 3)
    assert "Daftar (3)" in client.get("/admin/attendance/").get_data(as_text=True)


def test_subquery_counts_are_read_for_the_page_rows_only(app, client, login_as):
    """Rooms show their occupants and classes their participants, counted in a query of
    their own for the page's rows; no page query of these lists (nor of the lists that
    load a room or a class with each row) computes a count for every row it sorts."""
    login_as("admin")
    with app.app_context():
        room, klass = make_room("Asrama Melati"), make_class("Sablon C")
        living = [make_client(f"Penghuni {i}", room=room) for i in range(2)]
        make_client("Sudah Keluar", stage="termination", room=room,
                    termination_date=date(2026, 2, 1), termination_reason="goals_achieved")
        for person in living:
            db.session.add(Enrollment(training_class=klass, client=person,
                                      enrolled_on=date(2026, 1, 5)))
        db.session.add(TrainingSession(training_class=klass, date=date(2026, 3, 2),
                                       start_time=time(8), end_time=time(9)))
        db.session.commit()
    for endpoint, count_of, shown in (("room", "client", "Asrama Melati"),
                                      ("training_class", "enrollment", "Sablon C")):
        with counting_queries(app) as statements:
            html = client.get(f"/admin/{endpoint}/").get_data(as_text=True)
        row = html.split(shown, 1)[1].split("</tr>", 1)[0]
        assert re.search(r">\s*2\s*<", row), (endpoint, row)
        assert f"count({count_of}.id)" not in _page_query(statements)
        assert any(f"count({count_of}.id)" in s and "IN (" in s for s in statements)
    for endpoint in ("client", "enrollment", "training_session", "attendance"):
        with counting_queries(app) as statements:
            assert client.get(f"/admin/{endpoint}/").status_code == 200
        assert "count(" not in _page_query(statements), endpoint


def test_enrollment_list_reads_its_default_order_from_an_index(app, client, login_as):
    """The newest enrollment first, ties by the newest id, straight from
    ix_enrollment_enrolled_on (SQLite's plan: no sort of the table)."""
    login_as("admin")
    with app.app_context():
        klass = make_class("Menjahit D")
        for name, day in (("Klien Pertama", 5), ("Klien Kedua", 9), ("Klien Ketiga", 9)):
            db.session.add(Enrollment(training_class=klass, client=make_client(name),
                                      enrolled_on=date(2026, 1, day)))
        db.session.commit()
    with counting_queries(app) as statements:
        html = client.get("/admin/enrollment/").get_data(as_text=True)
    assert _names_in_order(html) == ["Ketiga", "Kedua", "Pertama"]
    query = _page_query(statements)
    assert "ORDER BY enrollment.enrolled_on DESC, enrollment.id DESC" in query
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            print("plan checked on SQLite only: PostgreSQL chooses a sequential scan for "
                  "a handful of rows")
            return
        plan = " | ".join(row[-1] for row in db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + query, (20, 0)))
    assert "USING INDEX ix_enrollment_enrolled_on" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_enrollment_index_is_in_the_schema(app):
    with app.app_context():
        indexes = {row[1] for row in db.session.execute(text(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename = 'enrollment'"
            if db.engine.dialect.name == "postgresql" else
            "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'enrollment'"))}
    assert "ix_enrollment_enrolled_on" in indexes
