"""Form fields the generated admin forms cannot infer from the models."""

from __future__ import annotations

from flask_admin.form.widgets import DatePickerWidget, TimePickerWidget
from flask_babel import gettext as _
from wtforms import Field, HiddenField, SelectMultipleField
from wtforms.validators import InputRequired, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from models.choices import WEEKDAYS
from services.dates import format_date, format_time, parse_date, parse_time


class _TypedField(Field):
    """A text input read by a parser of services/dates.py and shown by its formatter; after
    a refused save the user's own text comes back as typed. ``picker_format`` is the
    format the picker (moment.js) writes, ``hint`` the placeholder."""

    parse = staticmethod(parse_date)
    show = staticmethod(format_date)
    picker_format = "DD/MM/YYYY"
    hint = "dd/mm/yyyy"

    def __call__(self, **kwargs):
        kwargs.setdefault("data-date-format", self.picker_format)
        kwargs.setdefault("placeholder", self.hint)
        kwargs.setdefault("autocomplete", "off")
        return super().__call__(**kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.show(self.data)

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            self.data = self.parse(text)  # a ValueError becomes the field's message


class DateField(_TypedField):
    """A date typed and shown as dd/mm/yyyy (``/``, ``-`` or ``.``), with the picker."""

    widget = DatePickerWidget()


class TimeField(_TypedField):
    """A time typed and shown as HH:MM, with the picker."""

    widget = TimePickerWidget()
    parse = staticmethod(parse_time)
    show = staticmethod(format_time)
    picker_format = "HH:mm"
    hint = "hh:mm"


class WeekdaysField(SelectMultipleField):
    """Weekday check boxes stored as ISO digits in a string ("135" = Senin, Rabu, Jumat)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.pop("choices", None)
        kwargs.pop("coerce", None)
        kwargs.pop("allow_blank", None)
        # Our pre_validate says "choose a day"; a generic "required" would only repeat it.
        validators = [v for v in validators or [] if not isinstance(v, InputRequired)]
        super().__init__(label, validators, choices=WEEKDAYS.choices, **kwargs)

    def process_data(self, value):
        self.data = list(value) if isinstance(value, str) else list(value or [])

    def pre_validate(self, form):
        if not self.data:
            raise StopValidation(_("Pilih minimal satu hari."))
        super().pre_validate(form)

    def populate_obj(self, obj, name):
        setattr(obj, name, "".join(sorted(set(self.data or []))))


class VersionField(HiddenField):
    """The hidden ``seen_version`` of a form: the record's version and the audit log's
    position when the form was filled (services/versions.py). Bookkeeping of the form, never
    written to the record."""

    def populate_obj(self, obj, name) -> None:
        pass
