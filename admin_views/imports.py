"""Importing the roster workbook: upload, dry-run preview, then confirm (all-or-nothing)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app, flash, redirect, request, session, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from forms.base import ConsoleForm
from models import db
from services import roster_import
from services.workbook import sweep

from .base import SecureView

KEEP_SECONDS = 24 * 3600  # an upload nobody confirmed is removed after a day


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(token: str | None) -> Path | None:
    """The uploaded file behind ``token`` if it belongs to this user's session."""
    if not token or token != session.get("roster_import") or not token.isalnum():
        return None
    path = _folder() / f"{current_user.id}-{token}.xlsx"
    return path if path.exists() else None




class RosterImportView(SecureView):
    """Create or update clients from a roster workbook (the export's own layout)."""

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = ConsoleForm(request.form if request.method == "POST" else None)
        plan, error, token = None, None, None
        if request.method == "POST":
            upload = request.files.get("file")
            if not form.validate():
                error = _("Formulir kedaluwarsa atau tidak sah; muat ulang halaman lalu "
                          "unggah lagi.")
            elif upload is None or not upload.filename:
                error = _("Pilih berkas buku induk (.xlsx) yang akan diimpor.")
            elif not upload.filename.lower().endswith(".xlsx"):
                error = _("Hanya berkas Excel .xlsx yang dapat diimpor.")
            else:
                sweep(_folder(), older_than=KEEP_SECONDS)
                token = secrets.token_hex(16)
                path = _folder() / f"{current_user.id}-{token}.xlsx"
                upload.save(path)
                try:
                    plan = roster_import.plan(str(path))
                except roster_import.ImportFileError as exc:
                    error, plan = str(exc), None
                    path.unlink(missing_ok=True)
                else:
                    session["roster_import"] = token
                db.session.rollback()  # a dry run writes nothing
        return self.render("admin/roster_import.html", form=form, plan=plan, error=error,
                           token=token)

    @expose("/confirm/", methods=("POST",))
    def confirm(self):
        form = ConsoleForm(request.form)
        path = _stored(request.form.get("token"))
        if not form.validate() or path is None:
            flash(_("Pratinjau impor tidak ditemukan atau sudah kedaluwarsa; unggah berkasnya "
                    "lagi."), "error")
            return redirect(url_for(".index"))
        try:
            result = roster_import.apply(str(path))
            if result.rejected:
                db.session.rollback()
                flash(_("Data berubah sejak pratinjau: %(n)s baris kini ditolak. Tidak ada yang "
                        "disimpan; periksa pratinjau baru.", n=result.rejected), "error")
                return self.render("admin/roster_import.html", form=ConsoleForm(), plan=result,
                                   error=None, token=request.form.get("token"))
            db.session.commit()  # every created or changed client is in the audit log
        except Exception:
            db.session.rollback()
            current_app.logger.exception("roster import failed")
            flash(_("Impor gagal; tidak ada data yang disimpan."), "error")
            return redirect(url_for(".index"))
        os.unlink(path)
        session.pop("roster_import", None)
        flash(_("Impor selesai: %(c)s klien baru, %(u)s klien diubah, %(s)s tidak berubah.",
                c=result.count("create"), u=result.count("update"),
                s=result.count("unchanged")), "success")
        return redirect(url_for("client.index_view"))
