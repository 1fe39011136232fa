"""Service plans (rencana pelayanan) with their goals, and the contract drafted from one."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_admin import expose
from flask_admin.helpers import is_form_submitted
from flask_admin.model.form import InlineFormAdmin
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import Optional, ValidationError

from forms.base import RowForm
from forms.validators import NotBefore, strip_text
from models import PlanGoal, ServicePlan
from models.choices import ATENSI_COMPONENTS, PLAN_OWNERS, Role
from services import contracts, eligibility
from services.scopes import acting

from .base import SecureModelView
from .pickers import plan_client_picker, staff_picker
from .stale import FAILED, run_step


class GoalForm(InlineFormAdmin):
    """One goal row inside the plan form."""

    form_base_class = RowForm  # WTForms' own messages in Indonesian too
    form_columns = ("id", "position", "goal", "service", "atensi", "tasks", "owner",
                    "planned_start",
                    "planned_end", "expected_result", "achieved_result", "follow_up")
    form_label = _l("Tujuan")
    column_labels = {
        "position": _l("Urutan"), "goal": _l("Tujuan"), "service": _l("Jenis pelayanan"),
        "tasks": _l("Tugas"), "owner": _l("Dikerjakan oleh"),
        "atensi": _l("Komponen ATENSI"),
        "planned_start": _l("Rencana mulai"), "planned_end": _l("Rencana selesai"),
        "expected_result": _l("Hasil yang diharapkan"),
        "achieved_result": _l("Hasil yang dicapai"), "follow_up": _l("Tindak lanjut"),
    }
    form_choices = {"owner": PLAN_OWNERS.choices,
                    "atensi": [("", "—"), *ATENSI_COMPONENTS.choices]}
    form_args = {
        "goal": {"filters": [strip_text]},
        "atensi": {"filters": [lambda value: value or None]},
        "planned_end": {"validators": [Optional(), NotBefore("planned_start",
                                                             _l("rencana mulai"))]},
    }


def _client_may_have_plan(form, field):
    """The plan's rule (services/eligibility.py), the one its client picker offers by: one
    plan per client."""
    if field.data is None:
        return
    record = getattr(form, "_obj", None)
    refused = eligibility.refusal(field.data, eligibility.plan_requirements(
        record.id if record is not None else None))
    if refused:
        raise ValidationError(refused)


class ServicePlanView(SecureModelView):
    """A client's service plan; a social worker writes those of their own clients."""

    list_options = (joinedload(ServicePlan.client), joinedload(ServicePlan.social_worker),
                    selectinload(ServicePlan.goals))
    column_list = ("client.register_number", "client.full_name", "social_worker.name", "goals",
                   "updated_at")
    column_details_list = ("client", "social_worker", "problems", "abilities", "limitations",
                           "formulation", "goals")
    column_labels = {
        "client": _l("Klien"), "client.register_number": _l("Nomor induk"),
        "client.full_name": _l("Nama klien"), "social_worker": _l("Pekerja sosial"),
        "social_worker.name": _l("Pekerja sosial"), "problems": _l("Masalah"),
        "abilities": _l("Kemampuan"), "limitations": _l("Keterbatasan"),
        "formulation": _l("Formulasi pelayanan (keputusan KK)"), "goals": _l("Tujuan"),
        "updated_at": _l("Terakhir diubah"),
    }
    column_searchable_list = ("client.full_name", "client.register_number")
    column_sortable_list = (("client.full_name", "client.full_name"), "updated_at")
    column_default_sort = ("updated_at", True)
    column_formatters = {"goals": lambda _v, _c, model, _n: "; ".join(
        g.goal for g in model.goals)}
    column_formatters_detail = {"goals": lambda _v, _c, model, _n: "\n".join(
        f"{i}. {g.goal} ({PLAN_OWNERS.label(g.owner)})"
        for i, g in enumerate(model.goals, start=1))}
    details_template = "admin/plan_details.html"
    form_columns = ("client", "social_worker", "problems", "abilities", "limitations",
                    "formulation")
    inline_models = (GoalForm(PlanGoal),)
    # The picker offers clients without a plan; the page sends the edited plan's id with
    # each search, so its own client stays on offer (static/js/pickers.js).
    form_ajax_refs = {"client": plan_client_picker("client"),
                      "social_worker": staff_picker("social_worker", "social_worker")}
    form_widget_args = {"client": {"data-picker-context": ""}}
    form_args = {"problems": {"filters": [strip_text]},
                 "client": {"validators": [_client_may_have_plan]}}
    WRITE_VIEWS = SecureModelView.WRITE_VIEWS | {"draft_contract_view"}
    case_record = True  # read-only once the case record is closed

    def create_form(self, obj=None):
        """A social worker's new plan is theirs: their staff record is already picked."""
        form = super().create_form(obj)
        staff = current_user.staff if acting(Role.SOCIAL_WORKER) else None
        if staff is not None and not is_form_submitted():
            form.social_worker.data = staff
        return form

    @expose("/draft-contract/", methods=("POST",))
    def draft_contract_view(self):
        """Draft a service contract from the plan and open it for editing."""
        plan = self.get_one(request.args.get("id", ""))
        contract = run_step(lambda: contracts.draft_from_plan(plan), plan)
        if contract is FAILED:
            return redirect(self.get_url(".details_view", id=plan.id))
        flash(_("Draf kontrak dibuat dari rencana pelayanan; periksa lalu tandatangani."),
              "success")
        return redirect(self.get_url("contract.edit_view", id=contract.id))
