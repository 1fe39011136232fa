"""Fixtures: one app per test session, an emptied database per test, a login per role.

The suite runs on SQLite by default. With TEST_DATABASE_URL set (``.ci/run`` sets it when a
PostgreSQL server answers) the same tests run against PostgreSQL.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import threading
from datetime import date, time
from html import unescape
from pathlib import Path
from time import process_time

import pytest
from sqlalchemy import text
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from models import Client, Room, Staff, TrainingClass, User, db
from services.clients import issue_register_number

PASSWORD = "kata-sandi-uji-123"
# Seconds of this process's CPU one test may spend (the live server's threads included):
# CPU, not wall-clock time, so a busy machine does not fail a test, and a test that got
# slower is noticed. A test that needs more says so with @pytest.mark.cpu_budget(seconds).
CPU_BUDGET = float(os.environ.get("TEST_CPU_BUDGET", "4"))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ROLE_POSITIONS = {
    "admin": "administration",
    "head": "head",
    "social_worker": "social_worker",
    "instructor": "instructor",
    "staff": "caregiver",
}


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (``test_gw0``…),
    created on first use, so parallel workers never empty each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    import psycopg

    base, _slash, name = url.rpartition("/")
    name, _q, query = name.partition("?")
    own = f"{name}_{worker}"
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{own}"')
    return f"{base}/{own}" + (f"?{query}" if query else "")


def test_database_url() -> str | None:
    """TEST_DATABASE_URL with the psycopg driver and this worker's own database, or None."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return _worker_database(url)


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = test_database_url()
    base = tmp_path_factory.mktemp("panti")
    # In memory where the machine offers it (/dev/shm): the suite commits thousands of
    # times, and each commit waits for the disk otherwise. The file is still a real file.
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="panti-test-", dir=shm)) if shm.is_dir() and \
        os.access(shm, os.W_OK) else base
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-only-secret",
        "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder / 'test.db'}",
        "UPLOAD_FOLDER": str(base / "uploads"),
        # scrypt costs ~185 ms a hash here; the suite checks behaviour, not hash strength.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    if folder != base:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _config_restored(app):
    """A test changes ``app.config`` only through ``monkeypatch.setitem`` (which restores
    it): a value leaking into later tests fails here, in the test that leaked it."""
    before = dict(app.config)
    yield
    changed = sorted(key for key in set(before) | set(app.config)
                     if before.get(key, ...) != app.config.get(key, ...))
    assert not changed, f"app.config changed and not restored: {changed}"


@functools.cache
def _row_probe(dialect) -> str:
    """One query naming, by position, every table that holds a row."""
    quote = dialect.identifier_preparer.quote
    return " UNION ALL ".join(
        f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {quote(table.name)})"
        for i, table in enumerate(db.metadata.sorted_tables))


