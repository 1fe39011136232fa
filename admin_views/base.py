"""The one secured base view every admin view extends: login, roles, record scope, safe forms."""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.model import typefmt
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms.validators import StopValidation

from forms.base import ConsoleForm
from models import db
from services.dashboard import build_dashboard
from services.integrity import explain

log = logging.getLogger(__name__)

ALL_ROLES = frozenset({"admin", "head", "social_worker", "instructor", "staff"})


def role_in(roles: frozenset[str]) -> bool:
    """True when someone is logged in with one of ``roles``."""
    return bool(current_user.is_authenticated and current_user.role in roles)


def _date(_view, value: date, _name) -> str:
    return value.strftime("%d/%m/%Y")


def _datetime(_view, value: datetime, _name) -> str:
    # Stored in UTC; shown in the panti's time zone (BABEL_DEFAULT_TIMEZONE).
    return to_user_timezone(value).strftime("%d/%m/%Y %H:%M")


def _time(_view, value: time, _name) -> str:
    return value.strftime("%H:%M")


def _bool(_view, value: bool, _name) -> str:
    return _("Ya") if value else _("Tidak")


FORMATTERS = dict(typefmt.BASE_FORMATTERS)
# datetime before date: Flask-Admin takes the first isinstance match, and datetime is a date.
FORMATTERS.update({datetime: _datetime, date: _date, time: _time, bool: _bool})
DETAIL_FORMATTERS = dict(typefmt.DETAIL_FORMATTERS)
DETAIL_FORMATTERS.update({datetime: _datetime, date: _date, time: _time, bool: _bool})


def choice_formatter(vocabulary):
    """List/detail formatter showing a code's Indonesian label."""

    def fmt(_view, _context, model, name):
        return vocabulary.label(getattr(model, name))

    return fmt


def login_redirect():
    """Send a visitor to the login page, remembering where they were going (local path only)."""
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """An AJAX picker whose search *and* id lookup both obey ``where`` (Flask-Admin's own
    loader checks filters only while searching, so any id could be posted)."""

    def __init__(self, name, model, fields, where=None, order_by=None, page_size=10):
        super().__init__(name, db, model, fields=fields, order_by=order_by, page_size=page_size)
        self.where = where

    def get_query(self):
        query = super().get_query()
        if self.where is not None:
            query = query.filter(*self.where())
        return query

    def get_one(self, pk):
        if not str(pk).isdigit():
            return None
        with db.session.no_autoflush:
            return self.get_query().filter(self.model.id == int(pk)).one_or_none()


def _picked_rows_exist(form, field):
    """Refuse a picked id the picker does not offer (any more) instead of silently saving
    nothing: Flask-Admin's AJAX fields turn an unknown id into an empty value."""
    raw = getattr(field, "_formdata", None)
    if not raw:
        return
    if isinstance(raw, (set, list, tuple)):
        missing = len(raw) > len(field.data or [])
    else:
        missing = field.data is None
    if missing:
        raise StopValidation(_("Pilihan tidak valid atau tidak lagi tersedia. Silakan pilih "
                               "ulang."))


class SecureIndexView(AdminIndexView):
    """The home page: only for logged-in users, showing each role its own work."""

    def is_accessible(self) -> bool:
        return role_in(ALL_ROLES)

    def inaccessible_callback(self, name, **kwargs):
        return login_redirect()

    @expose("/")
    def index(self):
        return self.render("admin/index.html", board=build_dashboard(current_user))


class SecureModelView(ModelView):
    """Base of every model screen.

    ``read_roles`` may open the screen, ``write_roles`` may create/edit/delete;
    ``scope()`` narrows the records a user sees, and it is applied to the list, the count,
    and every single-record lookup (details, edit, delete, actions).
    """

    read_roles: frozenset[str] = frozenset({"admin", "head"})
    write_roles: frozenset[str] = frozenset({"admin"})
    # Loader options for the list page so it runs a fixed number of queries.
    list_options: tuple = ()

    form_base_class = ConsoleForm
    page_size = 20
    can_set_page_size = True
    can_view_details = True
    can_export = False
    column_display_pk = False
    column_auto_select_related = False  # list_options says exactly what to load
    column_type_formatters = FORMATTERS
    column_type_formatters_detail = DETAIL_FORMATTERS
    create_modal = False
    edit_modal = False
    # Cannot be changed from a form whatever the model says.
    form_excluded_columns = ("created_at", "updated_at")

    def scaffold_form(self):
        form_class = super().scaffold_form()
        for name in self.form_ajax_refs or {}:
            unbound = getattr(form_class, name, None)
            if unbound is not None and hasattr(unbound, "kwargs"):
                validators = list(unbound.kwargs.get("validators") or [])
                unbound.kwargs["validators"] = [_picked_rows_exist, *validators]
        return form_class

    # --- access -------------------------------------------------------------------
    def is_accessible(self) -> bool:
        return role_in(self.read_roles)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return login_redirect()
        abort(403)

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return role_in(self.write_roles)

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return role_in(self.write_roles)

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return role_in(self.write_roles)

    def is_action_allowed(self, name: str) -> bool:
        # Bulk actions change data: only for roles that may write here (Flask-Admin itself
        # checks only "delete").
        return role_in(self.write_roles) and super().is_action_allowed(name)

    def handle_action(self, return_view=None):
        # Flask-Admin silently ignores a refused action; say so with a 403 instead.
        if not self.is_action_allowed(request.form.get("action", "")):
            abort(403)
        return super().handle_action(return_view)

    # --- record scope ---------------------------------------------------------------
    def scope(self) -> list[Any]:
        """Filter expressions limiting the rows the current user may see (none: all)."""
        return []

    def get_query(self):
        return super().get_query().filter(*self.scope()).options(*self.list_options)

    def get_count_query(self):
        return super().get_count_query().filter(*self.scope())

    def get_one(self, id):
        if not str(id).isdigit():
            return None
        return (
            db.session.query(self.model)
            .filter(self.model.id == int(id), *self.scope())
            .one_or_none()
        )

    # --- errors -----------------------------------------------------------------------
    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, IntegrityError):
            db.session.rollback()
            flash(explain(exc), "error")
            return True
        if super().handle_view_exception(exc):  # Flask-Admin's ValidationError
            return True
        # Never show a stack trace or SQL to a user; the log keeps the details.
        log.exception("Unexpected error in %s", self.endpoint)
        flash(_("Terjadi kesalahan, data tidak disimpan. Coba lagi; bila terulang, hubungi "
                 "petugas tata usaha."), "error")
        return True

