"""The buttons at the start of each list row (details, edit, history, delete).

Flask-Admin builds each button's URL with ``url_for`` for every row: on a list of twenty rows
that was about half of the page's time. These build the part that is the same for every row
once per page (kept on ``g`` for the request) and put the row's id after it; the HTML is
Flask-Admin's, without its inline ``onclick`` (the confirmation is ``data-confirm``, bound by
``static/js/panti.js``).
"""

from __future__ import annotations

from urllib.parse import quote

from flask_admin.babel import gettext as admin_gettext
from flask_admin.model.template import BaseListRowAction
from jinja2 import pass_context
from markupsafe import Markup, escape

from .converters import once_per_request


def _per_page(view, key, return_url: str | None, build):
    """``build()``, once per request for the list of ``view`` coming back to
    ``return_url`` (``key`` names the part: an endpoint's URL, the delete form's fields)."""
    return once_per_request((view.endpoint, key, return_url), build)


def row_url(view, endpoint: str, row_id, return_url: str | None) -> str:
    """What ``view.get_url(endpoint, id=row_id, url=return_url)`` gives, with one
    ``url_for`` per page and endpoint instead of one per row: the URL is built once with a
    stand-in id (a NUL, which no real id or encoded return URL holds after ``id=``) and the
    row's id is put in its place."""
    head, tail = _per_page(view, endpoint, return_url,
                           lambda: _url_parts(view, endpoint, return_url))
    return head + quote(str(row_id), safe="") + tail


def _url_parts(view, endpoint: str, return_url: str | None) -> tuple[str, str]:
    head, _found, tail = view.get_url(endpoint, id="\x00", url=return_url).partition("id=%00")
    return head + "id=", tail


class PageLink(BaseListRowAction):
    """A link from the row to one of its view's pages (``endpoint``, e.g. ``.edit_view``),
    with the list as the page to come back to."""

    def __init__(self, icon_class: str, endpoint: str, title) -> None:
        super().__init__(title=title)
        self.icon_class = icon_class
        self.endpoint = endpoint

    def render(self, context, row_id, row):
        view, back = context.resolve("admin_view"), context.resolve("return_url")

        def build():  # the HTML around the row's id, the same on every row of the page
            head, tail = _per_page(view, self.endpoint, back, lambda: _url_parts(
                view, self.endpoint, back))
            return (Markup('<a class="icon" href="{}').format(head),
                    Markup('{}" title="{}"><span class="{}"></span></a>').format(
                        tail, str(self.title or ""), self.icon_class))

        before, after = _per_page(view, ("link", self.endpoint), back, build)
        return before + quote(str(row_id), safe="") + after


class DeleteButton(BaseListRowAction):
    """The row's delete form: its id, the list to come back to and the CSRF token, and a
    button that asks first."""

    def __init__(self) -> None:
        super().__init__(title=admin_gettext("Delete Record"))

    def render(self, context, row_id, row):
        form = context.resolve("delete_form")
        view, back = context.resolve("admin_view"), context.resolve("return_url")

        def build():  # the form around the row's id, the same for every row of the page
            hidden = Markup(form.url(value=back))
            if getattr(form, "csrf_token", None):
                hidden += Markup(form.csrf_token)
            return (Markup('<form class="icon" method="POST" action="{}">'
                           '<input id="id" name="id" type="hidden" value="').format(
                               view.get_url(".delete_view")),
                    Markup('">{}<button data-confirm="{}" title="{}"><span class="fa fa-trash '
                           'glyphicon glyphicon-trash"></span></button></form>').format(
                               hidden, admin_gettext(
                                   "Are you sure you want to delete this record?"),
                               str(self.title)))

        before, after = _per_page(view, "delete", back, build)
        return before + escape(row_id) + after


def details_link() -> PageLink:
    return PageLink("fa fa-eye glyphicon glyphicon-eye-open", ".details_view",
                    admin_gettext("View Record"))


def edit_link() -> PageLink:
    return PageLink("fa fa-pencil glyphicon glyphicon-pencil", ".edit_view",
                    admin_gettext("Edit Record"))


@pass_context
def row_head(view, context, row) -> Markup:
    """A list row's first cells: its checkbox (where the list has bulk actions) and its
    buttons, as Flask-Admin's list template writes them, in one call per row."""
    row_id = view.get_pk_value(row)
    head = Markup("")
    if context.resolve("actions"):
        title = _per_page(view, "select", None, lambda: admin_gettext("Select record"))
        head += Markup('<td><input type="checkbox" name="rowid" class="action-checkbox" '
                       'value="{}" title="{}" /></td>').format(row_id, title)
    if view.column_display_actions:
        head += Markup('<td class="list-buttons-column">{}</td>').format(Markup("").join(
            action.render(context, row_id, row) for action in
            context.resolve("list_row_actions")))
    return head
