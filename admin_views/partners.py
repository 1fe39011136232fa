"""Network partners (jaringan kerja)."""

from __future__ import annotations

import re

from flask_admin.contrib.sqla.filters import BooleanEqualFilter, DateBetweenFilter, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import Optional, ValidationError

from forms.validators import NotBefore, phone_number, strip_text
from models import NetworkPartner
from models.choices import PARTNER_KINDS

from .base import SecureModelView
from .converters import choice_formatter

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(form, field):
    if field.data and not EMAIL.match(field.data):
        raise ValidationError(_("Alamat email tidak valid."))


class NetworkPartnerView(SecureModelView):
    """Resource owners with their MoU and the services they offer."""

    column_list = ("name", "kind", "contact_person", "phone", "mou_number", "mou_end", "active")
    column_details_list = ("name", "kind", "contact_person", "phone", "email", "address",
                           "mou_number", "mou_start", "mou_end", "services", "active")
    column_labels = {
        "name": _l("Nama mitra"),
        "kind": _l("Jenis"),
        "contact_person": _l("Narahubung"),
        "phone": _l("Telepon"),
        "email": _l("Email"),
        "address": _l("Alamat"),
        "mou_number": _l("Nomor MoU"),
        "mou_start": _l("MoU mulai"),
        "mou_end": _l("MoU berakhir"),
        "services": _l("Layanan yang diberikan"),
        "active": _l("Aktif"),
    }
    column_searchable_list = ("name", "contact_person", "services")
    column_sortable_list = ("name", "kind", "mou_end")
    column_default_sort = "name"
    column_filters = (
        FilterEqual(NetworkPartner.kind, _l("Jenis"), options=PARTNER_KINDS.choices),
        DateBetweenFilter(NetworkPartner.mou_end, _l("MoU berakhir")),
        BooleanEqualFilter(NetworkPartner.active, _l("Aktif")),
    )
    column_formatters = {"kind": choice_formatter(PARTNER_KINDS)}
    column_formatters_detail = column_formatters
    form_columns = ("name", "kind", "contact_person", "phone", "email", "address", "mou_number",
                    "mou_start", "mou_end", "services", "active")
    form_choices = {"kind": PARTNER_KINDS.choices}
    form_args = {
        "name": {"filters": [strip_text]},
        "phone": {"validators": [Optional(), phone_number], "filters": [strip_text]},
        "email": {"validators": [Optional(), _email], "filters": [strip_text]},
        "mou_end": {"validators": [Optional(), NotBefore("mou_start", _l("tanggal mulai MoU"))]},
    }
