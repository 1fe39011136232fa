"""The audit log screen: read-only, filterable, for the head and the admin."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app
from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateTimeBetweenFilter, FilterEqual, FilterLike
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from models import AuditEntry
from models.choices import AUDIT_ACTIONS
from services.audit import SHEET_DETAIL
from services.dates import format_date

from .audit_labels import AuditWords
from .base import SecureModelView, role_in
from .converters import choice_formatter


def _screens() -> dict[str, SecureModelView]:
    """Table name → the screen that shows its records."""
    admin = current_app.extensions["admin"][0]
    return {view.model.__tablename__: view for view in admin._views
            if isinstance(view, SecureModelView) and not isinstance(view, AuditLogView)}


def _table(view, _context, entry, _name):
    return view.words.kind(entry.table_name)


def _changed_fields(view, _context, entry, _name):
    if (entry.detail or "").startswith(SHEET_DETAIL):  # a save of an attendance sheet
        return _("Kehadiran %(n)s klien", n=len(entry.changes or {}))
    return view.words.fields(entry.table_name, entry.changes or {})


def _detail(_view, _context, entry, _name):
    """A sheet save's day as the user reads it; any other detail as written."""
    detail = entry.detail or ""
    if detail.startswith(SHEET_DETAIL):
        return _("Daftar hadir %(day)s",
                 day=format_date(date.fromisoformat(detail.removeprefix(SHEET_DETAIL))))
    return detail


def _changes(view, _context, entry, _name):
    """Old → new per field, only when the reader may see that screen's records (a row
    edited inside a record's form, such as a plan's goal, by that record's screen)."""
    if not entry.changes:
        return ""
    screens = _screens()
    screen = screens.get(entry.table_name or "") or screens.get(entry.parent_table or "")
    if screen is None or not role_in(screen.read_roles):
        # The log says *that* confidential content changed, not what it says.
        return _("Isian yang berubah: %(fields)s (isinya hanya untuk peran yang berwenang).",
                 fields=view.words.fields(entry.table_name, entry.changes))
    rows = screen.describe_changes([entry])[entry.id]
    items = Markup("").join(
        Markup("<li><strong>{}</strong>: {} → {}</li>").format(label, before, after)
        for label, before, after in rows
    )
    return Markup('<ul class="mb-0 pl-3" data-testid="audit-changes">{}</ul>').format(items) \
        if rows else escape(_("Tidak ada isian yang ditampilkan."))


class AuditLogView(SecureModelView):
    """Every recorded change, login and refusal. Nobody can add, edit or delete rows here."""

    column_list = ("at", "username", "action", "table_name", "record_label", "changes",
                   "detail", "ip")
    column_details_list = ("at", "username", "action", "table_name", "record_id",
                           "record_label", "changes", "detail", "ip")
    column_labels = {
        "at": _l("Waktu"),
        "username": _l("Pengguna"),
        "action": _l("Aksi"),
        "table_name": _l("Data"),
        "record_id": _l("ID data"),
        "record_label": _l("Data yang diubah"),
        "changes": _l("Perubahan"),
        "detail": _l("Keterangan"),
        "ip": _l("Alamat IP"),
    }
    column_searchable_list = ("username", "record_label", "detail")
    column_sortable_list = ("at", "username", "action", "table_name")
    column_default_sort = [("at", True), ("id", True)]
    column_filters = (
        FilterEqual(AuditEntry.action, _l("Aksi"), options=AUDIT_ACTIONS.choices),
        FilterLike(AuditEntry.username, _l("Pengguna")),
        FilterEqual(AuditEntry.record_id, _l("ID data")),
        DateTimeBetweenFilter(AuditEntry.at, _l("Waktu")),
    )
    column_formatters = {"action": choice_formatter(AUDIT_ACTIONS), "table_name": _table,
                         "changes": _changed_fields, "detail": _detail}
    column_formatters_detail = {"action": choice_formatter(AUDIT_ACTIONS),
                                "table_name": _table, "changes": _changes, "detail": _detail}
    details_template = "admin/model/details.html"

    def __init__(self, *args, words: AuditWords, **kwargs):
        # ``words``: record kinds and field labels (admin_views/audit_labels.py); the kinds
        # are the "Data" filter's options.
        self.words = words
        self.column_filters = (
            *self.column_filters,
            FilterEqual(AuditEntry.table_name, _l("Data"), options=words.options()),
        )
        super().__init__(*args, **kwargs)
    page_size = 50

    # The log is append-only: these stay off for every role, whatever the matrix says.
    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return False

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return False

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False

    def is_action_allowed(self, name: str) -> bool:
        return False

    def get_list_row_actions(self):
        return [action for action in super().get_list_row_actions()
                if getattr(action, "endpoint", None) != ".history_view"]

    @expose("/history/")
    def history_view(self):
        abort(404)  # log rows have no history of their own
