"""Login, logout, password change, session expiry and the refusal pages."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.security import check_password_hash, generate_password_hash

from forms.auth import LoginForm, LogoutForm, PasswordChangeForm
from models import User, db
from models.base import utcnow
from services.accounts import password_problem
from services.audit import record_event
from services.login import attempt_succeeded, begin_attempt

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)

# Checked when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
# Pages a user who must change their password may still open.
_OPEN_WHILE_CHANGING = frozenset({"auth.change_password", "auth.logout", "auth.login",
                                  "static", "admin.static"})


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


def _start_session(user: User) -> None:
    session.clear()  # a new session on login: no fixation
    login_user(user, remember=False)
    now = int(time.time())
    session["login_at"] = now
    session["seen"] = now


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
        attempt = begin_attempt(name, user.id if user is not None else None)
        if attempt.held_until is not None:
            form.password.errors.append(attempt.message)
            return render_template("auth/login.html", form=form), 429
        valid = check_password_hash(user.password_hash if user else _DUMMY_HASH,
                                    form.password.data)
        if user is not None and valid and user.is_active:
            _start_session(user)
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
    _end_session(_("keluar"), _("Anda telah keluar."))
    return redirect(url_for("auth.login"))


def _end_session(reason: str, message: str, *, everywhere: bool = True) -> None:
    """Log this browser out; ``everywhere`` also ends the account's other sessions."""
    if current_user.is_authenticated:
        record_event("logout", detail=reason)
        if everywhere:
            db.session.get(User, current_user.id).end_sessions()
        db.session.commit()
    logout_user()
    session.clear()
    flash(message, "info")


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
            _start_session(user)  # this browser continues with the new token
            flash(_("Kata sandi berhasil diganti."), "success")
            return redirect(url_for("admin.index"))
        db.session.commit()
    return render_template("auth/password.html", form=form)


@bp.before_app_request
def enforce_session_rules():
    """Idle timeout, absolute lifetime, and a forced password change."""
    if request.endpoint in ("static", "admin.static") or not current_user.is_authenticated:
        return None
    now = int(time.time())
    idle = int(current_app.config.get("SESSION_IDLE_MINUTES", 30)) * 60
    lifetime = int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    seen, since = session.get("seen", 0), session.get("login_at", 0)
    if now - seen > idle or now - since > lifetime:
        idle_out = now - seen > idle
        _end_session(
            _("tidak aktif terlalu lama") if idle_out else _("batas waktu sesi"),
            _("Sesi Anda berakhir karena terlalu lama tidak aktif. Silakan masuk lagi.")
            if idle_out else _("Sesi Anda sudah terlalu lama. Silakan masuk lagi."),
            # Only this cookie is stale: its own "seen"/"login_at" keep failing these checks,
            # so the account's other, live sessions go on.
            everywhere=False,
        )
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.login", next=target))
    session["seen"] = now
    if current_user.must_change_password and request.endpoint not in _OPEN_WHILE_CHANGING:
        flash(_("Anda harus mengganti kata sandi sebelum melanjutkan."), "info")
        return redirect(url_for("auth.change_password"))
    return None


@bp.app_errorhandler(403)
def forbidden(_error):
    """Say no without revealing anything, and put the refusal on record."""
    if current_user.is_authenticated:
        db.session.rollback()  # nothing half-done survives a refusal
        record_event("denied", detail=f"{request.method} {request.full_path.rstrip('?')}")
        db.session.commit()
    return render_template("errors/refused.html", code=403,
                           message=_("Anda tidak berhak membuka halaman atau data ini.")), 403


@bp.app_errorhandler(404)
def not_found(_error):
    return render_template("errors/refused.html", code=404,
                           message=_("Halaman atau data tidak ditemukan.")), 404


@bp.app_errorhandler(413)
def too_large(_error):
    """An upload over MAX_UPLOAD_MB: say so instead of a bare error page."""
    limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return render_template("errors/refused.html", code=413, message=_(
        "Berkas terlalu besar; paling besar %(mb)s MB per unggahan. Perkecil berkasnya lalu "
        "coba lagi.", mb=limit)), 413


@bp.app_errorhandler(500)
def server_error(_error):
    """A defect (logged with its traceback by Flask): nothing half-done is kept, and the user
    gets a plain page instead of a stack trace."""
    db.session.rollback()
    return render_template("errors/refused.html", code=500, message=_(
        "Terjadi kesalahan pada aplikasi; tidak ada data yang disimpan. Coba lagi; bila "
        "terulang, hubungi petugas tata usaha.")), 500


@bp.app_errorhandler(StaleDataError)
def changed_meanwhile(_error):
    """A write from an outdated reading that no screen turned into its own message (the
    forms and step pages do): refused plainly, never a 500."""
    db.session.rollback()
    if request.endpoint == "auth.login":
        session.clear()  # a login whose record was rolled back does not count as one
    return render_template("errors/refused.html", code=409, message=_(
        "Data ini baru saja diubah orang lain, jadi perubahan Anda tidak disimpan. Muat ulang "
        "halaman, periksa datanya, lalu coba lagi.")), 409
