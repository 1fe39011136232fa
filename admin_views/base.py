"""The one secured base view every admin view extends: login, roles, record scope, safe forms."""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.helpers import is_form_submitted
from flask_admin.model import typefmt
from flask_admin.model.form import converts
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from sqlalchemy import UniqueConstraint, and_, inspect, or_, select
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from wtforms.fields import HiddenField
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation

from auth.views import safe_next
from forms.base import ConsoleForm
from forms.fields import DateField, TimeField, VersionField
from models import AuditEntry, VersionMixin, db
from services import versions
from services.audit import readable_changes
from services.dashboard import build_dashboard
from services.dates import format_date, format_datetime, format_time
from services.errors import Refusal
from services.inputs import MAX_PAGE, clamp_page, parse_id
from services.integrity import explain
from services.permissions import ROLE_ORDER, readers, writers
from services.scopes import visible

from .navigation import Breadcrumbs, link_column, linked

log = logging.getLogger(__name__)

ALL_ROLES = frozenset(ROLE_ORDER)


def role_in(roles: frozenset[str]) -> bool:
    """True when someone is logged in with one of ``roles``."""
    return bool(current_user.is_authenticated and current_user.role in roles)


def _date(_view, value: date, _name) -> str:
    return format_date(value)


def user_datetime(value: datetime | None) -> str:
    """A stored (UTC) time in the panti's time zone (BABEL_DEFAULT_TIMEZONE), dd/mm/yyyy."""
    return format_datetime(value)


def _datetime(_view, value: datetime, _name) -> str:
    return user_datetime(value)


def _time(_view, value: time, _name) -> str:
    return format_time(value)


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

    fmt.vocabulary = vocabulary  # the history page labels old and new codes with it
    return fmt


def login_redirect():
    """Send a visitor to the login page, remembering where they were going (local path only)."""
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _drop_offsite_return_url() -> None:
    """Forget a ``url=`` return address that is not a local path, so Flask-Admin's views
    fall back to the list page.

    Flask-Admin's own check (helpers.is_safe_url) resolves the value against this host:
    ``http:evil.example`` joins to ``http://<this host>/evil.example`` and passes, yet a
    browser told to go to ``http:evil.example`` goes off-site. Its views read the value
    from ``request.values`` through a module-level helper, so the request is cleaned here,
    once, before any view runs."""
    if all(safe_next(value) for value in request.values.getlist("url")):
        return

    def local_only(values):
        return ImmutableMultiDict([(key, value) for key, value in values.items(multi=True)
                                   if key != "url" or safe_next(value)])

    request.args = local_only(request.args)
    if request.method == "GET":
        request.values = CombinedMultiDict([request.args])
    else:
        request.form = local_only(request.form)
        request.values = CombinedMultiDict([request.args, request.form])


_SEARCHING = "_picker_searching"  # set on g while a picker searches (ScopedAjaxLoader.offer)


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """An AJAX picker whose search *and* id lookup both obey the visibility policy and
    ``where`` (Flask-Admin's own loader checks filters only while searching, so any id
    could be posted)."""

    def __init__(self, name, model, fields, where=None, order_by=None, page_size=10):
        super().__init__(name, db, model, fields=fields, order_by=order_by, page_size=page_size)
        self.where = where

    def get_query(self):
        query = super().get_query().filter(*visible(self.model))
        if self.where is not None:
            query = query.filter(*self.where())
        if g.get(_SEARCHING) is self:
            query = query.filter(*self.offer())
        return query

    def offer(self) -> list[Any]:
        """Conditions that narrow a search to what the form's save accepts (none here).
        Only the search: a posted id that fails them is still found, so the form's
        validator, asking the same rule (services/eligibility.py), says why it is refused."""
        return []

    def get_one(self, pk):
        record_id = parse_id(pk)
        if record_id is None:
            return None
        with db.session.no_autoflush:
            return self.get_query().filter(self.model.id == record_id).one_or_none()

    def get_list(self, term, offset=0, limit=10):
        # offset and limit come from the query string: keep them within what a picker asks
        # (PostgreSQL refuses an OFFSET beyond 64 bits with an error).
        offset = min(max(offset or 0, 0), MAX_PAGE * 100)
        setattr(g, _SEARCHING, self)  # per request: the loader itself is shared by threads
        try:
            return self.search(term or "", offset, min(max(limit or 0, 1), 100))
        finally:
            g.pop(_SEARCHING, None)

    def search(self, term: str, offset: int, limit: int):
        """One page of matches for ``term``; a picker with its own search overrides this."""
        return super().get_list(term, offset, limit)


