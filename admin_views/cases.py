"""Case work screens: service contracts and case conferences (confidential content)."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import Optional, StopValidation

from forms.validators import NotBefore, strip_text
from models import CaseConference, Client, ServiceContract
from models.choices import CONFERENCE_KINDS, CONTRACT_KINDS, CONTRACT_STATUSES

from .base import SecureModelView, choice_formatter
from .pickers import client_picker, staff_picker

CASE_ROLES = frozenset({"head", "social_worker"})


def _signed_needs_date(form, field):
    # StopValidation: the Optional() Flask-Admin appends for nullable columns would wipe a
    # plain ValidationError raised for an empty field.

    if form.status.data not in ("draft", "cancelled") and field.data is None:
        raise StopValidation(_("Kontrak yang sudah ditandatangani harus punya tanggal tanda "
                                 "tangan."))


class ServiceContractView(SecureModelView):
    """Service contracts; a social worker sees those of the clients assigned to them."""

    read_roles = CASE_ROLES
    write_roles = CASE_ROLES

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
        if current_user.is_authenticated and current_user.role == "social_worker":
            mine = select(Client.id).where(Client.social_worker_id == current_user.staff_id)
            return [ServiceContract.client_id.in_(mine)]
        return []


class CaseConferenceView(SecureModelView):
    """Case conferences (KK): who met, about whom, what was decided."""

    read_roles = CASE_ROLES
    write_roles = CASE_ROLES

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
