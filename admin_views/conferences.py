"""Case work screens: case notes, service contracts, case conferences (confidential)."""

from __future__ import annotations

import os
import uuid
from datetime import date
from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
)
from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, StopValidation, ValidationError

from forms.base import ConsoleForm
from forms.fields import DateField
from forms.validators import NotBefore, not_in_future, strip_text
from models import (
    CaseConference,
    CaseNote,
    Client,
    ConferenceDecision,
    EmergencyChange,
    ServiceContract,
    Staff,
    db,
)
from models.choices import (
    ASSESSMENT_ASPECTS,
    CASE_NOTE_KINDS,
    CONFERENCE_KINDS,
    CONTRACT_KINDS,
    CONTRACT_STATUSES,
    DECISION_RECOMMENDATIONS,
    EMERGENCY_STATUSES,
    TERMINATION_REASONS,
)
from services import conferences as kk
from services import contracts
from services.dates import today as panti_today
from services.inputs import parse_id
from services.schedule import Booking, staff_of
from services.scopes import (
    acting,
    caseload,
    decision_scope,
    minutes_condition,
    reads_minutes,
    visible,
)
from services.uploads import write_with_transaction

from .base import (
    FAILED,
    SecureModelView,
    VersionField,
    choice_formatter,
    mark_seen,
    run_step,
    stale_refusal,
    stale_write_message,
)
from .conflicts import ConflictChecked
from .pickers import client_picker, staff_picker


