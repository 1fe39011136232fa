"""Aftercare (bimbingan lanjut): the visits planned after termination; the client's social
worker records each one done."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forms.validators import strip_text
from models import AftercareVisit
from models.choices import AFTERCARE_KINDS, Stage
from services.aftercare import LABELS, visit_problems

from .base import SecureModelView
from .converters import choice_formatter
from .pickers import client_picker
from .rule_forms import RuleChecked


class AftercareVisitView(RuleChecked, SecureModelView):
    """Planned and done aftercare visits of a social worker's own clients (the head reads
    all)."""

    rules = staticmethod(visit_problems)
    list_options = (joinedload(AftercareVisit.client),)
    column_list = ("planned_on", "client.register_number", "client.full_name", "months_after",
                   "done_on", "kind", "outcome")
    column_details_list = ("client", "social_worker", "months_after", "planned_on", "done_on",
                           "kind", "outcome", "next_step")
    column_labels = {**LABELS, "client.register_number": _l("Nomor induk"),
                     "client.full_name": _l("Nama klien"),
                     "months_after": _l("Bulan ke- sesudah terminasi"),
                     "social_worker": _l("Pekerja sosial")}
    column_searchable_list = ("client.full_name", "client.register_number")
    column_sortable_list = ("planned_on", "done_on", ("client.full_name", "client.full_name"))
    column_default_sort = [("planned_on", False), ("id", False)]
    column_filters = (
        FilterEqual(AftercareVisit.kind, _l("Bentuk"), options=AFTERCARE_KINDS.choices),
        DateBetweenFilter(AftercareVisit.planned_on, _l("Rencana tanggal")),
    )
    column_formatters = {"kind": choice_formatter(AFTERCARE_KINDS)}
    column_formatters_detail = dict(column_formatters)
    form_columns = ("client", "planned_on", "done_on", "kind", "outcome", "next_step")
    form_choices = {"kind": [("", "—"), *AFTERCARE_KINDS.choices]}
    form_ajax_refs = {"client": client_picker(
        "client", stages=(Stage.TERMINATION, Stage.AFTERCARE), own_case=True)}
    form_args = {"kind": {"filters": [lambda value: value or None]},
                 "outcome": {"filters": [strip_text]}, "next_step": {"filters": [strip_text]}}
    form_prefill = ("client",)
    written_by = "social_worker_id"

