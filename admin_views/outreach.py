"""Outreach (penjangkauan): visits, the persons met, and registering one of them."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_admin.model.form import InlineFormAdmin
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import NumberRange, Optional

from forms.base import RowForm
from forms.validators import not_in_future, strip_text
from models import Client, Intake, OutreachPerson, OutreachVisit, db
from models.choices import OUTREACH_PLACES, SEXES
from services import outreach, stays
from services.inputs import parse_id
from services.scopes import visible

from .base import SecureModelView
from .converters import choice_formatter
from .pickers import staff_picker
from .stale import FAILED, run_step


class PersonForm(InlineFormAdmin):
    """One person met, inside the visit's form."""

    form_base_class = RowForm  # WTForms' own messages in Indonesian too
    form_columns = ("id", "name", "description", "estimated_age", "sex", "condition")
    form_label = _l("Orang yang ditemui")
    column_labels = {"name": _l("Nama"), "description": _l("Ciri-ciri (bila tanpa nama)"),
                     "estimated_age": _l("Perkiraan umur"), "sex": _l("Jenis kelamin"),
                     "condition": _l("Kondisi")}
    form_choices = {"sex": [("", "—"), *SEXES.choices]}
    form_args = {
        "name": {"filters": [strip_text]},
        "description": {"filters": [strip_text]},
        "sex": {"filters": [lambda value: value or None]},
        "estimated_age": {"validators": [Optional(), NumberRange(
            min=1, max=120, message=_l("Umur 1 sampai 120 tahun."))]},
        "condition": {"filters": [strip_text]},
    }


class OutreachView(SecureModelView):
    """Visits to terminals, stations, markets and intersections with the partner agencies
    (Satpol PP, Dinas Sosial, police): who went, whom they met, what followed."""

    list_options = (joinedload(OutreachVisit.partner), selectinload(OutreachVisit.persons),
                    selectinload(OutreachVisit.officers))
    column_list = ("date", "place_kind", "place", "partner.name", "officers", "persons")
    column_details_list = ("date", "place_kind", "place", "partner", "officers", "actions",
                           "follow_up")
    column_labels = {
        "date": _l("Tanggal"), "place_kind": _l("Jenis tempat"), "place": _l("Tempat"),
        "partner": _l("Instansi mitra"), "partner.name": _l("Instansi mitra"),
        "officers": _l("Petugas"), "persons": _l("Orang yang ditemui"),
        "actions": _l("Yang dilakukan"), "follow_up": _l("Tindak lanjut"),
    }
    column_searchable_list = ("place",)
    column_sortable_list = ("date", "place_kind", "place")
    column_default_sort = [("date", True), ("id", True)]
    column_filters = (FilterEqual(OutreachVisit.place_kind, _l("Jenis tempat"),
                                  options=OUTREACH_PLACES.choices),
                      DateBetweenFilter(OutreachVisit.date, _l("Tanggal")))
    column_formatters = {"place_kind": choice_formatter(OUTREACH_PLACES),
                         "persons": lambda _v, _c, visit, _n: len(visit.persons)}
    column_formatters_detail = {"place_kind": choice_formatter(OUTREACH_PLACES)}
    form_columns = ("date", "place_kind", "place", "partner", "officers", "actions",
                    "follow_up")
    form_choices = {"place_kind": OUTREACH_PLACES.choices}
    form_ajax_refs = {"officers": staff_picker("officers")}
    inline_models = (PersonForm(OutreachPerson),)
    form_args = {
        "date": {"validators": [not_in_future]},
        "place": {"filters": [strip_text]},
        "actions": {"filters": [strip_text]},
        "follow_up": {"filters": [strip_text]},
    }
    details_template = "admin/outreach_details.html"

    @expose("/details/")
    def details_view(self):
        """The visit, and for each person met not yet registered the clients they may be
        (the duplicate check), with the choice: a different person, or the same one."""
        visit_id = parse_id(request.args.get("id"))
        visit = db.session.get(OutreachVisit, visit_id) if visit_id else None
        if visit is not None and self.can_edit:
            user = current_user._get_current_object()
            self._template_args["matches"] = {
                person.id: found for person in visit.persons
                if (found := outreach.matches(person, visible(Client, user)))}
            self._template_args["readmit_ok"] = stays.ended
            self._template_args["may_readmit"] = stays.may_readmit(user)
        return super().details_view()

    def render(self, template, **kwargs):
        kwargs.setdefault("sexes", SEXES)
        return super().render(template, **kwargs)
    WRITE_VIEWS = SecureModelView.WRITE_VIEWS | {"enrol_view"}

    @expose("/enrol/", methods=("POST",))
    def enrol_view(self):
        """*Daftarkan sebagai klien*: the person met becomes a client of stage 1."""
        person_id = parse_id(request.form.get("person_id"))
        person = db.session.get(OutreachPerson, person_id) if person_id else None
        if person is None:
            abort(404)
        visit = self.get_one(str(person.visit_id))
        same_as = parse_id(request.form.get("same_as"))
        different = [found for found in map(parse_id, request.form.getlist("different_from"))
                     if found is not None]
        client = run_step(lambda: outreach.enrol(
            person, current_user._get_current_object(), different_from=different,
            same_as=same_as), visit)
        if client is FAILED:
            return redirect(self.get_url(".details_view", id=visit.id))
        if same_as is not None:
            flash(_("%(name)s diterima kembali: masa tinggal ke-%(n)s dimulai pada tahap 1.",
                    name=client.full_name, n=client.stay), "success")
        else:
            flash(_("%(name)s didaftarkan sebagai calon klien (tahap 1. Pendekatan awal); "
                    "nomor induk diberikan saat penerimaan.", name=client.full_name), "success")
        return redirect(url_for("client.details_view", id=client.id))


class IntakeView(SecureModelView):
    """The intakes (angkatan): each one's number (the clients' cohort) and the day its
    recruitment starts; its first four weeks ask for an outreach visit each."""

    column_list = ("number", "starts_on", "note")
    column_details_list = column_list
    column_labels = {"number": _l("Angkatan"), "starts_on": _l("Mulai penjangkauan"),
                     "note": _l("Keterangan")}
    column_default_sort = ("starts_on", True)
    column_filters = (DateBetweenFilter(Intake.starts_on, _l("Mulai penjangkauan")),)
    form_columns = ("number", "starts_on", "note")
    form_args = {
        "number": {"validators": [NumberRange(min=1, message=_l(
            "Nomor angkatan minimal 1."))],
                   "description": _l("Nomor urut angkatan, seperti pada data klien.")},
        "starts_on": {"description": _l(
            "Empat minggu sejak tanggal ini: penjangkauan setiap minggu.")},
        "note": {"filters": [strip_text]},
    }
