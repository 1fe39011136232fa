"""Service contracts: drafts edited on the screen; signing, the later states, amendments,
the printable document and the follow-up lists as steps of their own."""

from __future__ import annotations

from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    send_from_directory,
)
from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_admin.model.template import BaseListRowAction
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.validators import ValidationError

from forms.contracts import SigningForm
from forms.validators import NotBefore, strip_text
from models import Client, ServiceContract, Staff, db
from models.choices import CONTRACT_KINDS, CONTRACT_STATUSES
from services import contracts
from services.dates import today as panti_today
from services.scopes import caseload
from services.settings import setting
from services.uploads import store_scan

from .base import SecureModelView, role_in
from .converters import choice_formatter
from .pickers import client_picker, staff_picker
from .prints import render_print
from .row_actions import DeleteButton
from .stale import FAILED, form_step, run_step


class DraftOnly(BaseListRowAction):
    """A list row action (edit, delete) offered only on a draft: a signed contract is
    read-only, so its row shows no button that would lead to a refusal."""

    def __init__(self, action: BaseListRowAction):
        super().__init__(action.title)
        self.action = action

    def render(self, context, row_id, row):
        return "" if row.locked else self.action.render(context, row_id, row)


# The text sections of the details page, below its table (each titled by its label).
SECTIONS = ("goals", "client_responsibilities", "worker_responsibilities", "rights_text")
_SHOWING_LOCKED = "contract_details_locked"


