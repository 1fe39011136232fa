"""Content-Security-Policy: scripts only from this site or carrying the request's nonce.

Flask-Admin 2 puts the nonce on its own <script> tags; its few inline event handlers are
rewritten into data attributes as its templates load (``admin_views/templating.py``) and
bound from ``static/js/panti.js``, so the policy allows no inline handler at all.
"""

from __future__ import annotations

import secrets

from flask import g

POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; "  # Select2 and the date pickers style inline
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def nonce() -> str:
    """This request's nonce (one per response, unguessable)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def header() -> str:
    """The Content-Security-Policy value for the current request."""
    return POLICY.format(nonce=nonce())
