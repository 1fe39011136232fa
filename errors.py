"""The pages a refused or failed request ends on, for the whole app (``init_app`` in
``create_app``): a plain message in Indonesian, never a stack trace or a detail."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest

from models import db
from services.audit import record_event


def _refused(code: int, message: str):
    return render_template("errors/refused.html", code=code, message=message), code


def bad_request(error):
    """A request no form could have sent: say what is wrong, without details."""
    message = getattr(error, "description", None)
    if not isinstance(message, str) or message == BadRequest.description:
        message = _("Permintaan tidak valid.")
    return _refused(400, message)


def forbidden(_error):
    """Say no without revealing anything, and put the refusal on record."""
    if current_user.is_authenticated:
        db.session.rollback()  # nothing half-done survives a refusal
        record_event("denied", detail=f"{request.method} {request.full_path.rstrip('?')}")
        db.session.commit()
    return _refused(403, _("Anda tidak berhak membuka halaman atau data ini."))


def not_found(_error):
    return _refused(404, _("Halaman atau data tidak ditemukan."))


def too_large(_error):
    """An upload over MAX_UPLOAD_MB: say so instead of a bare error page."""
    limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return _refused(413, _(
        "Berkas terlalu besar; paling besar %(mb)s MB per unggahan. Perkecil berkasnya lalu "
        "coba lagi.", mb=limit))


def server_error(_error):
    """A defect (logged with its traceback by Flask): nothing half-done is kept, and the user
    gets a plain page instead of a stack trace."""
    db.session.rollback()
    return _refused(500, _(
        "Terjadi kesalahan pada aplikasi; tidak ada data yang disimpan. Coba lagi; bila "
        "terulang, hubungi petugas tata usaha."))


# SQLSTATE of a statement the database cancelled: past ``statement_timeout`` (app.py sets it
# per connection on PostgreSQL from STATEMENT_TIMEOUT_MS), or cancelled by an administrator.
QUERY_CANCELED = "57014"


def is_statement_timeout(error: BaseException) -> bool:
    """True for a database error saying the statement was cancelled for taking too long."""
    return isinstance(error, OperationalError) and \
        getattr(error.orig, "sqlstate", None) == QUERY_CANCELED


def took_too_long(error: OperationalError):
    """A query cancelled at the time limit: a page saying so (503, try again narrower)
    instead of a 500 or a worker killed mid-request; any other database failure stays a
    defect (logged, the 500 page)."""
    if not is_statement_timeout(error):
        raise error
    db.session.rollback()  # the cancelled statement aborted the transaction
    current_app.logger.warning("Statement timeout: %s %s", request.method,
                               request.full_path.rstrip("?"))
    return _refused(503, _(
        "Permintaan ini terlalu lama diproses, jadi dihentikan; tidak ada data yang disimpan. "
        "Persempit daftar dengan filter atau pencarian, lalu coba lagi; bila terulang, hubungi "
        "petugas tata usaha."))


def changed_meanwhile(_error):
    """A write from an outdated reading that no screen turned into its own message (the
    forms and step pages do): refused plainly, never a 500."""
    db.session.rollback()
    if request.endpoint == "auth.login":
        session.clear()  # a login whose record was rolled back does not count as one
    return _refused(409, _(
        "Data ini baru saja diubah orang lain, jadi perubahan Anda tidak disimpan. Muat ulang "
        "halaman, periksa datanya, lalu coba lagi."))


def init_app(app: Flask) -> None:
    """Answer every refusal and failure of ``app`` with the console's own page."""
    app.register_error_handler(400, bad_request)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, not_found)
    app.register_error_handler(413, too_large)
    app.register_error_handler(500, server_error)
    app.register_error_handler(StaleDataError, changed_meanwhile)
    app.register_error_handler(OperationalError, took_too_long)
