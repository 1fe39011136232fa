"""The rules every logged-in session follows: which cookie still counts, how long a session
lives (idle timeout, absolute lifetime), and a forced password change before anything else."""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from models import User, db
from services.audit import record_event
from services.inputs import parse_id

# Activity is noted to the minute: within a minute of the last note the session cookie is
# left as it is (re-signing and sending it on every request cost more than the page's data).
SEEN_STEP = 60
# Pages a user who must change their password may still open.
_OPEN_WHILE_CHANGING = frozenset({"auth.change_password", "auth.logout", "auth.login",
                                  "static", "admin.static"})


def load_user(cookie_id: str) -> User | None:
    """The account of a session cookie ("id:token"), if it is active and the token still
    matches: a cookie from before a logout or password change no longer does."""
    user_id, _sep, token = cookie_id.partition(":")
    user_pk = parse_id(user_id)
    user = db.session.get(User, user_pk) if user_pk else None
    if user is None or not user.is_active or not user.matches_session(token):
        return None
    return user


def start_session(user: User) -> None:
    """Log ``user`` in on this browser with a new session (no fixation) and start its clocks."""
    session.clear()
    session.permanent = True
    login_user(user, remember=False)
    now = int(time.time())
    session["login_at"] = now
    session["seen"] = now


def end_session(reason: str, message: str, *, everywhere: bool = True) -> None:
    """Log this browser out; ``everywhere`` also ends the account's other sessions."""
    if current_user.is_authenticated:
        record_event("logout", detail=reason)
        if everywhere:
            db.session.get(User, current_user.id).end_sessions()
        db.session.commit()
    logout_user()
    session.clear()
    flash(message, "info")


def enforce_session_rules():
    """Before every request: idle timeout, absolute lifetime, and a forced password change."""
    if request.endpoint in ("static", "admin.static") or not current_user.is_authenticated:
        return None
    now = int(time.time())
    idle = int(current_app.config.get("SESSION_IDLE_MINUTES", 30)) * 60
    lifetime = int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    seen, since = session.get("seen", 0), session.get("login_at", 0)
    if now - seen > idle or now - since > lifetime:
        idle_out = now - seen > idle
        end_session(
            _("tidak aktif terlalu lama") if idle_out else _("batas waktu sesi"),
            _("Sesi Anda berakhir karena terlalu lama tidak aktif. Silakan masuk lagi.")
            if idle_out else _("Sesi Anda sudah terlalu lama. Silakan masuk lagi."),
            # Only this cookie is stale: its own "seen"/"login_at" keep failing these checks,
            # so the account's other, live sessions go on.
            everywhere=False,
        )
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.login", next=target))
    if now - seen >= SEEN_STEP:
        session["seen"] = now
    if current_user.must_change_password and request.endpoint not in _OPEN_WHILE_CHANGING:
        flash(_("Anda harus mengganti kata sandi sebelum melanjutkan."), "info")
        return redirect(url_for("auth.change_password"))
    return None


def keep_session_permanent() -> None:
    """Sessions expire after PERMANENT_SESSION_LIFETIME; remember-me is never offered."""
    if request.endpoint != "static" and not session.permanent:
        session.permanent = True  # setting it marks the session changed: once is enough
