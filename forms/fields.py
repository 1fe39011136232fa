"""Form fields the generated admin forms cannot infer from the models."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import SelectMultipleField
from wtforms.validators import InputRequired, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from models.choices import WEEKDAYS


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
