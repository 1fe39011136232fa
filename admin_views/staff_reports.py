"""Reports from the people around the client: the caregiver's dorm report, the doctor's or
nurse's health check, the instructor's skill assessment; each writer sees their own, the
client's social worker and the head read them."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_admin.helpers import is_form_submitted
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from forms.validators import strip_text
from models import StaffReport, TrainingClass
from models.choices import ACTIVE_STAGES, SKILL_LEVELS, STAFF_REPORT_KINDS
from services.staff_reports import LABELS, kinds_for, report_problems

from .base import SecureModelView
from .converters import choice_formatter
from .pickers import ScopedAjaxLoader, client_picker
from .rule_forms import RuleChecked


class StaffReportView(RuleChecked, SecureModelView):
    """Staff reports on clients; the kind follows the writer's position."""

    rules = staticmethod(report_problems)
    list_options = (joinedload(StaffReport.client), joinedload(StaffReport.author))
    column_list = ("date", "client.register_number", "client.full_name", "kind",
                   "author.name", "content")
    column_details_list = ("client", "kind", "date", "author", "training_class",
                           "skill_level", "content", "recommendation")
    column_labels = {**LABELS, "client.register_number": _l("Nomor induk"),
                     "client.full_name": _l("Nama klien"), "author.name": LABELS["author"]}
    column_searchable_list = ("client.full_name", "client.register_number")
    column_sortable_list = ("date", "kind", ("client.full_name", "client.full_name"))
    column_default_sort = [("date", True), ("id", True)]
    column_filters = (
        FilterEqual(StaffReport.kind, _l("Jenis laporan"), options=STAFF_REPORT_KINDS.choices),
        DateBetweenFilter(StaffReport.date, _l("Tanggal")),
    )
    column_formatters = {"kind": choice_formatter(STAFF_REPORT_KINDS),
                         "skill_level": choice_formatter(SKILL_LEVELS)}
    column_formatters_detail = dict(column_formatters)
    form_columns = ("client", "kind", "date", "training_class", "skill_level", "content",
                    "recommendation")
    form_choices = {"kind": STAFF_REPORT_KINDS.choices,
                    "skill_level": [("", "—"), *SKILL_LEVELS.choices]}
    form_ajax_refs = {
        "client": client_picker("client", stages=ACTIVE_STAGES),
        "training_class": ScopedAjaxLoader("training_class", TrainingClass, fields=["name"],
                                           order_by=TrainingClass.name),
    }
    form_args = {"content": {"filters": [strip_text]},
                 "recommendation": {"filters": [strip_text]},
                 "skill_level": {"filters": [lambda value: value or None]},
                 "training_class": {"description": _l(
                     "Hanya untuk penilaian keterampilan di akhir kelas.")}}
    form_prefill = ("client", "kind")
    written_by = "author_id"

    def create_form(self, obj=None):
        """The kind the writer's position writes is chosen already."""
        form = super().create_form(obj)
        kinds = kinds_for(current_user.staff)
        if kinds and not is_form_submitted() and form.kind.data not in kinds:
            form.kind.data = kinds[0]
        return form

    def rule_values(self, form) -> dict:
        values = super().rule_values(form)
        record = getattr(form, "_obj", None)
        values["author"] = record.author_id if record is not None and record.id else \
            current_user.staff_id
        return values
