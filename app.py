"""Application factory of the panti admin console (``flask run`` finds ``create_app``)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask, redirect, url_for
from flask_babel import Babel
from flask_migrate import Migrate
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from models import db
from services import audit, csp, duplicates
from services.inputs import refuse_control_characters

ROOT = Path(__file__).resolve().parent
DEFAULT_LOCALE = "id"


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/ (never in code)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def _database_url(instance: Path) -> str:
    """DATABASE_URL (PostgreSQL in production) or an SQLite file in instance/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance / 'panti.db'}"
    # Accept the common short forms and use the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Safe defaults, overridable by environment variables (and ``overrides``, for tests)."""
    instance = Path(app.instance_path)
    overrides = overrides or {}
    app.config.update(
        SQLALCHEMY_DATABASE_URI=_database_url(instance),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        UPLOAD_FOLDER=os.environ.get("UPLOAD_FOLDER", str(instance / "uploads")),
        MAX_CONTENT_LENGTH=int(os.environ.get("MAX_UPLOAD_MB", "8")) * 1024 * 1024,
        PHOTO_MAX_BYTES=int(os.environ.get("PHOTO_MAX_KB", "2048")) * 1024,
        CONTRACT_SCAN_MAX_BYTES=int(os.environ.get("CONTRACT_SCAN_MAX_KB", "5120")) * 1024,
        BABEL_DEFAULT_LOCALE=DEFAULT_LOCALE,
        BABEL_DEFAULT_TIMEZONE=os.environ.get("TIMEZONE", "Asia/Jakarta"),
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        # Static files are kept an hour by browsers; ours carry ?v=<hash> (templating.py).
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=int(os.environ.get("SESSION_HOURS", "8"))),
        # The cookie is sent again only when the session changes (activity is noted once a
        # minute, auth/sessions.py); the lifetime is the login's, checked by the server.
        SESSION_REFRESH_EACH_REQUEST=False,
        SESSION_IDLE_MINUTES=int(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        LOGIN_MAX_FAILURES=int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        LOGIN_MAX_FAILURES_PER_IP=int(os.environ.get("LOGIN_MAX_FAILURES_PER_IP", "20")),
        LOGIN_LOCK_MINUTES=int(os.environ.get("LOGIN_LOCK_MINUTES", "15")),
        # Behind a reverse proxy: how many proxies set X-Forwarded-For (the throttle and the
        # audit log need the visitor's own address).
        PROXY_COUNT=int(os.environ.get("PROXY_COUNT", "0")),
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
        INSTITUTION_NAME=os.environ.get(
            "INSTITUTION_NAME", "Panti Sosial Bina Karya"
        ),
        # Printed at the top of every exported report.
        INSTITUTION_ADDRESS=os.environ.get("INSTITUTION_ADDRESS", ""),
        DEMO_PASSWORD=os.environ.get("DEMO_PASSWORD", "panti-demo"),
        # The daily digest e-mail (flask send-digest, services/digest.py): without a
        # MAIL_SERVER nothing is sent.
        MAIL_SERVER=os.environ.get("MAIL_SERVER", "").strip(),
        MAIL_PORT=int(os.environ.get("MAIL_PORT", "25")),
        MAIL_USERNAME=os.environ.get("MAIL_USERNAME", ""),
        MAIL_PASSWORD=os.environ.get("MAIL_PASSWORD", ""),
        MAIL_USE_TLS=os.environ.get("MAIL_USE_TLS", "0") == "1",  # STARTTLS
        MAIL_USE_SSL=os.environ.get("MAIL_USE_SSL", "0") == "1",  # TLS from the start (465)
        MAIL_SENDER=os.environ.get("MAIL_SENDER", "").strip(),
        # The console's address as its users open it: a command run by cron has no request
        # to take the links of an e-mail from.
        PUBLIC_URL=os.environ.get("PUBLIC_URL", "").strip().rstrip("/"),
        # PostgreSQL cancels a statement running longer (0: no limit), so a request cannot
        # hold a worker past it; the user gets the "terlalu lama" page (errors.py). Below
        # gunicorn's 30 s worker timeout, which would drop the connection instead.
        STATEMENT_TIMEOUT_MS=int(os.environ.get("STATEMENT_TIMEOUT_MS", "20000")),
    )
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on, WAL and a busy timeout on every SQLite connection."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _limit_statements(app: Flask) -> None:
    """Give every PostgreSQL connection of ``app`` the statement timeout of its config."""
    limit = int(app.config["STATEMENT_TIMEOUT_MS"])
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql" or limit <= 0:
        return  # SQLite has no statement timeout

    @event.listens_for(engine, "connect")
    def set_statement_timeout(dbapi_connection: Any, _record: Any) -> None:
        if click.get_current_context(silent=True) is not None:
            # A flask command (seed, import, backup, restore) may rightly run long: the limit
            # guards the web workers, which answer requests outside any command.
            return
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {limit}")
        dbapi_connection.commit()  # a session setting: kept once its transaction commits


def _select_locale() -> str:
    # One locale for everyone today; a per-user choice would plug in here.
    return DEFAULT_LOCALE


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, the admin with its views, auth and commands."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    _limit_statements(app)
    audit.install(db)  # every change made through db.session goes into the audit log
    duplicates.install(db)  # and every client's keys for the duplicate check stay current
    Migrate(app, db, directory=str(ROOT / "migrations"), compare_type=True)
    Babel(app, locale_selector=_select_locale)

    import auth
    import cli
    import errors
    from admin_views import build_admin
    from admin_views.templating import HandlerFreeLoader, version_static_urls

    auth.init_app(app)  # login pages, Flask-Login and the session rules
    errors.init_app(app)  # the refusal and error pages
    admin = build_admin(app)
    app.jinja_env.loader = HandlerFreeLoader(app.jinja_env.loader)
    version_static_urls(app)
    admin.csp_nonce_generator = csp.nonce  # Flask-Admin puts it on its <script> tags
    cli.init_app(app)  # the flask commands

    @app.context_processor
    def forms_for_layout():
        from forms.auth import LogoutForm

        return {"logout_form": LogoutForm, "csp_nonce": csp.nonce}

    @app.get("/")
    def root():
        return redirect(url_for("admin.index"))

    @app.get("/favicon.ico")
    def favicon():
        return "", 204  # no icon: answer the browser's request without a 404 in its console

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", csp.header())
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    # Before anything reads the request (the login form included): no control characters.
    app.before_request(refuse_control_characters)

    return app