def _picked_rows_exist(form, field):
    """Refuse a picked id the picker does not offer (any more) instead of silently saving
    nothing: Flask-Admin's AJAX fields, and its optional select lists, turn an unknown id
    (a room deleted since the form opened, a tampered value) into an empty one."""
    raw = getattr(field, "_formdata", None)
    if isinstance(raw, (set, list, tuple)):
        # An emptied multiple picker posts one blank value: nobody picked, not a bad pick.
        raw = [value for value in raw if str(value).strip()]
    if not raw:
        return
    if isinstance(raw, list):
        missing = len(raw) > len(field.data or [])
    else:
        missing = field.data is None
    if missing:
        # Said once: this replaces the field's generic "not a valid choice".
        generic = field.gettext("Not a valid choice")
        field.errors[:] = [error for error in field.errors if error != generic]
        raise StopValidation(_("Pilihan tidak valid atau tidak lagi tersedia. Silakan pilih "
                               "ulang."))


class _Choices:
    """A form's (code, label) choices read like a vocabulary (``label(code)``)."""

    def __init__(self, pairs):
        self.labels = dict(pairs)

    def label(self, code: str) -> str:
        return str(self.labels.get(code, code))


class ConsoleModelConverter(AdminModelConverter):
    """Generated forms type dates as dd/mm/yyyy and times as HH:MM (services/dates.py)."""

    @converts("Date")
    def convert_date(self, field_args, **_extra):
        field_args.pop("widget", None)
        return DateField(**field_args)

    @converts("Time")
    def convert_time(self, field_args, **_extra):
        field_args.pop("widget", None)
        return TimeField(**field_args)


FAILED = object()  # what run_step returns when the step did not happen


# --- edits from an outdated reading -------------------------------------------------------
# model class → its screen, so a step page can label a record's fields as its screen does
_SCREENS: dict[type, SecureModelView] = {}
_STALE = "_stale_record"  # set on g when the database refused a write from an old reading


def _shown_value(value: Any, field=None) -> str:
    """A record's current value as the user reads it on the form, shortened."""
    if isinstance(value, (list, tuple, set)):
        text = ", ".join(str(item) for item in value)
    elif isinstance(value, bool):
        text = _("Ya") if value else _("Tidak")
    elif isinstance(value, datetime):
        text = user_datetime(value)
    elif isinstance(value, date):
        text = format_date(value)
    elif isinstance(value, time):
        text = format_time(value)
    else:
        text = "" if value is None else str(value)
        choices = getattr(field, "choices", None)  # a coded value shows its label
        if isinstance(choices, (list, tuple)):
            text = str(dict(choice[:2] for choice in choices).get(text, text))
    text = " ".join(text.split())
    return (text[:117] + "…" if len(text) > 120 else text) or "—"


def describe_stale(record, seen: versions.Seen | None, form=None) -> tuple[str, dict[str, str]]:
    """Why an edit of ``record`` from the reading ``seen`` is refused: the message (who
    changed what when, since the form was opened) and, per field of ``form`` that someone
    else changed, a note with its value now. Fields are named as ``form`` and the record's
    screen name them; fields the screen does not show stay unnamed."""
    view = _SCREENS.get(type(record))
    position = seen.position if seen is not None else None
    labels = dict(view.column_labels or {}) if view is not None else {}
    visible = set(view.column_details_list or ()) if view is not None else set()
    conflict, notes = versions.Conflict(), {}
    entries = versions.entries_since(position, record.__tablename__, [record.id],
                                     _created_as(record) if seen and not seen.version else None)
    for entry in reversed(entries):
        named = []
        for key in entry.changes or {}:
            name = key[:-3] if key.endswith("_id") and form is not None and key[:-3] in form \
                else key
            if form is not None and name in form and not isinstance(form[name], HiddenField):
                named.append(str(form[name].label.text))
                notes[name] = _("Diubah oleh %(who)s pada %(when)s; isinya sekarang: "
                                "%(value)s", who=entry.username or _("pengguna lain"),
                                when=versions.shown_time(entry.at),
                                value=_shown_value(getattr(record, name, None), form[name]))
            elif name in visible or key in visible:
                named.append(str(labels.get(name, labels.get(key, name))))
        conflict.add(entry, named)
    for rel in inspect(type(record)).relationships:
        child = rel.mapper.class_
        if not (rel.uselist and rel.back_populates
                and getattr(child, "__version_parent__", None) == rel.back_populates):
            continue  # not a child row that is part of this record
        fk = next(iter(rel.remote_side)).key
        current = [item.id for item in getattr(record, rel.key)]
        label = str(labels.get(rel.key, rel.key))
        for entry in reversed(versions.entries_since(position, child.__tablename__, current,
                                                     {fk: record.id})):
            conflict.add(entry, [label])
    if not conflict.by_user:
        conflict.add(None, [])  # the log does not say (a change the database made itself)
    what = _("Data «%(record)s»", record=record)
    return conflict.message(what), notes


