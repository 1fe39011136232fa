"""Pengaturan: the texts an institution edits itself (e.g. rights and obligations)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from models import Setting, db
from services import contracts

from .base import SecureModelView

LABELS = {"contract_rights_text": _l("Hak dan kewajiban pada kontrak pelayanan")}


class SettingView(SecureModelView):
    """The known settings, each edited in place; none are added or removed here.

    A setting never saved is shown with its default and addressed by its key; it is stored
    only when someone who may write saves it, so opening the screen never writes.
    """

    column_list = ("key", "value")
    column_details_list = column_list
    column_labels = {"key": _l("Pengaturan"), "value": _l("Isi")}
    column_formatters = {"key": lambda _v, _c, model, _n: LABELS.get(model.key, model.key)}
    column_formatters_detail = column_formatters
    form_columns = ("value",)

    def _unsaved(self) -> dict[str, Setting]:
        """Known settings still at their default, as unsaved records."""
        stored = set(db.session.scalars(select(Setting.key)))
        return {key: Setting(key=key, value=default)
                for key, default in contracts.SETTINGS.items() if key not in stored}

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if not isinstance(rows, list):  # execute=False: the caller wants the query
            return count, rows
        unsaved = list(self._unsaved().values())
        return (count or 0) + len(unsaved), [*rows, *unsaved]

    def get_pk_value(self, model):
        return super().get_pk_value(model) if model.id is not None else model.key

    def get_one(self, id):
        if isinstance(id, str) and id in contracts.SETTINGS:
            unsaved = self._unsaved().get(id)
            if unsaved is not None:
                return unsaved
            id = db.session.scalar(select(Setting.id).where(Setting.key == id))
        return super().get_one(id)

    def update_model(self, form, model) -> bool:
        if inspect(model).transient:
            db.session.add(model)  # the first save of a default stores it
        return super().update_model(form, model)

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return False

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False
