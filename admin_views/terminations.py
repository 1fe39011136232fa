"""Termination steps: the statement letter, the aid package hand-over, and closing the case
record — the social worker closes, the head confirms (services/terminations.py)."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_admin import expose
from flask_admin.model.form import InlineFormAdmin
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import NumberRange, Optional

from forms.base import RowForm
from forms.validators import strip_text
from models import AidItem, Termination
from models.choices import ATENSI_COMPONENTS, TERMINATION_REASONS, Role, Stage
from services import terminations
from services.terminations import LABELS, termination_problems

from .base import SecureModelView, role_in
from .pickers import client_picker, staff_picker
from .prints import render_print
from .rule_forms import RuleChecked
from .stale import FAILED, run_step


class AidItemForm(InlineFormAdmin):
    """One item of the aid package inside the termination form."""

    form_base_class = RowForm  # WTForms' own messages in Indonesian too
    form_columns = ("id", "position", "item", "value", "atensi")
    form_label = _l("Isi paket bantuan")
    column_labels = {"position": _l("Urutan"), "item": _l("Barang"),
                     "value": _l("Nilai (Rp)"), "atensi": _l("Komponen ATENSI")}
    form_choices = {"atensi": ATENSI_COMPONENTS.choices}
    form_args = {"item": {"filters": [strip_text]},
                 "value": {"validators": [Optional(), NumberRange(min=0)]}}


def _aid(_view, _context, record, _name) -> str:
    return "\n".join(f"{row.item}: Rp {row.value or 0:,}".replace(",", ".")
                     for row in record.aid_items)


class TerminationView(RuleChecked, SecureModelView):
    """A terminated client's letter, aid package and closing; a social worker for their own
    clients, the head for all (and the confirmation)."""

    rules = staticmethod(termination_problems)
    list_options = (joinedload(Termination.client), selectinload(Termination.aid_items))
    column_list = ("client.register_number", "client.full_name", "letter_date",
                   "aid_handed_on", "closed_on", "confirmed_on")
    column_details_list = ("client", "letter_date", "statement", "aid_recipient",
                           "aid_handed_on", "aid_handed_by", "aid_items", "no_aid_reason",
                           "closed_on", "closed_by", "confirmed_on", "confirmed_by")
    column_labels = {**LABELS, "client.register_number": _l("Nomor induk"),
                     "client.full_name": _l("Nama klien"),
                     "closed_on": _l("Berkas ditutup"), "closed_by": _l("Ditutup oleh"),
                     "confirmed_on": _l("Dikonfirmasi pimpinan"),
                     "confirmed_by": _l("Dikonfirmasi oleh")}
    column_searchable_list = ("client.full_name", "client.register_number")
    column_default_sort = [("id", True)]
    column_formatters_detail = {"aid_items": _aid}
    form_columns = ("client", "letter_date", "statement", "aid_recipient", "aid_handed_on",
                    "aid_handed_by", "no_aid_reason")
    form_ajax_refs = {"client": client_picker(
        "client", stages=(Stage.TERMINATION, Stage.AFTERCARE), own_case=True),
        "aid_handed_by": staff_picker("aid_handed_by")}
    form_args = {"statement": {"filters": [strip_text]},
                 "aid_recipient": {"filters": [strip_text]},
                 "no_aid_reason": {"filters": [strip_text], "description": _l(
                     "Bila klien pulang tanpa paket bantuan (mis. mengundurkan diri).")}}
    inline_models = (AidItemForm(AidItem),)
    form_prefill = ("client",)
    details_template = "admin/termination_details.html"
    WRITE_VIEWS = SecureModelView.WRITE_VIEWS | {"step_view"}

    def render(self, template, **kwargs):
        record = kwargs.get("model")
        if template == self.details_template and isinstance(record, Termination):
            kwargs.update(missing=terminations.missing_for_closing(record),
                          reasons=TERMINATION_REASONS, may_write=self.can_edit,
                          is_head=role_in({Role.HEAD}))
        return super().render(template, **kwargs)

    @expose("/step/", methods=("POST",))
    def step_view(self):
        """Close the case record (its social worker or the head), reopen or confirm it (the
        head)."""
        record = self.get_one(request.args.get("id", ""))
        step = request.form.get("step", "")
        staff = current_user.staff
        steps = {"close": lambda: terminations.close(record, staff)}
        if role_in({Role.HEAD}):
            steps.update(confirm=lambda: terminations.confirm(record, staff),
                         reopen=lambda: terminations.reopen(record))
        if step not in steps:
            flash(_("Langkah tidak dikenal."), "error")
        elif run_step(steps[step], record) is not FAILED:
            flash({"close": _("Berkas kasus ditutup; menunggu konfirmasi pimpinan."),
                   "confirm": _("Penutupan berkas dikonfirmasi."),
                   "reopen": _("Berkas dibuka kembali.")}[step], "success")
        return redirect(self.get_url(".details_view", id=record.id))

    @expose("/letter/")
    def letter_view(self):
        """The termination statement letter (A4), numbered, to sign."""
        record = self.get_one(request.args.get("id", ""))  # 404 out of scope
        return render_print("print/termination.html", record=record,
                            reason=TERMINATION_REASONS.label(record.client.termination_reason))
