"""List pages run a fixed number of SQL queries, however many rows they show."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import time, timedelta

import pytest
from sqlalchemy import event
from werkzeug.security import generate_password_hash

from models import (
    Attendance,
    CaseConference,
    CaseNote,
    Enrollment,
    GuidanceSchedule,
    NetworkPartner,
    RecreationActivity,
    ServiceContract,
    SkillType,
    TrainingSession,
    User,
    db,
)
from services.dates import today as panti_today

from .conftest import make_class, make_client, make_room, make_staff


@contextmanager
def counting_queries(app, parameters: bool = False):
    """Collect the SQL statements the app runs inside the block (with ``parameters``: each
    as a (statement, parameters) pair, to be explained)."""
    statements: list = []

    def record(conn, cursor, statement, bound, context, executemany):
        statements.append((statement, bound) if parameters else statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def build_rows(first: int, last: int, worker_staff_id: int) -> None:
    """Rows ``first``..``last - 1`` of every screen's model, with their related rows."""
    today = panti_today()
    password_hash = generate_password_hash("kata-sandi-panjang", method="pbkdf2:sha256:1")
    for i in range(first, last):
        worker = make_staff(f"Peksos {i}", "social_worker")
        instructor = make_staff(f"Instruktur {i}", "instructor")
        room = make_room(f"Asrama {i}", capacity=5)
        person = make_client(f"Klien {i}", social_worker=worker, room=room)
        mine = make_client(f"Klien saya {i}")
        mine.social_worker_id = worker_staff_id
        klass = make_class(f"Kelas {i}", instructor=instructor)
        db.session.add(Enrollment(training_class=klass, client=person, enrolled_on=today))
        session = TrainingSession(training_class=klass, date=today - timedelta(days=1),
                                  start_time=time(8), end_time=time(9))
        db.session.add(session)
        db.session.add(Attendance(session=session, client=person, code="H"))
        db.session.add(RecreationActivity(kind="chess", title=f"Catur {i}", date=today,
                                          start_time=time(15), end_time=time(16),
                                          leader=worker, participants=[person, mine]))
        db.session.add(GuidanceSchedule(guidance_type="social_group", title=f"Kelompok {i}",
                                        weekday=1 + i % 7, start_time=time(9),
                                        end_time=time(10), staff=worker, clients=[person]))
        db.session.add(CaseConference(date=today, kind="periodic_review", chair=worker,
                                      attendees=[worker, instructor], clients=[person, mine]))
        db.session.add(NetworkPartner(name=f"Mitra {i}", kind="ngo"))
        db.session.add(ServiceContract(client=mine, social_worker=worker, kind="primary",
                                       problem="p", goals="g", start_date=today,
                                       end_date=today, status="draft"))
        db.session.add(CaseNote(client=mine, author=worker, kind="progress", date=today,
                                content=f"Catatan {i}"))
        db.session.add(SkillType(name=f"Keterampilan tambahan {i}"))
        db.session.add(User(username=f"pengguna{i}", role="staff", staff=worker,
                            password_hash=password_hash))
    db.session.commit()


SCREENS = {
    "admin": ("client", "training_class", "enrollment", "training_session", "attendance",
              "guidance", "recreation", "partner", "staff", "room", "skill_type", "user"),
    "head": ("conference", "audit"),
    "social_worker": ("contract", "case_note"),
}


@pytest.mark.parametrize("role", SCREENS)
def test_list_query_count_does_not_grow_with_rows(app, client, login_as, monkeypatch, role):
    """Each of the role's list pages with 2 and with 18 rows of everything: the same number
    of statements, at most 12, and no URL built per row (a row's buttons and links reuse the
    page's; the rows are built once for all the role's screens)."""
    me = login_as(role)
    built: list[str] = []
    url_for = app.url_for
    monkeypatch.setattr(app, "url_for", lambda endpoint, **values: (
        built.append(endpoint), url_for(endpoint, **values))[1])
    urls: dict[str, list[int]] = {endpoint: [] for endpoint in SCREENS[role]}
    counts: dict[str, list[int]] = {endpoint: [] for endpoint in SCREENS[role]}
    shown: dict[str, list[int]] = {endpoint: [] for endpoint in SCREENS[role]}
    for first, last in ((0, 2), (2, 18)):
        with app.app_context():
            build_rows(first, last, me["staff_id"])
        for endpoint in SCREENS[role]:
            built.clear()
            with counting_queries(app) as statements:
                page = client.get(f"/admin/{endpoint}/")
            urls[endpoint].append(len(built))
            assert page.status_code == 200, endpoint
            counts[endpoint].append(len(statements))
            shown[endpoint].append(page.get_data(as_text=True).count("<tr"))
    growing = {endpoint: found for endpoint, found in counts.items()
               if found[0] != found[1] or found[1] > 12}
    assert growing == {}, f"queries for 2 vs 18 rows (at most 12): {growing}"
    # 16 more rows: fewer than 16 more URLs (the pager's links may appear), not one a row.
    assert {endpoint: found for endpoint, found in urls.items()
            if found[1] - found[0] >= 16} == {}
    # The pages did show the new rows (a page that lists nothing would run few queries).
    assert {endpoint: rows for endpoint, rows in shown.items() if rows[1] <= rows[0]} == {}
