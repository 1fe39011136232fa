"""Placement (penyaluran): where a social worker's own client goes at the end of the
programme; a partner without an MoU in force needs a reason."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forms.validators import strip_text
from models import Placement
from models.choices import PLACEMENT_KINDS
from services.placements import LABELS, PLACED_STAGES, placement_problems

from .base import SecureModelView
from .converters import choice_formatter
from .pickers import client_picker, partner_picker
from .rule_forms import RuleChecked


class PlacementView(RuleChecked, SecureModelView):
    """Placements of a social worker's own clients; the head reads all."""

    rules = staticmethod(placement_problems)
    list_options = (joinedload(Placement.client), joinedload(Placement.partner))
    column_list = ("start_date", "client.register_number", "client.full_name", "kind",
                   "partner.name", "address")
    column_details_list = ("client", "social_worker", "kind", "partner", "address", "contact",
                           "start_date", "plan", "meeting_summary", "without_mou_reason")
    column_labels = {**LABELS, "client.register_number": _l("Nomor induk"),
                     "client.full_name": _l("Nama klien"), "partner.name": LABELS["partner"],
                     "social_worker": _l("Pekerja sosial")}
    column_searchable_list = ("client.full_name", "client.register_number", "address")
    column_sortable_list = ("start_date", "kind", ("client.full_name", "client.full_name"))
    column_default_sort = [("start_date", True), ("id", True)]
    column_filters = (
        FilterEqual(Placement.kind, _l("Bentuk penyaluran"), options=PLACEMENT_KINDS.choices),
        DateBetweenFilter(Placement.start_date, _l("Mulai")),
    )
    column_formatters = {"kind": choice_formatter(PLACEMENT_KINDS)}
    column_formatters_detail = dict(column_formatters)
    form_columns = ("client", "kind", "partner", "address", "contact", "start_date", "plan",
                    "meeting_summary", "without_mou_reason")
    form_choices = {"kind": PLACEMENT_KINDS.choices}
    form_ajax_refs = {"client": client_picker("client", stages=PLACED_STAGES, own_case=True),
                      "partner": partner_picker("partner")}
    form_args = {
        "address": {"filters": [strip_text]}, "contact": {"filters": [strip_text]},
        "plan": {"filters": [strip_text]}, "meeting_summary": {"filters": [strip_text]},
        "without_mou_reason": {"filters": [strip_text], "description": _l(
            "Diisi bila mitra tidak punya MoU yang berlaku pada tanggal mulai.")},
    }
    form_prefill = ("client",)
    written_by = "social_worker_id"
    case_record = True  # read-only once the case record is closed