def _tables_with_rows() -> list:
    """The tables holding a row, children first: one query asks them all (most tests touch
    a handful of the sixty)."""
    tables = db.metadata.sorted_tables
    filled = set(db.session.execute(text(_row_probe(db.engine.dialect))).scalars())
    return [table for i, table in reversed(list(enumerate(tables))) if i in filled]


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Every test starts from empty tables (faster than recreating the schema)."""
    yield
    with app.app_context():
        db.session.rollback()
        for table in _tables_with_rows():
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


@pytest.fixture
def ctx(app):
    """An application context for building data directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on ``url`` (as a browser would read it)."""
    page = client.get(url)
    match = CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    return match.group(1)


SEEN_VERSION = re.compile(r'name="seen_version" type="hidden" value="([^"]*)"')


def hidden_fields(client, url: str) -> dict[str, str]:
    """The CSRF token and (on a form editing a record) the version the page shows."""
    page = client.get(url)
    html = page.get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    fields = {"csrf_token": match.group(1)}
    version = SEEN_VERSION.search(html)
    if version:
        fields["seen_version"] = version.group(1)
    return fields


def post_form(client, url: str, data: dict, **kwargs):
    """Submit the form on ``url`` like a browser: fetch it, add its hidden fields, post."""
    payload = {**hidden_fields(client, url), **data}
    return client.post(url, data=payload, **kwargs)


def make_user(role: str, username: str | None = None, staff: Staff | None = None) -> User:
    """A user of ``role`` linked to a new staff member of the matching position."""
    username = username or role.replace("_", "")
    if staff is None:
        staff = Staff(name=f"Pegawai {username.title()}", position=ROLE_POSITIONS[role])
        db.session.add(staff)
    user = User(username=username, role=role, staff=staff)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def login_as(app, client):
    """``login_as("instructor")`` creates that user (once) and logs the test client in."""

    def login(role: str, username: str | None = None):
        with app.app_context():
            name = username or role.replace("_", "")
            user = db.session.query(User).filter_by(username=name).one_or_none()
            if user is None:
                user = make_user(role, name)
            user_id, staff_id = user.id, user.staff_id
        response = post_form(client, "/login", {"username": name, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return {"user_id": user_id, "staff_id": staff_id, "username": name}

    return login


# --- small builders the tests share ------------------------------------------------------

def make_staff(name="Siti Rahayu", position="social_worker", **kw) -> Staff:
    staff = Staff(name=name, position=position, **kw)
    db.session.add(staff)
    db.session.flush()
    return staff


def make_room(name="Asrama Anggrek", capacity=10, sex="L", kind="dormitory") -> Room:
    room = Room(name=name, capacity=capacity, sex=sex, kind=kind)
    db.session.add(room)
    db.session.flush()
    return room


def make_client(full_name="Budi Santoso", stage="intervention", sex="L", number=None,
                **kw) -> Client:
    client = Client(full_name=full_name, stage=stage, sex=sex,
                    admission_date=kw.pop("admission_date", date(2026, 1, 5)), **kw)
    if number or stage != "approach":  # a candidate is numbered at admission
        issue_register_number(client, number)
    db.session.add(client)
    db.session.flush()
    return client


def make_class(name="Menjahit A", instructor=None, capacity=10, skill=None,
               weekdays="135", start=time(8, 0), end=time(11, 0)) -> TrainingClass:
    from models import SkillType

    skill = skill or SkillType(name=f"Keterampilan {name}")
    klass = TrainingClass(
        name=name, skill_type=skill, instructor=instructor, location="Ruang Keterampilan",
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), weekdays=weekdays,
        start_time=start, end_time=end, capacity=capacity,
    )
    db.session.add(klass)
    db.session.flush()
    return klass


def field_errors(html: str, field_id: str) -> list[str]:
    """The error messages shown under the form field ``field_id`` (empty when none)."""
    for chunk in html.split('<div class="form-group')[1:]:
        if f'for="{field_id}"' in chunk:
            feedback = chunk.split('class="invalid-feedback"', 1)
            if len(feedback) < 2:
                return []
            return [unescape(m.strip()) for m in
                    re.findall(r"<li>(.*?)</li>", feedback[1].split("</ul>", 1)[0], re.S)]
    raise AssertionError(f"no field {field_id} on the page")


def flashed_errors(html: str) -> list[str]:
    """Error messages flashed at the top of the page."""
    return [unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in
            re.findall(r'<div class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', html, re.S)]


def pytest_collection_modifyitems(items):
    """The costliest tests first (the browser's, then those with a larger CPU budget): the
    parallel workers share out the long ones early and finish together, instead of one
    starting the browser sweep when the other has nothing left to do."""
    def cost(item) -> tuple[bool, float]:
        marker = item.get_closest_marker("cpu_budget")
        return "chromium" not in item.fixturenames, -(marker.args[0] if marker else 0)

    items.sort(key=cost)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    marker = item.get_closest_marker("cpu_budget")
    budget = marker.args[0] if marker else CPU_BUDGET
    start = process_time()
    result = yield
    spent = process_time() - start
    if report := os.environ.get("TEST_CPU_REPORT"):  # a file: every test's CPU, appended
        with open(report, "a", encoding="utf-8") as out:
            out.write(f"{spent:.2f} {item.nodeid}\n")
    if spent > budget:
        pytest.fail(f"{spent:.1f} s of CPU, over this test's budget of {budget:g} s: make it "
                    "cheaper, or raise its budget with @pytest.mark.cpu_budget and say why")
    return result


# Debian's Chromium (Playwright cannot download its own here): the browser tests skip, with
# the reason printed, where it or Playwright is missing.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-extensions",
                  "--renderer-process-limit=1", "--disable-dev-shm-usage",
                  "--blink-settings=imagesEnabled=false"]


@pytest.fixture(scope="session")
def chromium():
    """One Chromium per test process, shared by the browser tests: each test opens its own
    context (cookies, pages) on it and closes that."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # keep the test output readable
        pass


@pytest.fixture(scope="session")
def live_server(app):
    """The app served on a free local port, for the browser tests: one server per test
    process (stopping one waits for its half-second poll)."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
