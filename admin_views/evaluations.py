"""Formulir 4 — Evaluasi Unjuk Kerja Pekerja Sosial: the head evaluates each social worker's
performance, activity by activity, and prints the form to sign."""

from __future__ import annotations

from flask import request
from flask_admin import expose
from flask_admin.model.form import InlineFormAdmin
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from forms.base import RowForm
from forms.validators import strip_text
from models import EvaluationActivity, WorkerEvaluation
from models.choices import PERFORMANCE_RATINGS
from services.evaluation_rules import LABELS, evaluation_problems

from .base import SecureModelView
from .pickers import staff_picker
from .prints import render_blank, render_print
from .rule_forms import RuleChecked

ACTIVITY_LABELS = {
    "position": _l("Urutan"), "activity": _l("Kegiatan yang dilakukan"),
    "activity_date": _l("Waktu kegiatan"),
    "method": _l("Cara melakukan tahap-tahap kegiatan"),
    "rating": _l("Penilaian terhadap unjuk kerja"), "recommendation": _l("Rekomendasi"),
}


class ActivityForm(InlineFormAdmin):
    """One row of Formulir 4 inside the evaluation form."""

    form_base_class = RowForm  # WTForms' own messages in Indonesian too
    form_columns = ("id", "position", "activity", "activity_date", "method", "rating",
                    "recommendation")
    form_label = _l("Kegiatan")
    column_labels = ACTIVITY_LABELS
    form_choices = {"rating": PERFORMANCE_RATINGS.choices}
    form_args = {"activity": {"filters": [strip_text]}, "method": {"filters": [strip_text]},
                 "recommendation": {"filters": [strip_text]}}


def _activities(_view, _context, evaluation, _name) -> str:
    return "\n".join(f"{row.position}. {row.activity} — {PERFORMANCE_RATINGS.label(row.rating)}"
                     for row in evaluation.activities)


class WorkerEvaluationView(RuleChecked, SecureModelView):
    """The head writes the evaluations; a social worker reads their own."""

    rules = staticmethod(evaluation_problems)
    list_options = (joinedload(WorkerEvaluation.staff), joinedload(WorkerEvaluation.evaluator),
                    selectinload(WorkerEvaluation.activities))
    column_list = ("evaluated_on", "staff.name", "period_start", "period_end",
                   "evaluator.name", "activities")
    column_details_list = ("staff", "evaluator", "evaluated_on", "period_start", "period_end",
                           "activities", "conclusion")
    column_labels = {
        **LABELS, "staff.name": LABELS["staff"], "evaluator": _l("Penilai"),
        "evaluator.name": _l("Penilai"), "conclusion": _l("Kesimpulan"),
    }
    column_searchable_list = ("staff.name",)
    column_sortable_list = ("evaluated_on", ("staff.name", "staff.name"))
    column_default_sort = [("evaluated_on", True), ("id", True)]
    column_formatters = {"activities": lambda _v, _c, evaluation, _n: "; ".join(
        f"{row.activity[:40]} ({PERFORMANCE_RATINGS.label(row.rating)})"
        for row in evaluation.activities)}
    column_formatters_detail = {"activities": _activities}
    form_columns = ("staff", "evaluated_on", "period_start", "period_end", "conclusion")
    form_args = {"conclusion": {"filters": [strip_text]}}
    form_ajax_refs = {"staff": staff_picker("staff", "social_worker")}
    inline_models = (ActivityForm(EvaluationActivity),)
    form_prefill = ("staff",)  # the worklist's "Formulir 4 due" link
    written_by = "evaluator_id"
    details_template = "admin/evaluation_details.html"
    list_template = "admin/evaluation_list.html"

    @expose("/print/")
    def print_view(self):
        """Formulir 4 of one evaluation, on A4, to sign."""
        evaluation = self.get_one(request.args.get("id", ""))  # 404 out of scope
        return render_print("print/evaluation.html", evaluation=evaluation,
                            ratings=PERFORMANCE_RATINGS)

    @expose("/blank/")
    def blank_view(self):
        """Formulir 4 blank (A4), to fill by hand."""
        return render_blank("formulir-4", _("Penilai"))
