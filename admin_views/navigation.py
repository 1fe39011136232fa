"""Moving around the console: the main menu, breadcrumbs on every page, and a list's name
column linking to the record's details page. The last two belong to the secured base views
(admin_views/base.py)."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request, session, url_for
from flask_admin.model import BaseModelView
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from services.dates import today as panti_today
from services.pages import PAGE_TITLES

from .row_actions import row_url

# What a page calls the record it is about (edit and details: ``model``; history and step
# pages: ``record``; a KK's decision page: ``conference``).
RECORD_KEYS = ("model", "record", "conference")
# A record's own name, or the client a record is about, names a list's row.
NAME_COLUMNS = ("name", "full_name", "title", "client.full_name")

Crumb = tuple[str, "str | None"]


def main_menu(view: Any) -> Markup:
    """The menu bar of a page of ``view``, rendered once per role, page and language.

    Which screens it lists depends only on the role (the permission matrix), which one is
    active only on the page's view; Flask-Admin re-renders it for every page, asking every
    screen whether it is accessible — a millisecond of each page, for the same few bytes."""
    role = current_user.role if current_user.is_authenticated else None
    key = (role, view.endpoint, str(get_locale()))
    menus = current_app.extensions.setdefault("panti_menus", {})
    if key not in menus:
        menus[key] = Markup(render_template("admin/main_menu.html", admin_view=view))
    return menus[key]


BELL = "bell"  # the session's key: [the panti's date, the count]


def remember_due(items: list, today) -> None:
    """Keep the count of the home page's items due today or late for the bell on the other
    pages (read from the session: they run none of the worklist's queries)."""
    session[BELL] = [today.isoformat(), sum(1 for item in items if item.due <= today)]


def bell() -> int:
    """The bell's count: the items due today or late when the user last opened the home
    page today (0 on another day, until the home page is opened again)."""
    day, count = session.get(BELL) or ("", 0)
    return count if day == panti_today().isoformat() else 0


def breadcrumbs(view: Any, context: dict[str, Any]) -> list[Crumb]:
    """Beranda › screen › record › page for the page ``view`` renders with ``context``,
    as (label, link); the page itself, the last, has no link."""
    if view is view.admin.index_view:
        return [(str(_l("Beranda")), None)]
    method = (request.endpoint or "").rpartition(".")[2]
    is_model = isinstance(view, BaseModelView)
    index = "index_view" if is_model else "index"
    crumbs: list[Crumb] = [(str(_l("Beranda")), url_for(f"{view.admin.endpoint}.index")),
                           (str(view.name), view.get_url(f".{index}"))]
    record = next((context[key] for key in RECORD_KEYS if context.get(key) is not None), None)
    if record is not None:
        details = None
        if is_model and view.can_view_details and isinstance(record, view.model):
            details = view.get_url(".details_view", id=view.get_pk_value(record))
        crumbs.append((_record_name(record), details))
    if method not in (index, "details_view") and method in PAGE_TITLES:
        crumbs.append((str(PAGE_TITLES[method]), None))
    crumbs[-1] = (crumbs[-1][0], None)
    return crumbs


def _record_name(record: Any) -> str:
    """A record as its pages name it; one without a name of its own (an audit log entry)
    by its number."""
    if type(record).__str__ is object.__str__:
        return f"#{getattr(record, 'id', '')}"
    return str(record)


class Breadcrumbs:
    """Mixin of the base views: every page they render gets its ``breadcrumbs``
    (shown by templates/admin/panti_base.html)."""

    def render(self, template: str, **kwargs: Any):
        kwargs.setdefault("breadcrumbs", breadcrumbs(self, kwargs))
        return super().render(template, **kwargs)  # type: ignore[misc]


def link_column(view: Any) -> str | None:
    """The list column that opens a row's details page: the view's ``column_details_link``,
    else the row's own name (name, full name, title), else the name of the client it is
    about, else the first column."""
    if not view.can_view_details:
        return None
    if view.column_details_link:
        return view.column_details_link
    columns = [name for name, _label in view._list_columns]
    return next((name for name in NAME_COLUMNS if name in columns),
                columns[0] if columns else None)


def linked(view: Any, context: Any, record: Any, value: Any) -> Markup:
    """``value`` (a list cell) as a link to ``record``'s details page; text escaped."""
    url = row_url(view, ".details_view", view.get_pk_value(record),
                  context.get("return_url") if context is not None else None)
    shown = value if value not in (None, "") else "—"
    return Markup('<a href="{}" data-testid="details-link">{}</a>').format(url, shown)
