"""The form of a case conference's decision about one client (admin_views/conferences.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import Optional

from models.choices import DECISION_RECOMMENDATIONS, TERMINATION_REASONS

from .base import ConsoleForm
from .fields import DateField, VersionField


class DecisionForm(ConsoleForm):
    """A KK's decision about one client, with the version of the decision the user
    opened."""

    placement = TextAreaField(_l("Penempatan dalam program"), validators=[Optional()])
    formulation = TextAreaField(_l("Formulasi pelayanan dan rehabilitasi (mengikat)"),
                                validators=[Optional()])
    next_review = DateField(_l("Peninjauan berikutnya"), validators=[Optional()])
    recommendation = SelectField(_l("Rekomendasi"), choices=DECISION_RECOMMENDATIONS.choices)
    termination_reason = SelectField(_l("Alasan terminasi (bila direkomendasikan)"),
                                     choices=[("", "—"), *TERMINATION_REASONS.choices])
    seen_version = VersionField()
