"""The one secured base view every admin view extends: login, roles, record scope, safe forms.
Helpers beside it: converters.py (values), pickers.py, stale.py (edits from an old reading)."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.helpers import is_form_submitted
from flask_admin.model.template import DeleteRowAction, EditRowAction, ViewRowAction
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from sqlalchemy import and_, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import RelationshipProperty, defer
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.interfaces import MANYTOONE
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from wtforms.fields.core import UnboundField

from auth.views import safe_next
from errors import is_statement_timeout
from forms.base import ConsoleForm
from forms.fields import VersionField
from models import AuditEntry, VersionMixin, db
from services import stays, terminations, versions
from services.audit_reading import readable_changes
from services.dashboard import build_dashboard
from services.dates import today as panti_today
from services.inputs import clamp_page, parse_id
from services.integrity import explain
from services.permissions import ROLE_ORDER, readers, writers
from services.scopes import visible

from .converters import DETAIL_FORMATTERS, FORMATTERS, Choices, ConsoleModelConverter
from .counts import capped_count
from .navigation import Breadcrumbs, link_column, linked, remember_due
from .pickers import picked_rows_exist
from .row_actions import DeleteButton, PageLink, details_link, edit_link, row_head
from .stale import SCREENS, STALE, mark_seen, stale_refusal, stale_write_message

log = logging.getLogger(__name__)

ALL_ROLES = frozenset(ROLE_ORDER)


def role_in(roles: frozenset[str]) -> bool:
    """True when someone is logged in with one of ``roles``."""
    return bool(current_user.is_authenticated and current_user.role in roles)


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




def read_counts(model, rows: list, names: tuple[str, ...]) -> None:
    """Fill the deferred subquery columns ``names`` of ``rows`` (a list page) in one query
    that computes them for those rows only."""
    if not rows:
        return
    found = {row[0]: row[1:] for row in db.session.execute(
        select(model.id, *(getattr(model, name) for name in names))
        .where(model.id.in_([record.id for record in rows])))}
    for record in rows:
        for name, value in zip(names, found.get(record.id, (None,) * len(names)),
                               strict=True):
            set_committed_value(record, name, value)


# Flask-Admin's row buttons → the same buttons built once per page (row_actions.py).
QUICK = {ViewRowAction: details_link, EditRowAction: edit_link, DeleteRowAction: DeleteButton}

class SecureIndexView(Breadcrumbs, AdminIndexView):
    """The home page: only for logged-in users, showing each role its own work."""

    def is_accessible(self) -> bool:
        return role_in(ALL_ROLES)

    def inaccessible_callback(self, name, **kwargs):
        return login_redirect()

    @expose("/")
    def index(self):
        today = panti_today()
        board = build_dashboard(current_user, today)
        remember_due(board.worklist or [], today)  # the bell on the other pages
        return self.render("admin/index.html", board=board, today=today)


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
    # Counts the list shows that the model computes with a correlated subquery
    # (``column_property``): left out of the list's query, where the database would compute
    # them for every row it sorts or skips, and read for the page's rows in one more query.
    list_counts: tuple[str, ...] = ()
    # Rows a list may page through (None: all); deeper pages need a filter or a search.
    list_row_limit: int | None = None
    # Nullable references the scope guarantees on every listed row (joined as inner joins).
    required_references: tuple = ()
    # A row's checkbox and buttons in one call (templates/admin/panti_list.html).
    list_template = "admin/panti_list.html"
    row_head = row_head

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
        SCREENS[model] = self

    @pass_context
    def get_list_value(self, context, model, name):
        value = super().get_list_value(context, model, name)
        if name != link_column(self):
            return value
        return linked(self, context, model, value)

    def get_list_row_actions(self):
        """Flask-Admin's row buttons in their cheaper form (admin_views/row_actions.py),
        then the record's history."""
        return [*(QUICK[type(action)]() if type(action) in QUICK else action
                  for action in super().get_list_row_actions()),
                PageLink("fa fa-history", ".history_view", _l("Riwayat perubahan"))]

    def scaffold_form(self):
        form_class = super().scaffold_form()
        pickers = set(self.form_ajax_refs or {})
        for name, unbound in vars(form_class).items():
            if not isinstance(unbound, UnboundField):
                continue
            if name in pickers or issubclass(unbound.field_class, QuerySelectField):
                validators = list(unbound.kwargs.get("validators") or [])
                unbound.kwargs["validators"] = [picked_rows_exist, *validators]
        if issubclass(self.model, VersionMixin):
            setattr(form_class, versions.FIELD, VersionField())
        return form_class

    # --- who wrote a new record --------------------------------------------------------------
    #: The staff column a new record names its writer in (the note's author, the referring
    #: social worker, the evaluating head): the staff member of the user who saves it.
    written_by: str | None = None

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if is_created and self.written_by and getattr(model, self.written_by) is None:
            setattr(model, self.written_by, current_user.staff_id)

    # --- a closed case is read-only ---------------------------------------------------------
    #: A record of a client's case: once the case record is closed (services/terminations.py)
    #: none is added, changed or deleted, except what ``open_after_closing`` lets through.
    case_record = False

    def open_after_closing(self, form_or_record) -> bool:
        """Whether this record may still be written on a closed case (aftercare)."""
        return False

    def _closed_case(self, form) -> bool:
        """Whether the form writes on a closed case: the client it names, or the client of
        the record being changed."""
        picked = getattr(form.client.data, "id", None)
        record = getattr(form, "_obj", None)
        clients = {picked, getattr(record, "client_id", None)} - {None}
        return any(terminations.case_closed(client_id) for client_id in clients) and \
            not self.open_after_closing(form)

    # --- a new record's form filled in from the link that opened it ------------------------
    # Fields a link may fill in (``?client_id=3&kind=case_summary``, a worklist item's link):
    # a picker through its own loader, so an id outside the user's scope is ignored; a choice
    # only with one of its codes.
    form_prefill: tuple[str, ...] = ()

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if self.form_prefill and not is_form_submitted():
            self._prefill(form)
        return form

    def _prefill(self, form) -> None:
        for name in self.form_prefill:
            field = getattr(form, name, None)
            loader = self._form_ajax_refs.get(name)
            if field is None:
                continue
            if loader is not None:
                record_id = parse_id(request.args.get(f"{name}_id"))
                record = loader.get_one(record_id) if record_id else None
                if record is not None:
                    field.data = record
            elif request.args.get(name) in {choice[0] for choice in field.choices or ()}:
                field.data = request.args[name]

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
        if self.case_record and is_form_submitted() and hasattr(form, "client") and \
                self._closed_case(form):
            flash(terminations.closed_message(), "error")
            return False
        record, field = getattr(form, "_obj", None), getattr(form, versions.FIELD, None)
        if is_form_submitted() and stays.of_earlier_stay(record):
            flash(stays.earlier_message(), "error")
            return False
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
        g.setdefault(STALE, False)
        if super().update_model(form, model):
            return True
        if g.pop(STALE, False):
            flash(stale_write_message(model), "error")
            mark_seen(form, model)
        return False

    def delete_model(self, model) -> bool:
        if self.case_record and terminations.case_closed(model.client_id) and \
                not self.open_after_closing(model):
            flash(terminations.closed_message(), "error")
            return False
        if stays.of_earlier_stay(model):
            flash(stays.earlier_message(), "error")
            return False
        g.setdefault(STALE, False)
        if super().delete_model(model):
            return True
        if g.pop(STALE, False):
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
        entries = self.history_entries(record)
        return self.render(
            "admin/record_history.html", record=record, entries=entries,
            changes=self.describe_changes(entries),
            return_url=self.get_url(".details_view", id=record.id),
        )

    def history_entries(self, record) -> list[AuditEntry]:
        """The audit entries of ``record`` and of the rows edited inside its form, newest
        first."""
        table = self.model.__tablename__
        return list(db.session.scalars(
            select(AuditEntry)
            .where(or_(and_(AuditEntry.table_name == table, AuditEntry.record_id == record.id),
                       and_(AuditEntry.parent_table == table,
                            AuditEntry.parent_id == record.id)))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())))

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
            coded = {name: Choices(pairs) for name, pairs in (inline.form_choices or {}).items()}
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
        # the id settles ties. It runs the same way as the sort (the default sort's own
        # direction), so an index on (column, id) serves the whole ORDER BY.
        query, joins = super()._apply_sorting(query, joins, sort_column, sort_desc)
        if sort_column is None:
            order = list(self._get_default_order())
            sort_desc = bool(order and order[-1][2])
        return query.order_by(self.model.id.desc() if sort_desc else self.model.id), joins

    def _order_by(self, query, joins, sort_joins, sort_field, sort_desc):
        # Sorted by a referenced record's column (the client's name), the rows of one record
        # stay together: its id comes next, the same way. That is also what lets the
        # database walk the referenced table's (column, id) index and each record's own rows
        # in order, instead of sorting millions of rows for one page.
        if sort_field is None:
            return query, joins
        query, joins, alias = self._apply_path_joins(query, joins, sort_joins, inner_join=False)
        columns = [sort_field]
        if alias is not None:
            mapper = sa_inspect(alias).mapper
            columns = [getattr(alias, sort_field.key)] + [
                getattr(alias, mapper.get_property_by_column(key).key)
                for key in mapper.primary_key]
        return query.order_by(*(column.desc() if sort_desc else column
                                for column in columns)), joins

    def _get_list_extra_args(self):
        # ?page= is read with int(): a huge or negative one would reach OFFSET.
        args = super()._get_list_extra_args()
        args.page = clamp_page(args.page)
        if self.list_row_limit is not None:
            # Past the limit the database would walk every skipped row (seconds at millions
            # of rows): the last page within it is shown, with the way to go further.
            size = args.page_size or self.page_size
            last = max(self.list_row_limit // size - 1, 0)
            if args.page > last:
                args.page = last
                flash(_("Daftar ini hanya menampilkan %(rows)s baris pertama menurut "
                        "urutannya (sampai halaman %(page)s). Untuk data yang lebih jauh, "
                        "persempit daftar dengan filter (misalnya tanggal atau kelas) atau "
                        "pencarian.", rows=format_number(self.list_row_limit),
                        page=format_number(last + 1)), "warning")
        return args

    def _apply_path_joins(self, query, joins, path, inner_join=True):
        # Flask-Admin joins for sorting, filters and search with LEFT OUTER JOIN. Through
        # references every listed row has, an inner join returns the same rows and lets the
        # database walk the joined table's index instead of sorting the whole list (the
        # attendance list by session date: seconds at millions of rows, under a millisecond).
        if not inner_join and path and all(self._always_set(item) for item in path):
            inner_join = True
        return super()._apply_path_joins(query, joins, path, inner_join)

    def _always_set(self, item) -> bool:
        """True for a many-to-one reference set on every row this screen lists: a NOT NULL
        foreign key, or one named in ``required_references`` (the scope requires it)."""
        prop = getattr(item, "property", None)
        if not isinstance(prop, RelationshipProperty) or prop.direction is not MANYTOONE:
            return False
        if any(prop is ref.property for ref in self.required_references):
            return True
        return all(not column.nullable for column in prop.local_columns)

    # --- record scope ---------------------------------------------------------------
    def scope(self) -> list[Any]:
        """Filter expressions limiting the rows the current user may see (none: all): the
        visibility policy's (``services.scopes.visible``), which every other path asks too."""
        return visible(self.model)

    def get_query(self):
        return super().get_query().filter(*self.scope()).options(
            *self.list_options, *(defer(getattr(self.model, name)) for name in self.list_counts))

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        count, rows = super().get_list(page, sort_column, sort_desc, search, filters,
                                       execute=execute, page_size=page_size)
        if self.list_counts and execute:
            read_counts(self.model, rows, self.list_counts)
        return count, rows

    def get_count_query(self):
        if self.list_row_limit is not None:  # counted only as far as the list pages
            return capped_count(db.session, self.model, self.list_row_limit).filter(
                *self.scope())
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
        if is_statement_timeout(exc):
            return False  # Flask-Admin re-raises it: the "terlalu lama" page (errors.py)
        if isinstance(exc, StaleDataError):
            db.session.rollback()
            if STALE in g:  # update_model / delete_model say it, with the details
                setattr(g, STALE, True)
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

