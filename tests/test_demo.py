"""The demo data: realistic, consistent with the rules, and idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from models import Attendance, Client, Enrollment, Room, TrainingClass, User, db
from models.choices import ACTIVE_STAGES
from seed.demo import load_demo
from services.conflicts import describe, find_conflicts
from services.schedule import bookings_between

from .conftest import csrf_token


def table_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


def test_demo_twice_gives_the_same_data(app, ctx):
    first = load_demo("panti-demo", today=date(2026, 11, 22))
    db.session.commit()
    before = table_counts()
    second = load_demo("panti-demo", today=date(2026, 11, 22))
    db.session.commit()
    assert first == second
    assert table_counts() == before
    assert first["klien"] == 60 and before["client"] == 60
    # Every stage is represented, and the demo respects the rules the forms enforce.
    stages = set(db.session.scalars(select(Client.stage)))
    assert stages == {"approach", "admission", "assessment", "planning", "contract",
                      "intervention", "case_conference", "resocialization", "termination",
                      "aftercare"}
    for room in db.session.scalars(select(Room)):
        assert room.occupancy <= room.capacity, room.name
    for klass in db.session.scalars(select(TrainingClass)):
        assert klass.enrolled_count <= klass.capacity
    unenrolled = db.session.scalar(
        select(func.count()).select_from(Attendance).where(~select(Enrollment.id).where(
            Enrollment.client_id == Attendance.client_id).exists())
    )
    assert unenrolled == 0
    active = db.session.scalar(select(func.count()).select_from(Client).where(
        Client.stage.in_(ACTIVE_STAGES), Client.social_worker_id.is_(None)))
    assert active == 0
    # Nobody is double-booked: the demo keeps the scheduling rule the forms enforce.
    everything = bookings_between(date(2025, 1, 1), date(2027, 12, 31))
    assert len(everything) > 600
    assert describe(find_conflicts(everything)) == []


def test_demo_rerun_on_a_later_day_adds_nothing(app, ctx):
    load_demo("panti-demo")
    db.session.commit()
    before = table_counts()
    load_demo("panti-demo")  # the anchor is the first load's day, whatever today is
    db.session.commit()
    assert table_counts() == before


def test_seed_command_creates_one_login_per_role(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "klien 60" in result.output
    with app.app_context():
        roles = dict(db.session.execute(select(User.username, User.role)).all())
    assert roles == {"admin": "admin", "kepala": "head", "peksos": "social_worker",
                     "instruktur": "instructor", "staf": "staff"}
    # Each demo account logs in with the demo password and sees its own home page.
    for username in roles:
        client = app.test_client()
        response = client.post("/login", data={
            "csrf_token": csrf_token(client, "/login"), "username": username,
            "password": app.config["DEMO_PASSWORD"]}, follow_redirects=True)
        assert "Selamat datang" in response.get_data(as_text=True), username


def test_instructor_sees_only_own_classes_in_demo(app, client):
    with app.app_context():
        load_demo("panti-demo")
        db.session.commit()
        me = db.session.scalar(select(User).where(User.username == "instruktur"))
        mine = set(db.session.scalars(select(TrainingClass.name).where(
            TrainingClass.instructor_id == me.staff_id)))
        others = set(db.session.scalars(select(TrainingClass.name))) - mine
    assert mine and others
    client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                "username": "instruktur", "password": "panti-demo"})
    html = client.get("/admin/training_class/").get_data(as_text=True)
    for name in mine:
        assert name in html
    for name in others:
        assert name not in html
