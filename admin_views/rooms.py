"""Dormitory rooms and group homes (pengasramaan)."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterEqual
from flask_babel import lazy_gettext as _l

from forms.validators import strip_text
from models import Room
from models.choices import ROOM_KINDS, ROOM_SEXES
from services.room_rules import room_problems

from .base import SecureModelView
from .converters import choice_formatter
from .rule_forms import RuleChecked


class RoomView(RuleChecked, SecureModelView):
    """Dormitory rooms and group homes with their occupancy."""

    rules = room_problems

    column_list = ("name", "kind", "sex", "capacity", "occupancy", "active")
    list_counts = ("occupancy",)
    column_details_list = ("name", "kind", "sex", "capacity", "occupancy", "active", "note")
    column_labels = {
        "name": _l("Nama"),
        "kind": _l("Jenis"),
        "sex": _l("Untuk"),
        "capacity": _l("Kapasitas"),
        "occupancy": _l("Terisi"),
        "active": _l("Aktif"),
        "note": _l("Catatan"),
    }
    column_searchable_list = ("name",)
    column_sortable_list = ("name", "kind", "capacity")
    column_default_sort = "name"
    column_filters = (
        FilterEqual(Room.kind, _l("Jenis"), options=ROOM_KINDS.choices),
        FilterEqual(Room.sex, _l("Untuk"), options=ROOM_SEXES.choices),
        BooleanEqualFilter(Room.active, _l("Aktif")),
    )
    column_formatters = {"kind": choice_formatter(ROOM_KINDS), "sex": choice_formatter(ROOM_SEXES)}
    column_formatters_detail = column_formatters
    form_columns = ("name", "kind", "sex", "capacity", "active", "note")
    form_choices = {"kind": ROOM_KINDS.choices, "sex": ROOM_SEXES.choices}
    form_args = {
        "name": {"filters": [strip_text]},
    }
