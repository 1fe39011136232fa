"""Stock Flask-Admin: the same tables automapped by SQLAlchemy and listed by Flask-Admin's
``ModelView`` with every default (no login, no scopes, no translations). The console is
measured against it.

Served by gunicorn as ``bench.compare.stock_admin:create_app()`` with ``DATABASE_URL``.
"""

from __future__ import annotations

import os

from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.ext.automap import automap_base

from bench.compare import TABLES


def _scalar_name(_base, _local_cls, _referred_cls, constraint) -> str:
    # Named after the foreign key column (a table refers to staff twice, and a column may
    # share the referred table's name): automap's default names collide on this schema.
    return "ref_" + "_".join(column.name for column in constraint.columns)


def _collection_name(_base, _local_cls, referred_cls, constraint) -> str:
    return f"{referred_cls.__name__}_by_" + "_".join(c.name for c in constraint.columns)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"],
                      SECRET_KEY=os.environ.get("SECRET_KEY", "stock"))
    db = SQLAlchemy(app)
    Babel(app)  # Flask-Admin translates through it when it is installed (English here)
    with app.app_context():
        base = automap_base()
        base.prepare(autoload_with=db.engine, name_for_scalar_relationship=_scalar_name,
                     name_for_collection_relationship=_collection_name)
    admin = Admin(app, name="stock")
    for table in TABLES:
        admin.add_view(ModelView(getattr(base.classes, table), db.session, endpoint=table,
                                 url=f"/admin/{table}"))
    return app
