"""Flask-Admin's templates served without inline event handlers.

Its Bootstrap 4 templates still carry a few ``onclick="…"`` handlers and
``href="javascript:void(0)"`` links, which a strict Content-Security-Policy blocks (the
"Tambah Tujuan" button of the service plan did nothing). Rather than keep edited copies of
those templates, this loader rewrites the exact handler texts into data attributes as the
templates are read; ``static/js/panti.js`` binds the behaviour from a static file. A rewrite
whose text is no longer in the template fails loudly, so an upgrade of Flask-Admin cannot
silently bring a handler back.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import flask_admin
from jinja2 import BaseLoader, Environment, TemplateNotFound

FLASK_ADMIN_DIR = str(Path(flask_admin.__file__).resolve().parent)

# Links that only open a menu or a tab: a plain "#" that panti.js keeps from navigating.
EVERYWHERE = [('href="javascript:void(0)"', 'href="#" data-inert')]

# Template → (handler as Flask-Admin writes it, data attribute that replaces it).
HANDLERS: dict[str, list[tuple[str, str]]] = {
    "admin/model/inline_list_base.html": [
        ("onclick=\"faForm.addInlineField(this, '{{ field.id }}');\"",
         'data-inline-add="{{ field.id }}"'),
    ],
    "admin/model/row_actions.html": [
        ("onclick=\"return faHelpers.safeConfirm('{{ _gettext('Are you sure you want to "
         "delete this record?') }}');\"",
         "data-confirm=\"{{ _gettext('Are you sure you want to delete this record?') }}\""),
    ],
    "admin/actions.html": [
        ("onclick=\"return modelActions.execute('{{ p[0] }}');\"",
         'data-model-action="{{ p[0] }}"'),
    ],
    "admin/model/layout.html": [(' onclick="return false;"', "")],
    # Not handlers, but the same kind of fix: the page's language and an English label.
    "admin/base.html": [
        ("<html>", '<html lang="{{ config.BABEL_DEFAULT_LOCALE }}">'),
        ('aria-label="Toggle navigation"', "aria-label=\"{{ _gettext('Toggle navigation') }}\""),
    ],
    # A details page is one short table: its "Filter" box (and the script behind it) only
    # looked like a search of the records.
    "admin/model/details.html": [
        ("""    <div class="form-inline fa_filter_container col-lg-6">
      <label for="fa_filter">{{ _gettext('Filter') }}</label>
      <input id="fa_filter" type="text" class="ml-3 form-control">
    </div>
""", ""),
        ("  <script {{ admin_csp_nonce_attribute }} src=\"{{ admin_static.url("
         "filename='admin/js/details_filter.js', v='1.0.0') }}\"></script>", ""),
    ],
}


class HandlerFreeLoader(BaseLoader):
    """Wraps the app's loader; Flask-Admin's own templates come back handler-free."""

    def __init__(self, inner: BaseLoader):
        self.inner = inner

    def get_source(self, environment: Environment, template: str):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if filename and str(Path(filename).resolve()).startswith(FLASK_ADMIN_DIR):
            source = rewrite(template, source)
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


def rewrite(template: str, source: str) -> str:
    """``source`` of a Flask-Admin template with its known handlers replaced."""
    for old, new in HANDLERS.get(template, []):
        if old not in source:
            raise TemplateNotFound(
                f"{template}: expected handler not found (Flask-Admin changed?): {old}")
        source = source.replace(old, new)
    for old, new in EVERYWHERE:
        source = source.replace(old, new)
    return source


def version_static_urls(app) -> None:
    """Give the console's own static files a ``?v=`` of their content's hash: browsers keep
    static files for ``SEND_FILE_MAX_AGE_DEFAULT`` without asking again, and still fetch a
    changed panti.js or panti.css at once after an upgrade."""
    hashes: dict[str, str] = {}

    def content_hash(filename: str) -> str:
        if filename not in hashes:
            path = Path(app.static_folder or "") / filename
            try:
                hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            except OSError:
                hashes[filename] = ""
        return hashes[filename]

    @app.url_defaults
    def static_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = content_hash(values["filename"])
            if version:
                values["v"] = version
