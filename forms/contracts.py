"""The contract signing step's form (admin_views/contracts.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from .base import ConsoleForm
from .fields import DateField, VersionField


class SigningForm(ConsoleForm):
    """Who signed and when (the scan comes as a file), with the version of the contract the
    user opened."""

    signed_date = DateField(_l("Tanggal penandatanganan"), validators=[Optional()])
    signed_by_client = BooleanField(_l("Klien menandatangani"))
    guardian_signer = StringField(_l("Keluarga/wali yang menandatangani (nama, bila ada)"),
                                  validators=[Length(max=120)])
    signed_by_worker = BooleanField(_l("Pekerja sosial menandatangani"))
    head = SelectField(_l("Mengetahui: pimpinan panti"), choices=[], default="")
    seen_version = VersionField()
