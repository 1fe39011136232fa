"""Sessions generated from a class's weekly pattern, across month ends, skipping holidays."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Holiday, TrainingSession, db
from services.training import generate_sessions

from .conftest import csrf_token, make_class

# Monday 26 January to Friday 6 February 2026, on Monday, Wednesday and Friday.
JAN_FEB = dict(weekdays="135")


def _class(**kw):
    klass = make_class("Menjahit Angkatan 3", **{**JAN_FEB, **kw})
    klass.start_date, klass.end_date = date(2026, 1, 26), date(2026, 2, 6)
    db.session.flush()
    return klass


def session_dates(class_id=None) -> list[date]:
    query = select(TrainingSession.date).order_by(TrainingSession.date)
    if class_id is not None:
        query = query.where(TrainingSession.class_id == class_id)
    return list(db.session.scalars(query))


def test_generation_crosses_the_month_end_and_skips_holidays(app, ctx):
    klass = _class()
    db.session.add(Holiday(date=date(2026, 2, 4), name="Libur panti"))
    created = generate_sessions(klass).created
    db.session.commit()
    expected = [date(2026, 1, 26), date(2026, 1, 28), date(2026, 1, 30), date(2026, 2, 2),
                date(2026, 2, 6)]
    assert [s.date for s in created] == expected
    assert session_dates() == expected
    stored = db.session.scalars(select(TrainingSession)).first()
    assert (stored.start_time, stored.end_time) == (klass.start_time, klass.end_time)
    # Running again adds nothing.
    assert generate_sessions(klass).created == []


def test_generation_keeps_sessions_already_there(app, ctx):
    klass = _class(weekdays="2")  # Tuesdays: 27 January and 3 February
    db.session.add(TrainingSession(training_class=klass, date=date(2026, 1, 27),
                                   start_time=klass.start_time, end_time=klass.end_time,
                                   topic="Mengukur pola"))
    db.session.commit()
    assert [s.date for s in generate_sessions(klass).created] == [date(2026, 2, 3)]
    db.session.commit()
    topics = db.session.scalars(select(TrainingSession.topic).order_by(TrainingSession.date))
    assert list(topics) == ["Mengukur pola", None]


def test_command_generates_for_every_class(app):
    with app.app_context():
        _class()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["generate-sessions"])
    assert result.exit_code == 0, result.output
    assert "Menjahit Angkatan 3: 6 pertemuan baru" in result.output
    again = app.test_cli_runner().invoke(args=["generate-sessions"])
    assert "Menjahit Angkatan 3: 0 pertemuan baru" in again.output
    missing = app.test_cli_runner().invoke(args=["generate-sessions", "--class-id", "999"])
    assert missing.exit_code != 0 and "tidak ditemukan" in missing.output


def _run_action(client, class_id, follow=True):
    token = csrf_token(client, "/admin/training_class/")
    return client.post("/admin/training_class/action/", data={
        "action": "generate_sessions", "rowid": str(class_id), "csrf_token": token,
        "url": "/admin/training_class/"}, follow_redirects=follow)


def test_admin_button_generates_and_the_sessions_list_shows_them(app, client, login_as):
    login_as("admin")
    with app.app_context():
        class_id = _class().id
        db.session.commit()
    html = _run_action(client, class_id).get_data(as_text=True)
    assert "6 pertemuan baru dibuat untuk 1 kelas." in html
    listing = client.get("/admin/training_session/").get_data(as_text=True)
    for shown in ("26/01/2026", "30/01/2026", "06/02/2026"):
        assert shown in listing


def test_instructor_cannot_run_the_action_even_on_own_class(app, client, login_as):
    me = login_as("instructor")
    with app.app_context():
        from models import Staff

        klass = _class(instructor=db.session.get(Staff, me["staff_id"]))
        db.session.commit()
        class_id = klass.id
    assert _run_action(client, class_id, follow=False).status_code == 403
    with app.app_context():
        assert session_dates(class_id) == []

