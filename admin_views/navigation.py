"""Moving around the console: a list's name column links to the record's details page
(used by the secured base views, admin_views/base.py)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

# A record's own name, or the client a record is about, names a list's row.
NAME_COLUMNS = ("name", "full_name", "title", "client.full_name")

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
    url = view.get_url(".details_view", id=view.get_pk_value(record),
                       url=context.get("return_url") if context is not None else None)
    shown = value if value not in (None, "") else "—"
    return Markup('<a href="{}" data-testid="details-link">{}</a>').format(url, shown)