class ServiceContractView(SecureModelView):
    """Service contracts: drafts are edited here; signing, the later states, amendments,
    the printable document and the follow-up lists are steps of their own."""

    list_options = (joinedload(ServiceContract.client), joinedload(ServiceContract.social_worker))
    column_list = ("client.register_number", "client.full_name", "kind", "version", "status",
                   "social_worker.name", "start_date", "end_date", "signed_date")
    column_details_list = ("client", "social_worker", "kind", "version", "status", "problem",
                           "techniques", "place", "start_date", "end_date", "signed_date",
                           "signed_by_client", "guardian_signer", "signed_by_worker", "head")
    column_labels = {
        "client": _l("Klien"),
        "client.register_number": _l("Nomor induk"),
        "client.full_name": _l("Nama klien"),
        "social_worker": _l("Pekerja sosial"),
        "social_worker.name": _l("Pekerja sosial"),
        "kind": _l("Jenis kontrak"),
        "version": _l("Versi"),
        "status": _l("Status"),
        "problem": _l("Masalah"),
        "goals": _l("Tujuan"),
        "client_responsibilities": _l("Tanggung jawab klien"),
        "worker_responsibilities": _l("Tanggung jawab pekerja sosial"),
        "techniques": _l("Teknik dan cara mencapai tujuan"),
        "place": _l("Tempat"),
        "start_date": _l("Mulai"),
        "end_date": _l("Berakhir"),
        "signed_date": _l("Tanggal tanda tangan"),
        "signed_by_client": _l("Ditandatangani klien"),
        "guardian_signer": _l("Keluarga/wali yang menandatangani"),
        "signed_by_worker": _l("Ditandatangani pekerja sosial"),
        "head": _l("Mengetahui (pimpinan)"),
        "rights_text": _l("Hak dan kewajiban"),
    }
    column_searchable_list = ("client.full_name", "client.register_number")
    column_sortable_list = (("client.full_name", "client.full_name"), "kind", "status",
                            "start_date", "end_date")
    column_default_sort = ("start_date", True)
    column_filters = (
        FilterEqual(ServiceContract.status, _l("Status"), options=CONTRACT_STATUSES.choices),
        FilterEqual(ServiceContract.kind, _l("Jenis kontrak"), options=CONTRACT_KINDS.choices),
        DateBetweenFilter(ServiceContract.end_date, _l("Berakhir")),
    )
    column_formatters = {"kind": choice_formatter(CONTRACT_KINDS),
                         "status": choice_formatter(CONTRACT_STATUSES)}
    column_formatters_detail = column_formatters
    details_template = "admin/contract_details.html"
    list_template = "admin/contract_list.html"
    form_columns = ("client", "social_worker", "kind", "problem", "goals",
                    "client_responsibilities", "worker_responsibilities", "techniques",
                    "place", "start_date", "end_date")
    form_choices = {"kind": CONTRACT_KINDS.choices}
    form_ajax_refs = {"client": client_picker("client", own_case=True),
                      "social_worker": staff_picker("social_worker", "social_worker")}
    form_args = {
        "problem": {"filters": [strip_text]},
        "goals": {"filters": [strip_text]},
        "end_date": {"validators": [NotBefore("start_date", _l("tanggal mulai"))]},
    }

    WRITE_VIEWS = SecureModelView.WRITE_VIEWS | {"sign_view", "transition_view", "amend_view"}
    case_record = True  # read-only once the case record is closed

    # --- a signed contract is read-only -------------------------------------------------
    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        # False while the details page of a signed contract renders: no "Ubah" tab there.
        return super().can_edit and not g.get(_SHOWING_LOCKED, False)

    def get_list_row_actions(self):
        return [DraftOnly(action) if isinstance(action, DeleteButton)
                or getattr(action, "endpoint", None) == ".edit_view" else action
                for action in super().get_list_row_actions()]

    @expose("/details/")
    def details_view(self):
        """The contract's table, then goals, responsibilities and rights as titled sections;
        the steps its state allows."""
        record = self.get_one(request.args.get("id", ""))
        setattr(g, _SHOWING_LOCKED, record.locked)
        self._template_args.update(sections=SECTIONS, may_write=role_in(self.write_roles))
        return super().details_view()

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        record = self.get_one(request.args.get("id", ""))
        if record.locked:
            flash(_("Kontrak ini sudah %(s)s dan tidak dapat diubah lagi; buat amandemen "
                    "untuk perubahan.", s=CONTRACT_STATUSES.label(record.status).lower()),
                  "error")
            return redirect(self.get_url(".details_view", id=record.id))
        return super().edit_view()

    def on_model_change(self, form, model, is_created):
        if not is_created and _stored_status(model) != "draft":
            raise ValidationError(_("Kontrak yang sudah ditandatangani tidak dapat diubah."))
        if is_created:
            model.status, model.version = "draft", 1
            model.rights_text = setting(contracts.RIGHTS_KEY)

    def on_model_delete(self, model):
        if model.locked:
            raise ValidationError(_("Hanya draf yang dapat dihapus; kontrak yang sudah "
                                    "ditandatangani disimpan sebagai riwayat (batalkan bila "
                                    "tidak berlaku)."))

    # --- the steps after drafting -------------------------------------------------------
    @expose("/sign/", methods=("GET", "POST"))
    def sign_view(self):
        record = self.get_one(request.args.get("id", ""))
        form = SigningForm(request.form if request.method == "POST" else None,
                           signed_date=panti_today())
        form.head.choices = [("", _("— tidak ada —"))] + [
            (str(s.id), s.name) for s in db.session.scalars(
                select(Staff).where(Staff.position == "head", Staff.active.is_(True)))]

        def sign() -> None:
            scan = store_scan(db.session, request.files.get("scan"),
                              Path(current_app.config["UPLOAD_FOLDER"]) / "contracts",
                              current_app.config["CONTRACT_SCAN_MAX_BYTES"])
            contracts.sign(record, contracts.Signing(
                form.signed_date.data, form.signed_by_client.data, form.signed_by_worker.data,
                (form.guardian_signer.data or "").strip(),
                int(form.head.data) if form.head.data else None, scan))

        if form_step(form, record, sign):
            flash(_("Kontrak ditandatangani dan kini hanya dapat dibaca."), "success")
            return redirect(self.get_url(".details_view", id=record.id))
        return self.render("admin/contract_sign.html", record=record, form=form,
                           return_url=self.get_url(".details_view", id=record.id))

    @expose("/scan/")
    def scan_view(self):
        record = self.get_one(request.args.get("id", ""))
        if not record.scan:
            abort(404)
        response = send_from_directory(
            Path(current_app.config["UPLOAD_FOLDER"]) / "contracts", record.scan)
        response.headers["Cache-Control"] = "private, no-store"  # a signed, personal paper
        return response

    @expose("/step/", methods=("POST",))
    def transition_view(self):
        record = self.get_one(request.args.get("id", ""))
        if run_step(lambda: contracts.move(record, request.form.get("step", "")),
                    record) is not FAILED:
            flash(_("Status kontrak: %(s)s.", s=CONTRACT_STATUSES.label(record.status)),
                  "success")
        return redirect(self.get_url(".details_view", id=record.id))

    @expose("/amend/", methods=("POST",))
    def amend_view(self):
        record = self.get_one(request.args.get("id", ""))
        newer = run_step(lambda: contracts.amend(record), record)
        if newer is FAILED:
            return redirect(self.get_url(".details_view", id=record.id))
        flash(_("Draf amandemen (versi %(v)s) dibuat; ubah lalu tandatangani.",
                v=newer.version), "success")
        return redirect(self.get_url(".edit_view", id=newer.id))

    @expose("/print/")
    def print_view(self):
        record = self.get_one(request.args.get("id", ""))
        return render_print("print/contract.html", contract=record,
                            kind=CONTRACT_KINDS.label(record.kind))

    @expose("/follow-up/")
    def attention_view(self):
        """Contracts ending within 30 days and clients without a signed contract."""
        ids = caseload()
        clients = [Client.id.in_(ids)] if ids is not None else []
        return self.render("admin/contract_followup.html",
                           expiring=contracts.expiring(self.scope()),
                           missing=contracts.without_signed_contract(clients),
                           days=contracts.EXPIRY_DAYS)


def _stored_status(model) -> str | None:
    """The status as the database has it (the form never changes it)."""
    with db.session.no_autoflush:
        return db.session.scalar(select(ServiceContract.status).where(
            ServiceContract.id == model.id))
