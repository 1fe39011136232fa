"""Login and logout."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from forms.auth import LoginForm, LogoutForm
from models import User, db
from models.base import utcnow

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on success start a fresh session for the user."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm(request.form if request.method == "POST" else None,
                     next=request.args.get("next", ""))
    if request.method == "POST" and form.validate():
        user = db.session.scalar(select(User).where(User.username == form.username.data))
        if user is not None and user.is_active and user.check_password(form.password.data):
            session.clear()  # a new session on login: no fixation
            login_user(user, remember=False)
            user.last_login_at = utcnow()
            db.session.commit()
            log.info("login ok: %s", user.username)
            return redirect(safe_next(form.next.data) or url_for("admin.index"))
        log.warning("login failed: %s from %s", form.username.data, request.remote_addr)
        form.password.errors.append(_("Nama pengguna atau kata sandi salah."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Log out (POST with a CSRF token, so a link elsewhere cannot log anyone out)."""
    form = LogoutForm(request.form)
    if not form.validate():
        flash(_("Sesi formulir kedaluwarsa. Silakan coba keluar lagi."), "error")
        return redirect(url_for("admin.index"))
    logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))
