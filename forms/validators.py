"""Validators shared by the generated admin forms and the hand-written ones."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from wtforms.validators import ValidationError

from services.clients import PHONE
from services.dates import today as panti_today
from services.rules import in_future, not_before


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def strip_spaces(value):
    """Filter: drop spaces, dots and dashes people type inside numbers."""
    if isinstance(value, str):
        return re.sub(r"[\s.\-]", "", value) or None
    return value


def strip_text(value):
    """Filter: trim text and turn an empty entry into NULL."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def phone_number(form, field):
    """An Indonesian phone number: 0812..., 62812... or +62812...; spaces allowed."""
    if _blank(field.data):
        return
    if not PHONE.match(re.sub(r"[\s\-]", "", field.data)):
        raise ValidationError(_("Nomor telepon tidak valid (contoh: 0812 3456 7890)."))


class NotBefore:
    """This date/time field is not before another field of the same form."""

    def __init__(self, other: str, other_label, strict: bool = False):
        self.other = other
        self.other_label = other_label
        self.strict = strict

    def __call__(self, form, field):
        other = form[self.other].data if self.other in form else None
        refused = not_before(field.data, other, self.other_label, self.strict)
        if refused:
            raise ValidationError(refused)


def excluding_edited(query, form, model):
    """``query`` without the record ``form`` is editing (unchanged when creating), so a
    uniqueness or capacity check does not count the record against itself."""
    record = getattr(form, "_obj", None)
    if record is not None and record.id is not None:
        return query.where(model.id != record.id)
    return query


def not_in_future(form, field):
    """A date that cannot lie in the future (birth, admission)."""
    if refused := in_future(field.data, panti_today()):
        raise ValidationError(refused)