def _created_as(record) -> dict[str, Any] | None:
    """The values that single out ``record``'s creation in the audit log (its unique
    columns), for a form opened before the record existed (a KK decision)."""
    for constraint in record.__table__.constraints:
        if isinstance(constraint, UniqueConstraint):
            return {column.key: getattr(record, column.key) for column in constraint.columns}
    return None


def stale_refusal(record, raw_token: str | None, form=None) -> str | None:
    """The refusal message when the posted token shows ``record`` (None: not created yet)
    changed since the form was opened; None when it did not (or no token was posted)."""
    seen = versions.parse(raw_token)
    if seen is None:
        return None
    version = getattr(record, "row_version", None) or 0
    if seen.version == version:
        return None
    if record is None:
        return _("Data ini sudah dihapus orang lain sejak Anda membukanya.")
    message, notes = describe_stale(record, seen, form)
    for name, note in notes.items():
        form[name].errors = [*form[name].errors, note]
    return message


def mark_seen(form, record) -> None:
    """Put the version of ``record`` as it is now into the form's hidden field (after a
    refusal: the user has seen the other change and may save again)."""
    field = getattr(form, versions.FIELD, None)
    if field is not None:
        field.data = versions.token(getattr(record, "row_version", None))
        field.raw_data = [field.data]


def stale_write_message(record) -> str:
    """The refusal when the database itself found the record changed at the moment of
    writing (both saved in the same instant)."""
    try:
        db.session.refresh(record)
    except InvalidRequestError:
        return _("Data ini sudah dihapus orang lain; perubahan Anda tidak disimpan.")
    message, _notes = describe_stale(record, None)
    return message


def run_step(step, record=None):
    """Run a state-changing step posted from a details page: the CSRF token checked, a step
    on ``record`` refused when the record changed since the page was opened (the posted
    ``seen_version``), the step's refusal (``services.errors.Refusal``, with the user's
    message) flashed and rolled back, success committed. Returns the step's result, or
    FAILED. Any other error is a defect: it goes on to the error page (logged, rolled back)
    instead of being shown as if the user had broken a rule."""
    if not ConsoleForm(request.form).validate():
        flash(_("Formulir kedaluwarsa; coba lagi."), "error")
        return FAILED
    if record is not None:
        refusal = stale_refusal(record, request.form.get(versions.FIELD))
        if refusal:
            flash(refusal, "error")
            return FAILED
    try:
        result = step()
        db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return FAILED
    except StaleDataError:
        db.session.rollback()
        flash(stale_write_message(record) if record is not None else _(
            "Data ini baru saja diubah orang lain; langkah Anda tidak dijalankan. Muat ulang "
            "halaman lalu coba lagi."), "error")
        return FAILED
    return result


class SecureIndexView(Breadcrumbs, AdminIndexView):
    """The home page: only for logged-in users, showing each role its own work."""

    def is_accessible(self) -> bool:
        return role_in(ALL_ROLES)

    def inaccessible_callback(self, name, **kwargs):
        return login_redirect()

    @expose("/")
    def index(self):
        return self.render("admin/index.html", board=build_dashboard(current_user))


class SecureView(Breadcrumbs, BaseView):
    """Base of the custom (non-model) screens: roles from the permission matrix by
    endpoint, like the model screens; a POST needs the write role."""

    def is_accessible(self) -> bool:
        return role_in(readers(self.endpoint))

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return login_redirect()
        abort(403)

    @property
    def can_write(self) -> bool:
        return role_in(writers(self.endpoint))

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        if request.method == "POST" and not self.can_write:
            abort(403)
        return None


