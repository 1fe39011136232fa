"""Who is using the console: the login, logout and password pages (``views``) and the rules
every session follows (``sessions``), attached to the app by ``init_app``."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

from .sessions import enforce_session_rules, keep_session_permanent, load_user
from .views import bp, safe_next

__all__ = ["init_app", "safe_next"]


def init_app(app: Flask) -> None:
    """Flask-Login with the console's session rules, and the ``auth.*`` pages."""
    login_manager = LoginManager(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page says why on its own
    login_manager.user_loader(load_user)
    app.register_blueprint(bp)
    app.before_request(enforce_session_rules)
    app.before_request(keep_session_permanent)
