"""Kept only for ``admin_views/base.py``'s import of ``safe_next``: the login pages and
session rules are in the ``auth`` package, the error pages in ``errors.py``."""

from auth.views import safe_next

__all__ = ["safe_next"]