class SecureModelView(Breadcrumbs, ModelView):
    """Base of every model screen.

    Roles come from the permission matrix (``services/permissions.py``) by endpoint:
    ``read_roles`` may open the screen, ``write_roles`` may create/edit/delete. ``scope()``
    narrows the records a user sees, and it is applied to the list, the count, and every
    single-record lookup (details, edit, delete, actions, history).
    """
    # Loader options for the list page so it runs a fixed number of queries.
    list_options: tuple = ()
    # The list column whose cells open the row's details page (None: the row's name, see
    # navigation.link_column).
    column_details_link: str | None = None

    form_base_class = ConsoleForm
    model_form_converter = ConsoleModelConverter
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
    details_template = "admin/panti_details.html"  # adds the link to the change history
    # Cannot be changed from a form whatever the model says.
    form_excluded_columns = ("created_at", "updated_at", "row_version")
    column_exclude_list = ("row_version",)
    column_details_exclude_list = ("row_version",)

    def __init__(self, model, *args, **kwargs):
        super().__init__(model, *args, **kwargs)
        _SCREENS[model] = self

    @pass_context
    def get_list_value(self, context, model, name):
        value = super().get_list_value(context, model, name)
        if name != link_column(self):
            return value
        return linked(self, context, model, value)

    def get_list_row_actions(self):
        return [*super().get_list_row_actions(),
                EndpointLinkRowAction("fa fa-history", ".history_view",
                                      title=_l("Riwayat perubahan"))]

    def scaffold_form(self):
        form_class = super().scaffold_form()
        pickers = set(self.form_ajax_refs or {})
        for name, unbound in vars(form_class).items():
            if not isinstance(unbound, UnboundField):
                continue
            if name in pickers or issubclass(unbound.field_class, QuerySelectField):
                validators = list(unbound.kwargs.get("validators") or [])
                unbound.kwargs["validators"] = [_picked_rows_exist, *validators]
        if issubclass(self.model, VersionMixin):
            setattr(form_class, versions.FIELD, VersionField())
        return form_class

    # --- edits from an outdated reading ---------------------------------------------------
    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None and not is_form_submitted():
            mark_seen(form, obj)  # a POST carries the version the user saw
        return form

    def validate_form(self, form) -> bool:
        """The form's own checks, then: refuse a save based on an older version of the
        record than the database's, with who changed what (also when a field check failed:
        the other change may be why). The user's input stays on the form, which now carries
        the new version (saving again then overwrites knowingly)."""
        valid = super().validate_form(form)
        record, field = getattr(form, "_obj", None), getattr(form, versions.FIELD, None)
        if field is None or not isinstance(record, VersionMixin) or not is_form_submitted():
            return valid
        refusal = stale_refusal(record, field.data, form)
        if refusal is None:
            return valid
        flash(refusal, "error")
        mark_seen(form, record)
        return False

    def update_model(self, form, model) -> bool:
        """Save; when the database finds the record changed at the very moment of saving
        (another save between the check above and the write), refuse the same way."""
        g.setdefault(_STALE, False)
        if super().update_model(form, model):
            return True
        if g.pop(_STALE, False):
            flash(stale_write_message(model), "error")
            mark_seen(form, model)
        return False

    def delete_model(self, model) -> bool:
        g.setdefault(_STALE, False)
        if super().delete_model(model):
            return True
        if g.pop(_STALE, False):
            flash(_("Data ini diubah orang lain pada saat yang sama, jadi tidak dihapus. "
                    "Periksa datanya, lalu hapus lagi bila memang perlu."), "error")
        return False

    # --- access -------------------------------------------------------------------
    @property
    def read_roles(self) -> frozenset[str]:
        return readers(self.endpoint)

    @property
    def write_roles(self) -> frozenset[str]:
        return writers(self.endpoint)

    def is_accessible(self) -> bool:
        return role_in(self.read_roles)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return login_redirect()
        abort(403)  # the 403 handler records the refusal in the audit log

    # Views that change data, or feed a form, need the write role, not just read. Pickers
    # included: else a read-only role could list clients through any screen's picker; inline
    # edits included: Flask-Admin once ignored can_edit there.
    WRITE_VIEWS = frozenset({"create_view", "edit_view", "delete_view", "action_view",
                             "ajax_update", "ajax_lookup"})

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        if name in self.WRITE_VIEWS and not role_in(self.write_roles):
            abort(403)  # Flask-Admin would quietly redirect; say no plainly
        _drop_offsite_return_url()
        return None

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

    @expose("/export/<export_type>/")
    def export(self, export_type):
        # Exports live in the export centre, which applies the access rules; none here.
        abort(404)

    @expose("/history/")
    def history_view(self):
        """Every recorded change of one record the user may see, and of the rows edited
        inside its form (a plan's goals), newest first."""
        record = self.get_one(request.args.get("id", ""))
        table = self.model.__tablename__
        entries = db.session.scalars(
            select(AuditEntry)
            .where(or_(and_(AuditEntry.table_name == table, AuditEntry.record_id == record.id),
                       and_(AuditEntry.parent_table == table,
                            AuditEntry.parent_id == record.id)))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        ).all()
        return self.render(
            "admin/record_history.html", record=record, entries=entries,
            changes=self.describe_changes(entries),
            return_url=self.get_url(".details_view", id=record.id),
        )

    def describe_changes(self, entries) -> dict[int, list[tuple]]:
        """Audit ``entries`` of this screen's model as (label, before, after) rows, limited
        to the fields its details page shows; entries of inline child rows (a plan's goals)
        with the inline form's labels, prefixed by the row's name."""
        vocabularies = {
            name: fmt.vocabulary
            for name, fmt in (self.column_formatters or {}).items()
            if hasattr(fmt, "vocabulary")
        }
        own = [e for e in entries if e.table_name == self.model.__tablename__]
        result = readable_changes(own, self.model, dict(self.column_labels or {}),
                                  vocabularies, frozenset(self.column_details_list or ()))
        for inline in self.inline_models or ():
            child = [e for e in entries if e.table_name == inline.model.__tablename__]
            if not child:
                continue
            shown = frozenset(inline.form_columns or ()) - {"id"}
            coded = {name: _Choices(pairs) for name, pairs in (inline.form_choices or {}).items()}
            rows = readable_changes(child, inline.model, dict(inline.column_labels or {}),
                                    coded, shown)
            for entry in child:
                prefix = f"{inline.form_label} «{entry.record_label or entry.record_id}»"
                result[entry.id] = [(f"{prefix}: {label}", before, after)
                                    for label, before, after in rows[entry.id]]
        return result

    def handle_action(self, return_view=None):
        # Flask-Admin silently ignores a refused action; say so with a 403 instead.
        if not self.is_action_allowed(request.form.get("action", "")):
            abort(403)
        if any(parse_id(pk) is None for pk in request.form.getlist("rowid")):
            abort(404)  # the list offers real ids only, like get_one
        return super().handle_action(return_view)

    def _apply_sorting(self, query, joins, sort_column, sort_desc):
        # Rows that tie on the sorted column (a day's attendance, sorted by date) come back
        # in any order on PostgreSQL, so a row could show on two pages and another on none:
        # the id settles ties.
        query, joins = super()._apply_sorting(query, joins, sort_column, sort_desc)
        return query.order_by(self.model.id.desc() if sort_desc else self.model.id), joins

    def _get_list_extra_args(self):
        # ?page= is read with int(): a huge or negative one would reach OFFSET.
        args = super()._get_list_extra_args()
        args.page = clamp_page(args.page)
        return args

    # --- record scope ---------------------------------------------------------------
    def scope(self) -> list[Any]:
        """Filter expressions limiting the rows the current user may see (none: all): the
        visibility policy's (``services.scopes.visible``), which every other path asks too."""
        return visible(self.model)

    def get_query(self):
        return super().get_query().filter(*self.scope()).options(*self.list_options)

    def get_count_query(self):
        return super().get_count_query().filter(*self.scope())

    def get_one(self, id):
        """The record with ``id`` if the user may see it, else 404: a hidden record and a
        missing one look the same, so an id in a URL reveals nothing."""
        record = None
        record_id = parse_id(id)
        if record_id is not None:
            record = (
                db.session.query(self.model)
                .filter(self.model.id == record_id, *self.scope())
                .one_or_none()
            )
        if record is None:
            abort(404)
        return record

    def nested_one(self, endpoint: str, id) -> Any:
        """A record of the screen ``endpoint`` by an id nested in one of this screen's routes
        (a form field, a second URL parameter), looked up through that screen's own
        ``get_one`` and scope: 404 for whatever its list would not show."""
        view = next((v for v in self.admin._views
                     if getattr(v, "endpoint", None) == endpoint), None)
        if view is None or not role_in(view.read_roles):
            abort(404)
        return view.get_one(id)

    # --- errors -----------------------------------------------------------------------
    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, StaleDataError):
            db.session.rollback()
            if _STALE in g:  # update_model / delete_model say it, with the details
                setattr(g, _STALE, True)
            else:
                flash(_("Data ini baru saja diubah orang lain; tidak disimpan. Muat ulang "
                        "halaman lalu coba lagi."), "error")
            return True
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

