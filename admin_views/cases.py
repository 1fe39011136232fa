"""Case work screens: case notes, service contracts, case conferences (confidential)."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import Optional, StopValidation

from forms.validators import NotBefore, not_in_future, strip_text
from models import CaseConference, CaseNote, ServiceContract
from models.choices import (
    ASSESSMENT_ASPECTS,
    CASE_NOTE_KINDS,
    CONFERENCE_KINDS,
    CONTRACT_KINDS,
    CONTRACT_STATUSES,
)
from services.schedule import Booking, staff_of
from services.scopes import acting, conference_condition, own_client_ids

from .base import SecureModelView, choice_formatter
from .conflicts import ConflictChecked
from .pickers import client_picker, staff_picker


def _signed_needs_date(form, field):
    # StopValidation: the Optional() Flask-Admin appends for nullable columns would wipe a
    # plain ValidationError raised for an empty field.

    if form.status.data not in ("draft", "cancelled") and field.data is None:
        raise StopValidation(_("Kontrak yang sudah ditandatangani harus punya tanggal tanda "
                                 "tangan."))


class ServiceContractView(SecureModelView):
    """Service contracts; a social worker sees those of the clients assigned to them."""

    list_options = (joinedload(ServiceContract.client), joinedload(ServiceContract.social_worker))
    column_list = ("client.register_number", "client.full_name", "kind", "status",
                   "social_worker.name", "start_date", "end_date", "signed_date")
    column_details_list = ("client", "social_worker", "kind", "status", "problem", "goals",
                           "client_responsibilities", "worker_responsibilities", "place",
                           "start_date", "end_date", "signed_date")
    column_labels = {
        "client": _l("Klien"),
        "client.register_number": _l("Nomor induk"),
        "client.full_name": _l("Nama klien"),
        "social_worker": _l("Pekerja sosial"),
        "social_worker.name": _l("Pekerja sosial"),
        "kind": _l("Jenis kontrak"),
        "status": _l("Status"),
        "problem": _l("Masalah"),
        "goals": _l("Tujuan"),
        "client_responsibilities": _l("Tanggung jawab klien"),
        "worker_responsibilities": _l("Tanggung jawab pekerja sosial"),
        "place": _l("Tempat"),
        "start_date": _l("Mulai"),
        "end_date": _l("Berakhir"),
        "signed_date": _l("Tanggal tanda tangan"),
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
    form_columns = ("client", "social_worker", "kind", "status", "problem", "goals",
                    "client_responsibilities", "worker_responsibilities", "place",
                    "start_date", "end_date", "signed_date")
    form_choices = {"kind": CONTRACT_KINDS.choices, "status": CONTRACT_STATUSES.choices}
    form_ajax_refs = {"client": client_picker("client", own_case=True),
                      "social_worker": staff_picker("social_worker", "social_worker")}
    form_args = {
        "problem": {"filters": [strip_text]},
        "goals": {"filters": [strip_text]},
        "end_date": {"validators": [NotBefore("start_date", _l("tanggal mulai"))]},
        "signed_date": {"validators": [_signed_needs_date]},
    }

    def scope(self):
        if acting("social_worker"):
            return [ServiceContract.client_id.in_(own_client_ids())]
        return []


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
    column_formatters = {"kind": choice_formatter(CONFERENCE_KINDS)}
    column_formatters_detail = column_formatters
    form_columns = ("date", "start_time", "end_time", "kind", "location", "chair", "attendees",
                    "clients", "summary", "decisions")
    form_choices = {"kind": CONFERENCE_KINDS.choices}
    form_ajax_refs = {"chair": staff_picker("chair"), "attendees": staff_picker("attendees"),
                      "clients": client_picker("clients")}
    form_args = {
        "end_time": {"validators": [Optional(), NotBefore("start_time", _l("jam mulai"),
                                                          strict=True)]},
    }

    def scope(self):
        if acting("social_worker"):
            return [conference_condition()]
        return []

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

    def scope(self):
        if acting("social_worker"):
            return [CaseNote.client_id.in_(own_client_ids())]
        return []

    def on_model_change(self, form, model, is_created):
        if is_created and model.author_id is None:
            model.author_id = current_user.staff_id  # who wrote it, not who may edit it
