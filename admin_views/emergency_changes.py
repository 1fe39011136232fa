"""Emergency changes of a client's service formulation, made by three core members and
confirmed or cancelled at the next case conference (admin_views/conferences.py)."""

from __future__ import annotations

from datetime import date

from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import StopValidation, ValidationError

from forms.validators import not_in_future, strip_text
from models import EmergencyChange, Staff
from models.choices import EMERGENCY_MIN_CORE, EMERGENCY_STATUSES
from services import conferences as kk

from .base import SecureModelView
from .converters import choice_formatter
from .pickers import ScopedAjaxLoader, client_picker


class AgreementPicker(ScopedAjaxLoader):
    """Active staff who may agree to an emergency change, core members of the KK team
    listed first and marked: only their agreement counts (``kk.agreement_problem``)."""

    def __init__(self, name: str):
        super().__init__(name, Staff, fields=["name", "employee_number"],
                         where=lambda: [Staff.active.is_(True)], order_by=Staff.name)

    def format(self, model):
        if model is None:
            return None
        label = (_("%(name)s — anggota inti", name=model.name) if model.is_core_member
                 else model.name)
        return model.id, label

    def search(self, term: str, offset: int, limit: int):
        pattern = f"%{term}%"
        return (self.get_query()
                .filter(or_(Staff.name.ilike(pattern), Staff.employee_number.ilike(pattern)))
                .order_by(Staff.is_core_member.desc(), Staff.name)
                .offset(offset).limit(limit).all())


def _core_agreement(form, field):
    problem = kk.agreement_problem(list(field.data or []))
    if problem:
        raise StopValidation(problem)


class EmergencyChangeView(SecureModelView):
    """Emergency changes of a client's service formulation, waiting for the next KK."""

    list_options = (joinedload(EmergencyChange.client), selectinload(EmergencyChange.agreed_by))
    column_list = ("date", "client.register_number", "client.full_name", "reason", "status",
                   "agreed_by")
    column_details_list = ("client", "date", "reason", "change", "previous_formulation",
                           "agreed_by", "status", "decided_at")
    column_labels = {
        "client": _l("Klien"), "client.register_number": _l("Nomor induk"),
        "client.full_name": _l("Nama klien"), "date": _l("Tanggal"), "reason": _l("Alasan"),
        "change": _l("Perubahan (formulasi selama berlaku)"),
        "previous_formulation": _l("Formulasi sebelumnya"),
        "agreed_by": _l("Disepakati anggota inti"), "status": _l("Status"),
        "decided_at": _l("Diputus pada KK"),
    }
    column_default_sort = ("date", True)
    column_searchable_list = ("client.full_name", "client.register_number")
    column_filters = (FilterEqual(EmergencyChange.status, _l("Status"),
                                  options=EMERGENCY_STATUSES.choices),)
    column_formatters = {"status": choice_formatter(EMERGENCY_STATUSES)}
    column_formatters_detail = column_formatters
    form_columns = ("client", "date", "reason", "change", "agreed_by")
    form_ajax_refs = {"client": client_picker("client", own_case=True),
                      "agreed_by": AgreementPicker("agreed_by")}
    form_args = {
        "date": {"validators": [not_in_future], "default": date.today},
        "reason": {"filters": [strip_text]},
        "change": {"filters": [strip_text]},
        "agreed_by": {"validators": [_core_agreement],
                      "description": _l("Perlu kesepakatan sedikitnya %(n)s anggota inti KK "
                                        "(ditandai \"anggota inti\" dalam pilihan).",
                                        n=EMERGENCY_MIN_CORE)},
    }

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return False  # a change stands as recorded; the next KK confirms or cancels it

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False

    def on_model_change(self, form, model, is_created):
        if is_created:
            try:
                kk.apply_emergency(model)
            except kk.ConferenceError as exc:
                raise ValidationError(str(exc)) from exc
