"""Documents on a client's file, and the kinds of document the panti keeps."""

from __future__ import annotations

from flask import abort, current_app, request, send_from_directory
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BooleanEqualFilter, DateBetweenFilter
from flask_admin.helpers import is_form_submitted
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from wtforms import FileField

from forms.validators import not_in_future, strip_text
from models import ClientDocument, DocumentType
from services import documents
from services.uploads import upload_problem

from .base import SecureModelView
from .pickers import client_picker


def _file_link(view, _context, document, _name):
    return Markup('<a href="{}">{}</a>').format(
        view.get_url(".file_view", id=document.id), document.original_name)


class ClientDocumentView(SecureModelView):
    """The scans on a client's file (letters, KTP, KK, reports): the admin keeps them, a
    social worker for their own clients; each file is served only to those who may see
    the client's documents (services/scopes.py)."""

    list_options = (joinedload(ClientDocument.client), joinedload(ClientDocument.document_type))
    column_list = ("client.register_number", "client.full_name", "document_type", "number",
                   "issued_on", "original_name")
    column_details_list = ("client", "document_type", "number", "issued_on", "note",
                           "original_name", "uploaded_by", "uploaded_at")
    column_labels = {
        "client": _l("Klien"),
        "client.register_number": _l("Nomor induk"),
        "client.full_name": _l("Nama klien"),
        "document_type": _l("Jenis dokumen"),
        "number": _l("Nomor surat"),
        "issued_on": _l("Tanggal surat"),
        "note": _l("Catatan"),
        "original_name": _l("Berkas"),
        "uploaded_by": _l("Diunggah oleh"),
        "uploaded_at": _l("Waktu unggah"),
        "scan": _l("Pindaian (PDF, JPEG atau PNG)"),
    }
    column_searchable_list = ("client.full_name", "client.register_number", "number")
    column_sortable_list = ("issued_on", ("client.full_name", "client.full_name"))
    column_default_sort = [("issued_on", True), ("id", True)]
    column_filters = ("document_type.name",
                      DateBetweenFilter(ClientDocument.issued_on, _l("Tanggal surat")))
    column_formatters = {"original_name": _file_link}
    column_formatters_detail = column_formatters
    form_columns = ("client", "document_type", "number", "issued_on", "note", "scan")
    form_extra_fields = {"scan": FileField(_l("Pindaian (PDF, JPEG atau PNG)"))}
    form_ajax_refs = {"client": client_picker("client", own_case=True)}
    form_prefill = ("client",)  # "Tambah dokumen" on the case file
    case_record = True  # read-only once the case record is closed
    form_args = {
        "document_type": {"query_factory": lambda: DocumentType.query.filter_by(active=True)
                          .order_by(DocumentType.position, DocumentType.name)},
        "number": {"filters": [strip_text]},
        "issued_on": {"validators": [not_in_future]},
        "note": {"filters": [strip_text]},
    }

    def validate_form(self, form) -> bool:
        """The scan: required for a new document, checked by its content (as a contract's
        scan) before anything is saved."""
        valid = super().validate_form(form)
        if not is_form_submitted() or "scan" not in form:
            return valid
        upload = request.files.get("scan")
        if upload is None or not upload.filename:
            if getattr(form, "_obj", None) is None:
                form.scan.errors = [_("Pilih berkas pindaian dokumen.")]
                return False
            return valid  # an edit keeps its file
        problem = upload_problem(upload, current_app.config["CONTRACT_SCAN_MAX_BYTES"])
        if problem:
            form.scan.errors = [problem]
            return False
        return valid

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if documents.attach(model, request.files.get("scan")) and is_created:
            model.uploaded_by_id = current_user.id

    def on_model_delete(self, model):
        super().on_model_delete(model)
        documents.forget(model)

    @expose("/file/")
    def file_view(self):
        """The scan, to those who may see this document (never from static/)."""
        document = self.get_one(request.args.get("id", ""))
        if document is None or not document.file:
            abort(404)
        response = send_from_directory(documents.folder(), document.file,
                                       download_name=document.original_name)
        response.headers["Cache-Control"] = "private, no-store"  # a personal paper
        return response


class DocumentTypeView(SecureModelView):
    """The kinds of document kept on a client's file."""

    column_list = ("name", "position", "active")
    column_details_list = column_list
    column_labels = {"name": _l("Jenis dokumen"), "position": _l("Urutan"),
                     "active": _l("Aktif")}
    column_searchable_list = ("name",)
    column_default_sort = "position"
    column_filters = (BooleanEqualFilter(DocumentType.active, _l("Aktif")),)
    form_columns = ("name", "position", "active")
    form_args = {"name": {"filters": [strip_text]}}
