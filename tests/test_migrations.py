"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from models import db
from models.client_search import is_search_object
from tests.conftest import test_database_url


def keep_in_comparison(obj, name, type_, reflected, compare_to) -> bool:
    return not is_search_object(name)


def _fresh_app(url: str):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})


def _database_url(tmp_path) -> str:
    # On PostgreSQL a separate schema (below) keeps the main test schema untouched.
    return test_database_url() or f"sqlite:///{tmp_path / 'migrated.db'}"


def test_upgrade_on_empty_database_matches_models(tmp_path):
    url = _database_url(tmp_path)
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
            conn.execute(text("CREATE SCHEMA migration_check"))
        url += ("&" if "?" in url else "?") + "options=-csearch_path%3Dmigration_check"
        engine.dispose()
        engine = create_engine(url)
    app = _fresh_app(url)
    try:
        with app.app_context():
            upgrade()
            with engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"compare_type": True, "compare_server_default": False,
                                "include_object": keep_in_comparison})
                diff = compare_metadata(context, db.metadata)
            tables = set(inspect(engine).get_table_names())
        assert diff == [], diff
        assert {"client", "attendance", "service_contract", "alembic_version"} <= tables
    finally:
        with app.app_context():
            db.engine.dispose()
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA migration_check CASCADE"))
        engine.dispose()


def test_a_migration_run_in_the_apps_process_keeps_the_apps_loggers(tmp_path):
    """Alembic's logging setup must not silence the console's own loggers: after an upgrade
    in the app's process (the backup restore does one) a defect is still logged."""
    import logging

    app = _fresh_app(f"sqlite:///{tmp_path / 'logged.db'}")
    with app.app_context():
        upgrade()
        db.engine.dispose()
    log = logging.getLogger("admin_views.base")
    heard: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: heard.append(record.getMessage())
    log.addHandler(handler)
    try:
        log.error("still heard")
    finally:
        log.removeHandler(handler)
    assert heard == ["still heard"]
