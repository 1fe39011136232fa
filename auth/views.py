"""The login, logout and password-change pages (blueprint ``auth``)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from forms.auth import LoginForm, LogoutForm, PasswordChangeForm
from models import User, db
from models.base import utcnow
from services.accounts import password_problem
from services.login import attempt_succeeded, begin_attempt

from .sessions import end_session, start_session

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)

# Checked when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


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
        name = form.username.data
        user = db.session.scalar(select(User).where(User.username == name))
        # The login throttle (services/login.py): held accounts and addresses get no check.
        attempt = begin_attempt(name, user.id if user is not None else None)
        if attempt.held_until is not None:
            form.password.errors.append(attempt.message)
            return render_template("auth/login.html", form=form), 429
        valid = check_password_hash(user.password_hash if user else _DUMMY_HASH,
                                    form.password.data)
        if user is not None and valid and user.is_active:
            start_session(user)
            user.last_login_at = utcnow()
            attempt_succeeded(attempt, logged_in=True)
            db.session.commit()
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(form.next.data) or url_for("admin.index"))
        log.warning("login failed: %s from %s", name, request.remote_addr)
        form.password.errors.append(_("Nama pengguna atau kata sandi salah."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Log out (POST with a CSRF token, so a link elsewhere cannot log anyone out).

    The account's session token changes too, so a copy of the cookie stops working."""
    form = LogoutForm(request.form)
    if not form.validate():
        flash(_("Sesi formulir kedaluwarsa. Silakan coba keluar lagi."), "error")
        return redirect(url_for("admin.index"))
    end_session(_("keluar"), _("Anda telah keluar."))
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; every other session of the account ends."""
    form = PasswordChangeForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        user = db.session.get(User, current_user.id)
        # Guesses here count with the login page's: a borrowed session gets no extra tries.
        attempt = begin_attempt(user.username, user.id, detail=_("ganti kata sandi"))
        if attempt.held_until is not None:
            form.current.errors.append(attempt.message)
            return render_template("auth/password.html", form=form), 429
        if not user.check_password(form.current.data):
            form.current.errors.append(_("Kata sandi sekarang salah."))
            return render_template("auth/password.html", form=form)
        attempt_succeeded(attempt, logged_in=False)
        problem = password_problem(form.new.data, user.username)
        if problem:
            form.new.errors.append(problem)
        elif form.new.data == form.current.data:
            form.new.errors.append(_("Kata sandi baru harus berbeda dari yang sekarang."))
        else:
            user.set_password(form.new.data)  # new session token: other sessions end
            user.must_change_password = False
            db.session.commit()
            start_session(user)  # this browser continues with the new token
            flash(_("Kata sandi berhasil diganti."), "success")
            return redirect(url_for("admin.index"))
        db.session.commit()
    return render_template("auth/password.html", form=form)