class ServiceContractView(SecureModelView):
    """Service contracts: drafts are edited here; signing, the later states, amendments,
    the printable document and the follow-up lists are steps of their own."""

    list_options = (joinedload(ServiceContract.client), joinedload(ServiceContract.social_worker))
    column_list = ("client.register_number", "client.full_name", "kind", "version", "status",
                   "social_worker.name", "start_date", "end_date", "signed_date")
    column_details_list = ("client", "social_worker", "kind", "version", "status", "problem",
                           "goals", "client_responsibilities", "worker_responsibilities",
                           "techniques", "place", "start_date", "end_date", "signed_date",
                           "signed_by_client", "guardian_signer", "signed_by_worker", "head",
                           "rights_text")
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

    # --- a signed contract is read-only -------------------------------------------------
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
            model.rights_text = contracts.setting(contracts.RIGHTS_KEY)

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
        if request.method != "POST":
            mark_seen(form, record)
        elif form.validate():
            refusal = stale_refusal(record, form.seen_version.data, form)
            try:
                if refusal:
                    raise contracts.ContractError(refusal)
                scan = self._store_scan(request.files.get("scan"))
                contracts.sign(record, contracts.Signing(
                    form.signed_date.data, form.signed_by_client.data,
                    form.signed_by_worker.data, (form.guardian_signer.data or "").strip(),
                    int(form.head.data) if form.head.data else None, scan))
                db.session.commit()
            except contracts.ContractError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
                mark_seen(form, record)
            except StaleDataError:
                db.session.rollback()
                form.form_errors.append(stale_write_message(record))
                mark_seen(form, record)
            else:
                flash(_("Kontrak ditandatangani dan kini hanya dapat dibaca."), "success")
                return redirect(self.get_url(".details_view", id=record.id))
        return self.render("admin/contract_sign.html", record=record, form=form,
                           return_url=self.get_url(".details_view", id=record.id))

    def _store_scan(self, upload) -> str | None:
        """Check and keep the uploaded scan (until the signing's transaction ends without a
        commit); its name on disk is generated, never theirs."""
        if upload is None or not upload.filename:
            return None
        try:
            head = upload.stream.read(16)
            upload.stream.seek(0, os.SEEK_END)
            size = upload.stream.tell()
            upload.stream.seek(0)
            problem = contracts.scan_problem(upload.filename, head, size,
                                             current_app.config["CONTRACT_SCAN_MAX_BYTES"])
            if problem:
                raise contracts.ContractError(problem)
            folder = Path(current_app.config["UPLOAD_FOLDER"]) / "contracts"
            name = f"{uuid.uuid4().hex}.{upload.filename.rsplit('.', 1)[-1].lower()}"
            # Removed again if the signing is refused or its transaction fails.
            write_with_transaction(db.session, folder / name, upload)
            return name
        finally:
            upload.close()  # a large upload sits in a temporary file until closed

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
        return render_template("print/contract.html", contract=record,
                               institution=current_app.config["INSTITUTION_NAME"],
                               address=current_app.config["INSTITUTION_ADDRESS"],
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


MINUTES_FIELDS = ("summary", "decisions")


def _minutes_text(_view, _context, conference, name):
    """The summary or the decisions text, if the user may read this KK's minutes."""
    return getattr(conference, name) if reads_minutes(conference) else kk.MINUTES_HIDDEN


def _visible_decisions(conference) -> dict:
    """The conference's decisions the user may read (``services.scopes.decision_scope``)."""
    return kk.decisions_of(conference, decision_scope())


class DecisionForm(ConsoleForm):
    """A KK's decision about one client."""

    seen_version = VersionField()
    placement = TextAreaField(_l("Penempatan dalam program"), validators=[Optional()])
    formulation = TextAreaField(_l("Formulasi pelayanan dan rehabilitasi (mengikat)"),
                                validators=[Optional()])
    next_review = DateField(_l("Peninjauan berikutnya"), validators=[Optional()])
    recommendation = SelectField(_l("Rekomendasi"), choices=DECISION_RECOMMENDATIONS.choices)
    termination_reason = SelectField(_l("Alasan terminasi (bila direkomendasikan)"),
                                     choices=[("", "—"), *TERMINATION_REASONS.choices])


def _core_agreement(form, field):
    problem = kk.agreement_problem(list(field.data or []))
    if problem:
        raise StopValidation(problem)


class EmergencyChangeView(SecureModelView):
    """Emergency changes of a client's service formulation, waiting for the next KK."""

    list_options = (joinedload(EmergencyChange.client), selectinload(EmergencyChange.agreed_by))
    column_list = ("date", "client.register_number", "client.full_name", "reason", "status",
                   "agreed_by")
    column_details_list = ("client", "date", "reason", "change", "previous_formulation",
                           "agreed_by", "status", "decided_at")
    column_labels = {
        "client": _l("Klien"), "client.register_number": _l("Nomor induk"),
        "client.full_name": _l("Nama klien"), "date": _l("Tanggal"), "reason": _l("Alasan"),
        "change": _l("Perubahan (formulasi selama berlaku)"),
        "previous_formulation": _l("Formulasi sebelumnya"),
        "agreed_by": _l("Disepakati anggota inti"), "status": _l("Status"),
        "decided_at": _l("Diputus pada KK"),
    }
    column_default_sort = ("date", True)
    column_searchable_list = ("client.full_name", "client.register_number")
    column_filters = (FilterEqual(EmergencyChange.status, _l("Status"),
                                  options=EMERGENCY_STATUSES.choices),)
    column_formatters = {"status": choice_formatter(EMERGENCY_STATUSES)}
    column_formatters_detail = column_formatters
    form_columns = ("client", "date", "reason", "change", "agreed_by")
    form_ajax_refs = {"client": client_picker("client", own_case=True),
                      "agreed_by": staff_picker("agreed_by")}
    form_args = {
        "date": {"validators": [not_in_future], "default": date.today},
        "reason": {"filters": [strip_text]},
        "change": {"filters": [strip_text]},
        "agreed_by": {"validators": [_core_agreement]},
    }

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return False  # a change stands as recorded; the next KK confirms or cancels it

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False

    def on_model_change(self, form, model, is_created):
        if is_created:
            try:
                kk.apply_emergency(model)
            except kk.ConferenceError as exc:
                raise ValidationError(str(exc)) from exc


def _stored_status(model) -> str | None:
    """The status as the database has it (the form never changes it)."""
    with db.session.no_autoflush:
        return db.session.scalar(select(ServiceContract.status).where(
            ServiceContract.id == model.id))


class SigningForm(ConsoleForm):
    """Who signed and when; the scan comes as a file."""

    seen_version = VersionField()
    signed_date = DateField(_l("Tanggal penandatanganan"), validators=[Optional()])
    signed_by_client = BooleanField(_l("Klien menandatangani"))
    guardian_signer = StringField(_l("Keluarga/wali yang menandatangani (nama, bila ada)"),
                                  validators=[Length(max=120)])
    signed_by_worker = BooleanField(_l("Pekerja sosial menandatangani"))
    head = SelectField(_l("Mengetahui: pimpinan panti"), choices=[], default="")


def _set_by_head(form, field):
    """Who chairs and attends a KK is set by the head: taking part opens every decision of
    the meeting, so nobody else may add anyone (themselves included) or take anyone off."""
    if acting("head"):
        return
    record = getattr(form, "_obj", None)
    stored = getattr(record, field.name, None) if record is not None else None
    if _member_ids(field.data) != _member_ids(stored):
        raise StopValidation(_("Pimpinan dan peserta rapat ditetapkan oleh pimpinan panti; "
                               "kembalikan isian ini seperti semula."))


def _member_ids(value) -> frozenset[int]:
    """The staff ids of a chair (one or none) or an attendee list."""
    if value is None:
        return frozenset()
    members = value if isinstance(value, (list, tuple, set)) else [value]
    return frozenset(member.id for member in members)


class CaseConferenceView(ConflictChecked, SecureModelView):
    """Case conferences (KK): who met, about whom, what was decided."""

    list_options = (joinedload(CaseConference.chair), selectinload(CaseConference.clients),
                    selectinload(CaseConference.attendees))
    column_list = ("date", "start_time", "kind", "chair.name", "clients", "attendees")
    column_details_list = ("date", "start_time", "end_time", "kind", "location", "chair",
                           "attendees", "clients", "summary", "decisions")
    column_labels = {
        "date": _l("Tanggal"),
        "start_time": _l("Mulai"),
        "end_time": _l("Selesai"),
        "kind": _l("Jenis KK"),
        "location": _l("Tempat"),
        "chair": _l("Pimpinan rapat"),
        "chair.name": _l("Pimpinan rapat"),
        "attendees": _l("Peserta rapat"),
        "clients": _l("Klien yang dibahas"),
        "summary": _l("Ringkasan"),
        "decisions": _l("Keputusan"),
    }
    column_searchable_list = ("summary", "decisions")
    column_sortable_list = ("date", "kind", ("chair.name", "chair.name"))
    column_default_sort = ("date", True)
    column_filters = (
        FilterEqual(CaseConference.kind, _l("Jenis KK"), options=CONFERENCE_KINDS.choices),
        DateBetweenFilter(CaseConference.date, _l("Tanggal")),
        "chair.name",
    )
    column_formatters = {"kind": choice_formatter(CONFERENCE_KINDS),
                         "summary": _minutes_text, "decisions": _minutes_text}
    column_formatters_detail = column_formatters
    form_columns = ("date", "start_time", "end_time", "kind", "location", "chair", "attendees",
                    "clients", "summary", "decisions")
    form_choices = {"kind": CONFERENCE_KINDS.choices}
    form_ajax_refs = {"chair": staff_picker("chair"), "attendees": staff_picker("attendees"),
                      "clients": client_picker("clients")}
    form_args = {
        "end_time": {"validators": [Optional(), NotBefore("start_time", _l("jam mulai"),
                                                          strict=True)]},
        "chair": {"validators": [_set_by_head],
                  "description": _l("Ditetapkan oleh pimpinan panti.")},
        "attendees": {"validators": [_set_by_head],
                      "description": _l("Ditetapkan oleh pimpinan panti; peserta membaca "
                                        "semua keputusan KK ini.")},
    }

    details_template = "admin/conference_details.html"
    WRITE_VIEWS = SecureModelView.WRITE_VIEWS | {"decision_view", "emergency_decision_view",
                                                 "approve_view"}

    def _apply_search(self, query, count_query, joins, count_joins, search):
        # The searchable fields are the minutes: found only where they may be read.
        query, count_query, joins, count_joins = super()._apply_search(
            query, count_query, joins, count_joins, search)
        condition = minutes_condition()
        if search and condition is not None:
            query = query.filter(condition)
            count_query = count_query.filter(condition) if count_query is not None else None
        return query, count_query, joins, count_joins

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None and not reads_minutes(obj):
            for name in MINUTES_FIELDS:  # neither shown nor changed by one who may not read
                delattr(form, name)
        return form

    def describe_changes(self, entries):
        # The minutes' texts only for a KK whose minutes the user reads, judged per entry by
        # the entry's own KK: the audit log's details page shows an entry, not this KK.
        changes = super().describe_changes(entries)
        ids = {entry.record_id for entry in entries}
        readable = {conference.id for conference in db.session.scalars(
            select(CaseConference).where(CaseConference.id.in_(ids))) if reads_minutes(conference)}
        hidden = {str(self.column_labels[name]) for name in MINUTES_FIELDS}
        return {entry.id: changes[entry.id] if entry.record_id in readable
                else [row for row in changes[entry.id] if row[0] not in hidden]
                for entry in entries if entry.id in changes}

    @expose("/details/")
    def details_view(self):
        raw = request.args.get("id", "")
        if parse_id(raw) is not None:
            conference = self.get_one(raw)
            self._template_args.update(
                ready=kk.summaries_ready(conference),
                decisions=_visible_decisions(conference),
                decidable=kk.agenda_client_ids(conference, decision_scope()),
                pending=kk.pending_changes(conference, visible(EmergencyChange)),
                recommendations=DECISION_RECOMMENDATIONS, reasons=TERMINATION_REASONS)
        return super().details_view()

    @expose("/decision/", methods=("GET", "POST"))
    def decision_view(self):
        """The decision about one client on the agenda."""
        conference = self.get_one(request.args.get("id", ""))
        raw = request.args.get("client_id", "")
        # The client id is nested in the conference: it must be on the agenda *and* one
        # whose decision the user may read here, else 404 as for any hidden record.
        client = kk.agenda_client(conference, int(raw), decision_scope()) \
            if raw.isdigit() else None
        if client is None:
            abort(404)
        current = kk.decisions_of(conference).get(client.id)
        form = DecisionForm(request.form if request.method == "POST" else None, obj=current)
        if request.method != "POST":
            mark_seen(form, current)
        elif form.validate():
            refusal = stale_refusal(current, form.seen_version.data, form)
            try:
                if refusal:
                    raise kk.ConferenceError(refusal)
                kk.record_decision(conference, client, kk.DecisionInput(
                    form.placement.data or None, form.formulation.data or None,
                    form.next_review.data, form.recommendation.data,
                    form.termination_reason.data or None))
                db.session.commit()
            except kk.ConferenceError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
                mark_seen(form, kk.decisions_of(conference).get(client.id))
            except (StaleDataError, IntegrityError):
                # Saved by someone else at the same moment (the same decision created twice
                # meets the unique constraint): refused like any other outdated edit.
                db.session.rollback()
                current = kk.decisions_of(conference).get(client.id)
                if current is None:
                    raise
                form.form_errors.append(stale_write_message(current))
                mark_seen(form, current)
            else:
                flash(_("Keputusan KK untuk %(client)s disimpan.", client=client.full_name),
                      "success")
                return redirect(self.get_url(".details_view", id=conference.id))
        return self.render("admin/conference_decision.html", conference=conference,
                           client=client, form=form,
                           return_url=self.get_url(".details_view", id=conference.id))

    @expose("/emergency/", methods=("POST",))
    def emergency_decision_view(self):
        """Confirm or cancel a pending emergency change at this meeting."""
        conference = self.get_one(request.args.get("id", ""))
        # Through the emergency change screen's own scope: 404 for a change it would hide.
        change = self.nested_one("emergency_change", request.form.get("change_id", ""))
        if run_step(lambda: kk.decide_emergency(
                change, conference, request.form.get("confirm") == "1"), change) is not FAILED:
            flash(_("Perubahan darurat untuk %(client)s: %(status)s.",
                    client=change.client.full_name,
                    status=EMERGENCY_STATUSES.label(change.status).lower()), "success")
        return redirect(self.get_url(".details_view", id=conference.id))

    @expose("/terminations/")
    def terminations_view(self):
        """Termination recommendations waiting for the head."""
        return self.render("admin/termination_approvals.html",
                           pending=kk.pending_terminations(decision_scope()),
                           reasons=TERMINATION_REASONS,
                           may_approve=acting("head"))

    @expose("/approve/", methods=("POST",))
    def approve_view(self):
        """The head approves or rejects a termination decided in a KK."""
        if not acting("head"):
            abort(403)  # the head's own act, whatever else the role may write
        decision_id = parse_id(request.form.get("decision_id"))
        decision = db.session.get(ConferenceDecision, decision_id) if decision_id else None
        if decision is None:
            abort(404)
        if run_step(lambda: kk.decide_termination(
                decision, current_user.staff, request.form.get("approve") == "1"),
                decision) is not FAILED:
            flash(_("Terminasi %(client)s %(what)s.", client=decision.client.full_name,
                    what=_("disetujui; tahap klien kini terminasi") if decision.approval
                    == "approved" else _("ditolak")), "success")
        return redirect(self.get_url(".terminations_view"))

    @expose("/review-due/")
    def review_due_view(self):
        """Clients whose plan is due for the three-monthly review, most overdue first."""
        ids = caseload()
        where = [Client.id.in_(ids)] if ids is not None else []
        return self.render("admin/review_due.html", due=kk.review_due(where=where),
                           days=kk.REVIEW_DAYS)

    @expose("/minutes/")
    def minutes_view(self):
        conference = self.get_one(request.args.get("id", ""))
        return render_template(
            "print/minutes.html", conference=conference,
            minutes_readable=reads_minutes(conference), minutes_hidden=kk.MINUTES_HIDDEN,
            decisions=_visible_decisions(conference), recommendations=DECISION_RECOMMENDATIONS,
            reasons=TERMINATION_REASONS, kind=CONFERENCE_KINDS.label(conference.kind),
            handled=db.session.scalars(select(EmergencyChange).where(
                EmergencyChange.decided_at_id == conference.id)).all(),
            institution=current_app.config["INSTITUTION_NAME"],
            address=current_app.config["INSTITUTION_ADDRESS"])

    def form_bookings(self, form, record_id):
        """A timed conference books its chair, attendees, room and the clients discussed."""
        if form.date.data is None:
            return []
        staff = {member.id: member.name for member in form.attendees.data or []}
        staff.update(staff_of(form.chair.data))
        return [Booking("conference", record_id, ("conference", record_id),
                        CONFERENCE_KINDS.label(form.kind.data), form.date.data,
                        form.start_time.data, form.end_time.data, staff, form.location.data,
                        frozenset(client.id for client in form.clients.data or []))]


def _aspect_only_for_assessment(form, field):
    if field.data and form.kind.data != "assessment":
        raise StopValidation(_("Aspek hanya diisi untuk catatan asesmen."))


class CaseNoteView(SecureModelView):
    """The case record (file pelayanan): a social worker writes it for their own clients."""

    list_options = (joinedload(CaseNote.client), joinedload(CaseNote.author))
    column_list = ("date", "client.register_number", "client.full_name", "kind", "aspect",
                   "author.name")
    column_details_list = ("client", "date", "kind", "aspect", "author", "problem", "content",
                           "result", "next_step")
    column_labels = {
        "client": _l("Klien"),
        "client.register_number": _l("Nomor induk"),
        "client.full_name": _l("Nama klien"),
        "date": _l("Tanggal"),
        "kind": _l("Jenis catatan"),
        "aspect": _l("Aspek asesmen"),
        "author": _l("Ditulis oleh"),
        "author.name": _l("Ditulis oleh"),
        "problem": _l("Masalah"),
        "content": _l("Uraian / tindakan"),
        "result": _l("Hasil"),
        "next_step": _l("Rencana tindak lanjut"),
    }
    column_searchable_list = ("client.full_name", "client.register_number")
    column_sortable_list = ("date", "kind", ("client.full_name", "client.full_name"))
    column_default_sort = [("date", True), ("id", True)]
    column_filters = (
        FilterEqual(CaseNote.kind, _l("Jenis catatan"), options=CASE_NOTE_KINDS.choices),
        DateBetweenFilter(CaseNote.date, _l("Tanggal")),
    )
    column_formatters = {"kind": choice_formatter(CASE_NOTE_KINDS),
                         "aspect": choice_formatter(ASSESSMENT_ASPECTS)}
    column_formatters_detail = column_formatters
    form_columns = ("client", "date", "kind", "aspect", "problem", "content", "result",
                    "next_step")
    form_choices = {"kind": CASE_NOTE_KINDS.choices,
                    "aspect": [("", "—"), *ASSESSMENT_ASPECTS.choices]}
    form_ajax_refs = {"client": client_picker("client", own_case=True)}
    form_args = {
        "date": {"validators": [not_in_future]},
        "aspect": {"validators": [_aspect_only_for_assessment],
                   "filters": [lambda v: v or None]},
        "content": {"filters": [strip_text]},
        "problem": {"filters": [strip_text]},
        "result": {"filters": [strip_text]},
        "next_step": {"filters": [strip_text]},
    }

    def on_model_change(self, form, model, is_created):
        if is_created and model.author_id is None:
            model.author_id = current_user.staff_id  # who wrote it, not who may edit it
