"""Pengaturan: what an institution sets itself (the rights and obligations printed on a
contract, the months of the aftercare visits), each known setting from services/settings.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from models import Setting, db
from services.settings import known

from .base import SecureModelView


def _label(_view, _context, model, _name) -> str:
    entry = known().get(model.key)
    return str(entry.label) if entry is not None else model.key


class SettingView(SecureModelView):
    """The known settings, each edited in place; none are added or removed here.

    A setting never saved is shown with its default and addressed by its key; it is stored
    only when someone who may write saves it, so opening the screen never writes.
    """

    column_list = ("key", "value")
    column_details_list = column_list
    column_labels = {"key": _l("Pengaturan"), "value": _l("Isi")}
    column_formatters = {"key": _label}
    column_formatters_detail = column_formatters
    form_columns = ("value",)

    def _unsaved(self) -> dict[str, Setting]:
        """Known settings still at their default, as unsaved records."""
        stored = set(db.session.scalars(select(Setting.key)))
        return {key: Setting(key=key, value=entry.default)
                for key, entry in known().items() if key not in stored}

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if not isinstance(rows, list):  # execute=False: the caller wants the query
            return count, rows
        unsaved = list(self._unsaved().values())
        return (count or 0) + len(unsaved), [*rows, *unsaved]

    def get_pk_value(self, model):
        return super().get_pk_value(model) if model.id is not None else model.key

    def get_one(self, id):
        if isinstance(id, str) and id in known():
            unsaved = self._unsaved().get(id)
            if unsaved is not None:
                return unsaved
            id = db.session.scalar(select(Setting.id).where(Setting.key == id))
        return super().get_one(id)

    def validate_form(self, form) -> bool:
        """A value the setting's own check refuses is named next to the field."""
        valid = super().validate_form(form)
        record = getattr(form, "_obj", None)
        entry = known().get(record.key) if record is not None else None
        if valid and entry is not None and hasattr(form, "value") and (
                refused := entry.check(form.value.data or "")):
            form.value.errors = [*form.value.errors, refused]
            return False
        return valid

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
