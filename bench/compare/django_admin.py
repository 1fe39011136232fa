"""Django admin over the same tables, as a Django project would list them: the models written
by ``inspectdb`` from the database (unmanaged), each table of the comparison registered with
a default ``ModelAdmin``, a superuser to log in with. Django's own tables (users, sessions,
the admin log) are migrated into the bench database beside the console's.

``prepare(url)`` runs in the bench process before gunicorn starts the app
(``bench.compare.django_admin:create_app()``) with ``DATABASE_URL`` and
``BENCH_DJANGO_DIR`` (where the generated models live). Django is a bench requirement only
(``bench/requirements.txt``): without it the comparison runs without this column.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from bench.compare import TABLES

APP = "panti_tables"  # the generated app's package name
USERNAME, PASSWORD = "admin", "bench-password"
URLS = {table: f"/admin/{APP}/{table.replace('_', '')}/" for table in TABLES}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def available() -> bool:
    return importlib.util.find_spec("django") is not None


def _database(url: str) -> dict:
    if url.startswith("sqlite:///"):
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": url.removeprefix("sqlite:///")}
    parts = urlsplit(url)
    return {"ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"),
            "USER": parts.username or "", "PASSWORD": parts.password or "",
            "HOST": parts.hostname or "", "PORT": str(parts.port or "")}


def _configure(url: str, with_tables: bool) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False, SECRET_KEY="bench-only", ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
        USE_TZ=True, TIME_ZONE="Asia/Jakarta", STATIC_URL="/static/",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        DATABASES={"default": _database(url)},
        INSTALLED_APPS=["django.contrib.admin", "django.contrib.auth",
                        "django.contrib.contenttypes", "django.contrib.sessions",
                        "django.contrib.messages", "django.contrib.staticfiles",
                        *([APP] if with_tables else [])],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware",
                    "django.middleware.common.CommonMiddleware",
                    "django.middleware.csrf.CsrfViewMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware",
                    "django.contrib.messages.middleware.MessageMiddleware"],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                    "APP_DIRS": True, "OPTIONS": {"context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages"]}}],
    )
    django.setup()


def prepare(url: str) -> None:
    """Write the models of every console table with ``inspectdb``, migrate Django's own
    tables and add the superuser; sets ``BENCH_DJANGO_DIR`` for the server."""
    from models import db
    from models.client_search import is_search_object

    folder = Path(tempfile.mkdtemp(prefix="panti-django-"))
    package = folder / APP
    package.mkdir()
    (package / "__init__.py").write_text("")
    os.environ["BENCH_DJANGO_DIR"] = str(folder)
    sys.path.insert(0, str(folder))
    _configure(url, with_tables=False)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    tables = [t.name for t in db.metadata.sorted_tables if not is_search_object(t.name)]
    models = io.StringIO()
    call_command("inspectdb", *tables, stdout=models)
    (package / "models.py").write_text(models.getvalue())
    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    if not users.filter(username=USERNAME).exists():
        users.create_superuser(USERNAME, password=PASSWORD)


def login(browser) -> None:
    """Log a bench browser in through Django admin's own form."""
    page = browser.request("GET", "/admin/login/")
    token = CSRF.search(page.body).group(1)
    answer = browser.request("POST", "/admin/login/", {
        "csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD,
        "next": "/admin/"})
    assert answer.status == 302, f"Django admin login answered {answer.status}"


urlpatterns: list = []  # ROOT_URLCONF is this module: create_app() fills it


def create_app():
    """The WSGI app gunicorn serves (``bench.compare.django_admin:create_app()``)."""
    sys.path.insert(0, os.environ["BENCH_DJANGO_DIR"])
    _configure(os.environ["DATABASE_URL"], with_tables=True)
    from django.apps import apps
    from django.contrib import admin
    from django.core.wsgi import get_wsgi_application
    from django.urls import path

    for model in apps.get_app_config(APP).get_models():
        if model._meta.db_table in TABLES:
            admin.site.register(model)
    urlpatterns.append(path("admin/", admin.site.urls))
    return get_wsgi_application()
