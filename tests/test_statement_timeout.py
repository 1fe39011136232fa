"""No request holds a worker past the configured limit: on PostgreSQL every connection has
``statement_timeout`` = STATEMENT_TIMEOUT_MS, and a statement cancelled at it answers the
"terlalu lama" page (503) instead of a 500 or a dropped connection."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select, text

from app import create_app
from models import Room, db

from .conftest import test_database_url


@pytest.fixture
def impatient_console(tmp_path):
    """A console on the PostgreSQL test database with a 200 ms statement timeout and a route
    whose query takes a second (routes cannot be added to the shared app)."""
    url = test_database_url()
    if url is None:
        pytest.skip("PostgreSQL only: TEST_DATABASE_URL is not set (SQLite has no "
                    "statement timeout)")
    console = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                          "UPLOAD_FOLDER": str(tmp_path), "STATEMENT_TIMEOUT_MS": 200})

    @console.get("/_slow")
    def slow():
        db.session.add(Room(name="Mawar", capacity=4))
        db.session.flush()  # written, not committed: nothing of it may stay
        db.session.execute(text("SELECT pg_sleep(1)"))
        return "selesai"

    @console.get("/_limit")
    def limit():
        return db.session.scalar(text("SHOW statement_timeout"))

    yield console
    with console.app_context():
        db.session.remove()
        db.engine.dispose()


def test_default_limit_is_twenty_seconds():
    assert create_app({"SECRET_KEY": "x"}).config["STATEMENT_TIMEOUT_MS"] == 20_000


def test_every_connection_carries_the_configured_limit(impatient_console):
    assert impatient_console.test_client().get("/_limit").get_data(as_text=True) == "200ms"


def test_a_statement_past_the_limit_answers_the_too_long_page(impatient_console):
    response = impatient_console.test_client().get("/_slow")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    shown = " ".join(unescape(re.search(r'data-testid="refusal">(.*?)</div>', html,
                                        re.S).group(1)).split())
    assert shown.startswith("Permintaan ini terlalu lama diproses, jadi dihentikan")
    assert "Traceback" not in html and "pg_sleep" not in html
    with impatient_console.app_context():
        assert db.session.scalars(select(Room.name)).all() == []


def test_a_flask_command_runs_without_the_limit(impatient_console):
    """Seeding, importing, backing up may rightly take longer than a request: the limit is
    for the web workers, not for a command run on the server."""
    import click
    from flask.cli import with_appcontext

    @click.command("show-limit")
    @with_appcontext
    def show_limit():
        db.engine.dispose()  # a fresh connection, made inside the command
        click.echo(db.session.scalar(text("SHOW statement_timeout")))
        db.session.remove()

    result = impatient_console.test_cli_runner().invoke(show_limit)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0"
    with impatient_console.app_context():
        db.engine.dispose()
    assert impatient_console.test_client().get("/_limit").get_data(as_text=True) == "200ms"
