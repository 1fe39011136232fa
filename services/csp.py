"""Content-Security-Policy: scripts only from this site or carrying the request's nonce.

Flask-Admin 2 puts the nonce on its own <script> tags, but a few of its templates still use
inline event handlers (the row delete button's confirm, the bulk-action links, the filter
menu). Those are allowed one by one with CSP 3 ``'unsafe-hashes'``: we hash the exact
handler texts Flask-Admin renders, computed from our own list below — never from the
response body, which would also whitelist a handler an attacker managed to inject.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from functools import lru_cache
from pathlib import Path

from flask import current_app, g
from flask_admin import translations as admin_translations
from flask_babel import Domain, get_locale

POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}' 'unsafe-hashes' {hashes}; "
    "style-src 'self' 'unsafe-inline'; "  # Select2 and the date pickers style inline
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


# Flask-Admin's catalog with ours first, as its views see it. Our own Domain: Flask-Admin's
# caches translations app-wide by locale, so asking it outside an admin view would pin a
# catalog without our translations for every later request.
_ADMIN_TEXTS = Domain(
    translation_directories=[
        str(Path(__file__).resolve().parent.parent / "translations"),
        admin_translations.__path__[0],
    ],
    domain="admin",
)


def nonce() -> str:
    """This request's nonce (one per response, unguessable)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def handler_texts(action_names: tuple[str, ...]) -> list[str]:
    """The inline handlers Flask-Admin's Bootstrap 4 templates render, as the browser
    reads them (HTML entities already decoded)."""
    confirm = _ADMIN_TEXTS.gettext("Are you sure you want to delete this record?")
    return [
        "return false;",
        "javascript:void(0)",  # links that only open a menu (CSP 3 hashes the whole URL)
        f"return faHelpers.safeConfirm('{confirm}');",
        *(f"return modelActions.execute('{name}');" for name in action_names),
    ]


@lru_cache(maxsize=16)
def _hashes(locale: str, action_names: tuple[str, ...]) -> str:
    # The confirm text depends on the locale; cached per locale and set of actions.
    return " ".join(_sha256(text) for text in handler_texts(action_names))


def _action_names() -> tuple[str, ...]:
    admin = current_app.extensions["admin"][0]
    names = {name for view in admin._views for name, _text in getattr(view, "_actions", [])}
    return tuple(sorted(names))


def header() -> str:
    """The Content-Security-Policy value for the current request."""
    return POLICY.format(nonce=nonce(), hashes=_hashes(str(get_locale()), _action_names()))
