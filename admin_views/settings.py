"""Pengaturan: the texts an institution edits itself (e.g. rights and obligations)."""

from __future__ import annotations

from flask_admin import expose
from flask_babel import lazy_gettext as _l

from services import contracts

from .base import SecureModelView

LABELS = {"contract_rights_text": _l("Hak dan kewajiban pada kontrak pelayanan")}


class SettingView(SecureModelView):
    """The known settings, each edited in place; none are added or removed here."""

    column_list = ("key", "value")
    column_details_list = column_list
    column_labels = {"key": _l("Pengaturan"), "value": _l("Isi")}
    column_formatters = {"key": lambda _v, _c, model, _n: LABELS.get(model.key, model.key)}
    column_formatters_detail = column_formatters
    form_columns = ("value",)

    @expose("/")
    def index_view(self):
        contracts.ensure_settings()  # a setting never edited shows its default, editable
        return super().index_view()

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return False

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False
