"""Validators shared by the generated admin forms and the hand-written ones."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from wtforms.validators import ValidationError

from services.clients import DIGITS_16, PHONE, nik_problem


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


def sixteen_digits(label):
    """Exactly 16 digits when given (NIK, nomor KK); empty is allowed."""

    def check(form, field):
        if _blank(field.data):
            return
        if not DIGITS_16.match(field.data):
            raise ValidationError(
                _("%(label)s harus tepat 16 angka (terisi %(n)s karakter).",
                   label=label, n=len(field.data))
            )

    return check


def nik_matches_person(form, field):
    """The NIK's birth date and sex part (DDMMYY, +40 for women) agree with the form."""
    if _blank(field.data) or not DIGITS_16.match(field.data):
        return
    sex = getattr(form, "sex", None)
    birth = getattr(form, "birth_date", None)
    problem = nik_problem(field.data, sex.data if sex is not None else None,
                          birth.data if birth is not None else None)
    if problem:
        raise ValidationError(problem)


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
        if field.data is None or other is None:
            return
        if field.data < other or (self.strict and field.data == other):
            if self.strict:
                msg = _("Harus sesudah %(other)s.", other=self.other_label)
            else:
                msg = _("Tidak boleh sebelum %(other)s.", other=self.other_label)
            raise ValidationError(msg)


def excluding_edited(query, form, model):
    """``query`` without the record ``form`` is editing (unchanged when creating), so a
    uniqueness or capacity check does not count the record against itself."""
    record = getattr(form, "_obj", None)
    if record is not None and record.id is not None:
        return query.where(model.id != record.id)
    return query


def not_in_future(form, field):
    """A date that cannot lie in the future (birth, admission)."""
    if field.data is not None and field.data > date.today():
        raise ValidationError(_("Tanggal tidak boleh di masa depan."))

