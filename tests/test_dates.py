"""One "today", in the panti's time zone, and dates typed the Indonesian way."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

import services.dates as dates
from models import db


class _LateEveningUTC(datetime):
    """The server's clock at 23:30 UTC on 30/11/2026 — 06:30 on 01/12/2026 in Jakarta."""

    @classmethod
    def now(cls, tz=None):
        moment = datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc)
        return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)


@pytest.fixture
def late_evening_utc(monkeypatch):
    import models.base

    monkeypatch.setattr(dates, "datetime", _LateEveningUTC)
    monkeypatch.setattr(models.base, "datetime", _LateEveningUTC)  # stored moments too


def test_today_is_the_panti_date_not_the_servers(app, late_evening_utc):
    with app.app_context():
        assert dates.today() == date(2026, 12, 1)


def test_a_screen_defaults_to_the_panti_month(client, login_as, late_evening_utc):
    """At 23:30 UTC on the last day of November it is already December in the panti: the
    export centre offers December."""
    login_as("admin")
    html = client.get("/admin/export/").get_data(as_text=True)
    assert 'value="12/2026"' in html and 'value="11/2026"' not in html


def test_the_demo_reloaded_the_same_panti_day_adds_nothing(app, ctx, late_evening_utc):
    """The demo's anchor day is the panti's date of its first load, not the UTC date it was
    stored under (30/11 in UTC, already 01/12 in Jakarta): reloading adds nothing."""
    from seed.demo import load_demo
    from tests.test_demo import table_counts

    load_demo("panti-demo")
    db.session.commit()
    before = table_counts()
    load_demo("panti-demo")
    db.session.commit()
    assert table_counts() == before


@pytest.mark.parametrize("text", ["15/05/1968", "15-05-1968", "15.05.1968", "1968-05-15",
                                  " 15/5/1968 "])
def test_typed_dates_in_every_accepted_form(app, text):
    with app.test_request_context():
        assert dates.parse_date(text) == date(1968, 5, 15)


@pytest.mark.parametrize("text, message", [
    ("31/02/2026", "tidak ada di kalender"),
    ("15/05/9999", "Tanggal harus antara 01/01/1900 dan 31/12/2100."),
    ("05/15/1968", "tidak ada di kalender"),
    ("kemarin", "tulis hari/bulan/tahun"),
])
def test_a_wrong_date_gets_a_message(app, text, message):
    with app.test_request_context(), pytest.raises(ValueError, match=message):
        dates.parse_date(text)


@pytest.mark.parametrize("text", ["2026-11", "11/2026", "11-2026", "11.2026", " 11/2026 "])
def test_a_month_typed_either_way(app, text):
    with app.test_request_context():
        assert dates.parse_month(text) == date(2026, 11, 1)
        assert dates.month_key(dates.parse_month(text)) == "2026-11"


@pytest.mark.parametrize("text", ["2026-13", "13/2026", "11/9999", "november", ""])
def test_a_wrong_month_gets_a_message(app, text):
    with app.test_request_context(), pytest.raises(ValueError, match="bulan/tahun"):
        dates.parse_month(text)


def test_links_with_a_day_first_date_open_that_week_and_a_bad_one_today(
        client, login_as):
    login_as("admin")
    html = client.get("/admin/attendance_grid/?day=15/05/2026").get_data(as_text=True)
    assert "Minggu 11/05/2026 – 17/05/2026" in html
    html = client.get("/admin/attendance_grid/?day=2026-05-15").get_data(as_text=True)
    assert "Minggu 11/05/2026 – 17/05/2026" in html
    html = client.get("/admin/attendance_grid/?day=31/02/2026").get_data(as_text=True)
    assert "Minggu 11/05/2026" not in html and "Hari ini" in html


def test_times_typed_and_shown_as_hours_and_minutes(app):
    with app.test_request_context():
        assert dates.parse_time("13.00") == dates.parse_time("13:00:00") == time(13)
        assert dates.format_time(time(13)) == "13:00"
        with pytest.raises(ValueError, match="jam:menit"):
            dates.parse_time("25:00")


def test_the_client_form_takes_day_first_dates_and_says_what_is_wrong(app, client, login_as):
    from sqlalchemy import select

    from models import Client, db
    from tests.conftest import field_errors, post_form

    login_as("admin")
    form = {"full_name": "Sutrisno", "sex": "L", "stage": "approach", "religion": "__None",
            "referral_source": "__None", "room": "__None", "termination_reason": "__None",
            "admission_date": "05.01.2026"}
    refused = post_form(client, "/admin/client/new/", {**form, "birth_date": "31/02/1968"})
    html = refused.get_data(as_text=True)
    assert field_errors(html, "birth_date") == ["Tanggal 31/02/1968 tidak ada di kalender."]
    assert 'value="31/02/1968"' in html  # what was typed comes back to be corrected
    saved = post_form(client, "/admin/client/new/", {**form, "birth_date": "15/05/1968"})
    assert saved.status_code == 302
    with app.app_context():
        person = db.session.scalars(select(Client)).one()
        assert (person.birth_date, person.admission_date) == (date(1968, 5, 15),
                                                              date(2026, 1, 5))
    edit = client.get(f"/admin/client/edit/?id={person.id}").get_data(as_text=True)
    assert 'value="15/05/1968"' in edit and 'data-date-format="DD/MM/YYYY"' in edit


def test_stored_moments_are_shown_in_the_panti_time(app):
    with app.app_context():
        aware = datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc)
        naive = datetime(2026, 11, 30, 23, 30)  # as SQLite hands it back: UTC
        assert dates.format_datetime(aware) == dates.format_datetime(naive) == "01/12/2026 06:30"
        assert dates.format_datetime(None) == ""


def test_nothing_reads_the_servers_date():
    """``date.today()`` is the server's date: on a server in UTC it is yesterday from 00:00 to
    07:00 WIB. The console, its commands, benchmarks and tests ask ``services.dates.today``."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if not path.relative_to(root).parts[0].startswith(".")
                 and "date.today()" in path.read_text(encoding="utf-8")
                 and path.name != "test_dates.py"]
    assert offenders == []
