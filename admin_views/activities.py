"""Recreation activities and guidance schedules."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_admin.form import Select2Field
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from forms.validators import strip_text
from models import GuidanceSchedule, RecreationActivity
from models.choices import (
    ATENSI_COMPONENTS,
    GUIDANCE_ATENSI,
    GUIDANCE_TYPES,
    RECREATION_KINDS,
    WEEKDAYS,
)
from services.dates import today as panti_today
from services.schedule import Booking, guidance_bookings, staff_of
from services.schedule_rules import activity_problems, guidance_problems

from .base import SecureModelView
from .conflicts import ConflictChecked, form_record
from .converters import choice_formatter
from .pickers import served_client_picker, staff_picker
from .rule_forms import RuleChecked


def _client_ids(clients) -> frozenset[int]:
    return frozenset(client.id for client in clients or [])


class RecreationActivityView(ConflictChecked, RuleChecked, SecureModelView):
    """Angklung, outings, chess: when, where, who leads and who takes part."""

    rules = activity_problems

    list_options = (joinedload(RecreationActivity.leader),
                    selectinload(RecreationActivity.participants))
    column_list = ("date", "start_time", "end_time", "kind", "title", "place", "leader.name",
                   "participants")
    column_details_list = ("date", "start_time", "end_time", "kind", "atensi", "title", "place",
                           "leader", "participants", "note", "allow_overlap", "overlap_reason")
    column_labels = {
        "date": _l("Tanggal"),
        "start_time": _l("Mulai"),
        "end_time": _l("Selesai"),
        "kind": _l("Jenis"),
        "title": _l("Kegiatan"),
        "place": _l("Tempat"),
        "leader": _l("Pemimpin"),
        "leader.name": _l("Pemimpin"),
        "participants": _l("Peserta"),
        "note": _l("Catatan"),
        "allow_overlap": _l("Boleh bersamaan dengan jadwal lain"),
        "overlap_reason": _l("Alasan boleh bersamaan"),
        "atensi": _l("Komponen ATENSI"),
    }
    column_searchable_list = ("title", "place")
    column_sortable_list = ("date", "start_time", "kind", "title", ("leader.name", "leader.name"))
    column_default_sort = ("date", True)
    column_filters = (
        FilterEqual(RecreationActivity.kind, _l("Jenis"), options=RECREATION_KINDS.choices),
        DateBetweenFilter(RecreationActivity.date, _l("Tanggal")),
        "leader.name",
    )
    column_formatters = {"kind": choice_formatter(RECREATION_KINDS),
                         "atensi": choice_formatter(ATENSI_COMPONENTS)}
    column_formatters_detail = column_formatters
    form_columns = ("kind", "atensi", "title", "date", "start_time", "end_time", "place",
                    "leader", "participants", "note", "allow_overlap", "overlap_reason")
    form_choices = {"kind": RECREATION_KINDS.choices, "atensi": ATENSI_COMPONENTS.choices}
    form_ajax_refs = {"leader": staff_picker("leader"),
                      "participants": served_client_picker("participants")}
    form_args = {
        "title": {"filters": [strip_text]},
        "allow_overlap": {"description": _l(
            "Hanya untuk kegiatan seluruh panti (mis. wisata): jadwal lain pada jam yang sama "
            "tidak dianggap bentrok. Tercatat di riwayat perubahan.")},
        "overlap_reason": {"filters": [strip_text]},
    }

    def form_bookings(self, form, record_id):
        if form.allow_overlap.data or form.date.data is None:
            return []
        return [Booking("recreation", record_id, ("recreation", record_id),
                        form.title.data or "", form.date.data, form.start_time.data,
                        form.end_time.data, staff_of(form.leader.data), form.place.data,
                        _client_ids(form.participants.data))]

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if not model.allow_overlap:
            model.overlap_reason = None  # no reason without the permission


def _int_or_none(value):
    # A browser posts "__None" for the blank option (handled by Select2Field); be as
    # forgiving with an empty string from a script.
    return None if value in ("", None) else int(value)


def _weekday_label(_view, _context, model, _name) -> str:
    return model.when_label


class GuidanceScheduleView(ConflictChecked, RuleChecked, SecureModelView):
    """Guidance slots: weekly on a weekday or once on a date."""

    rules = guidance_problems

    list_options = (joinedload(GuidanceSchedule.staff), selectinload(GuidanceSchedule.clients))
    column_list = ("guidance_type", "title", "weekday", "start_time", "end_time", "staff.name",
                   "location", "group_name")
    column_details_list = ("guidance_type", "atensi", "title", "weekday", "start_time",
                           "end_time", "valid_from", "valid_until", "staff", "location",
                           "group_name", "clients")
    column_labels = {
        "guidance_type": _l("Jenis bimbingan"),
        "title": _l("Judul"),
        "weekday": _l("Hari/tanggal"),
        "date": _l("Tanggal (sekali)"),
        "start_time": _l("Mulai"),
        "end_time": _l("Selesai"),
        "valid_from": _l("Berlaku sejak"),
        "valid_until": _l("Berlaku sampai"),
        "staff": _l("Pembimbing"),
        "staff.name": _l("Pembimbing"),
        "location": _l("Tempat"),
        "group_name": _l("Kelompok"),
        "clients": _l("Klien"),
        "atensi": _l("Komponen ATENSI"),
    }
    column_searchable_list = ("title", "location", "group_name")
    column_sortable_list = ("guidance_type", "title", "weekday", "start_time",
                            ("staff.name", "staff.name"))
    column_default_sort = [("weekday", False), ("start_time", False)]
    column_filters = (
        FilterEqual(GuidanceSchedule.guidance_type, _l("Jenis bimbingan"),
                    options=GUIDANCE_TYPES.choices),
        "staff.name",
        DateBetweenFilter(GuidanceSchedule.date, _l("Tanggal")),
    )
    column_formatters = {"guidance_type": choice_formatter(GUIDANCE_TYPES),
                         "weekday": _weekday_label,
                         "atensi": choice_formatter(ATENSI_COMPONENTS)}
    column_formatters_detail = column_formatters
    form_columns = ("guidance_type", "atensi", "title", "weekday", "date", "start_time",
                    "end_time", "valid_from", "valid_until", "staff", "location", "group_name",
                    "clients")
    form_choices = {"guidance_type": GUIDANCE_TYPES.choices,
                    "atensi": ATENSI_COMPONENTS.choices}
    form_overrides = {"weekday": Select2Field}
    form_ajax_refs = {"staff": staff_picker("staff"),
                      "clients": served_client_picker("clients")}
    form_args = {
        "title": {"filters": [strip_text]},
        "weekday": {
            "label": _l("Hari (jadwal mingguan)"),
            "choices": [(int(code), label) for code, label in WEEKDAYS.pairs],
            "coerce": _int_or_none,
            "allow_blank": True,
            "blank_text": _l("— sekali saja (isi tanggal) —"),
        },
        # A weekly schedule starts today unless told otherwise: an empty start used to
        # reach back in time and open attendance sheets for meetings that never were.
        "valid_from": {"default": panti_today,
                       "description": _l("Kosong: berlaku sejak hari ini.")},
    }

    def create_form(self, obj=None):
        """A new schedule's ATENSI component starts as its (first) guidance type's."""
        form = super().create_form(obj)
        if form.atensi.data is None:
            form.atensi.data = GUIDANCE_ATENSI.get(form.guidance_type.data or "", "therapy")
        return form

    def form_bookings(self, form, record_id):
        """Every meeting from today on (a weekly schedule: up to its end or a year)."""
        schedule = form_record(form, record_id, "title", "weekday", "date", "start_time",
                               "end_time", "valid_from", "valid_until", "staff", "location",
                               "clients")
        if schedule.start_time is None or schedule.end_time is None \
                or (schedule.weekday is None) == (schedule.date is None):
            return []
        return guidance_bookings(schedule, panti_today())

    def on_model_change(self, form, model, is_created):
        """A weekly schedule saved without a start date starts today (the panti's date), or
        on its last day when that is already past."""
        super().on_model_change(form, model, is_created)
        if model.weekday is not None and model.valid_from is None:
            start = panti_today()
            if model.valid_until is not None:
                start = min(start, model.valid_until)
            model.valid_from = start
