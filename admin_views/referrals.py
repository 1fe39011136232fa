"""Referrals (rujukan) of a client to a network partner, the partner's answer, and the
referral letter; a social worker refers their own clients."""

from __future__ import annotations

from flask import request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forms.validators import strip_text
from models import Referral
from models.choices import ATENSI_COMPONENTS, REFERRAL_STATUSES, SEXES
from services.dates import today as panti_today
from services.referral_rules import LABELS, referral_problems

from .base import SecureModelView
from .converters import choice_formatter
from .pickers import client_picker, partner_picker
from .prints import render_print
from .rule_forms import RuleChecked


class ReferralView(RuleChecked, SecureModelView):
    """Who was referred where and why, and what the partner answered."""

    rules = staticmethod(referral_problems)
    list_options = (joinedload(Referral.client), joinedload(Referral.partner))
    column_list = ("referred_on", "client.register_number", "client.full_name",
                   "partner.name", "status", "feedback_on")
    column_details_list = ("client", "partner", "social_worker", "referred_on", "reason",
                           "atensi", "status", "feedback", "feedback_on")
    column_labels = {**LABELS, "client.register_number": _l("Nomor induk"),
                     "client.full_name": _l("Nama klien"), "partner.name": LABELS["partner"],
                     "social_worker": _l("Pekerja sosial"), "atensi": _l("Komponen ATENSI")}
    column_searchable_list = ("client.full_name", "client.register_number", "partner.name")
    column_sortable_list = ("referred_on", "status", ("client.full_name", "client.full_name"))
    column_default_sort = [("referred_on", True), ("id", True)]
    column_filters = (FilterEqual(Referral.status, _l("Status"),
                                  options=REFERRAL_STATUSES.choices),)
    column_formatters = {"status": choice_formatter(REFERRAL_STATUSES),
                         "atensi": choice_formatter(ATENSI_COMPONENTS)}
    column_formatters_detail = dict(column_formatters)
    form_columns = ("client", "partner", "referred_on", "reason", "atensi", "status",
                    "feedback", "feedback_on")
    form_choices = {"status": REFERRAL_STATUSES.choices,
                    "atensi": [("", "—"), *ATENSI_COMPONENTS.choices]}
    form_ajax_refs = {"client": client_picker("client", own_case=True),
                      "partner": partner_picker("partner")}
    form_args = {"reason": {"filters": [strip_text]}, "feedback": {"filters": [strip_text]},
                 "atensi": {"filters": [lambda value: value or None]}}
    form_prefill = ("client",)
    written_by = "social_worker_id"
    case_record = True  # read-only once the case record is closed
    details_template = "admin/referral_details.html"

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if form.referred_on.data is None:
            form.referred_on.data = panti_today()
        return form

    @expose("/letter/")
    def letter_view(self):
        """The referral letter (A4), numbered, to sign and send with the client."""
        referral = self.get_one(request.args.get("id", ""))  # 404 out of scope
        return render_print("print/referral.html", referral=referral,
                            sex=SEXES.label(referral.client.sex))
