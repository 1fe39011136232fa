"""The form base every form of the console uses: CSRF on, WTForms messages in Indonesian."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask_admin.contrib.sqla.validators import Unique
from flask_admin.form import BaseForm, SecureForm
from flask_babel import Domain
from flask_babel import gettext as _
from wtforms import Field, FieldList, FormField
from wtforms.fields.core import UnboundField

from services.inputs import DATE_RANGE_MESSAGE, MAX_INT, date_in_range
from services.integrity import unique_message

_WTFORMS_DOMAIN = Domain(
    translation_directories=str(Path(__file__).resolve().parent.parent / "translations"),
    domain="wtforms",
)


class _WTFormsTranslations:
    """WTForms' built-in messages ("This field is required.") from our own id catalog."""

    def gettext(self, string: str) -> str:
        return _WTFORMS_DOMAIN.get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _WTFORMS_DOMAIN.get_translations().ungettext(singular, plural, n)


def _out_of_range(field: Field) -> bool:
    """Note a date or a number no column should hold on ``field`` (nested forms included:
    a plan's goals are sub-forms). True when something was out of range."""
    if isinstance(field, FormField):
        return any([_out_of_range(sub) for sub in field.form])
    if isinstance(field, FieldList):
        return any([_out_of_range(entry) for entry in field.entries])
    data = field.data
    if isinstance(data, date) and not date_in_range(data):
        problem = str(DATE_RANGE_MESSAGE)
    elif isinstance(data, int) and not isinstance(data, bool) and abs(data) > MAX_INT:
        problem = _("Angka terlalu besar.")
    else:
        return False
    field.errors = [*field.errors, problem]
    return True


class RowForm(BaseForm):
    """A row inside a form (a plan's goal, Formulir 4's activity): no token of its own (the
    outer form carries it), WTForms' messages in Indonesian like the outer form's."""

    class Meta:
        _translations = _WTFormsTranslations()

        def get_translations(self, form):
            return self._translations


class ConsoleForm(SecureForm):
    """SecureForm (session CSRF token) with translated validation messages; every date
    within 1900–2100 and every whole number within what the database holds, whatever the
    field (a year 9999 would expand weekly patterns for millennia; PostgreSQL refuses a
    number beyond its integer)."""

    class Meta:
        _translations = _WTFormsTranslations()

        def get_translations(self, form):
            return self._translations

    def __init_subclass__(cls, **kwargs):
        """A generated form's uniqueness checks say what is already there in words (the
        constraint's sentence, services/integrity.py), not Flask-Admin's "Already exists"."""
        super().__init_subclass__(**kwargs)
        for unbound in vars(cls).values():
            if not isinstance(unbound, UnboundField):
                continue
            for check in unbound.kwargs.get("validators") or ():
                column = getattr(check, "column", None)
                if isinstance(check, Unique) and column is not None:
                    check.message = unique_message(column.table.name, [column.name]) \
                        or check.message

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        out_of_range = any([_out_of_range(field) for field in self])
        return valid and not out_of_range
