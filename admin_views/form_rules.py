"""Form layouts: generated forms in titled sections, side by side on a wide screen.

Flask-Admin's form rules render the fields one under the other; a long form such as the
client's registration reads like the paper it replaces when its fields are grouped. A rule set
must name every field of the form (Flask-Admin drops the others), hidden ones included.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_admin.form import rules
from flask_babel import gettext as _
from markupsafe import Markup

from services import versions


class Section(rules.NestedRule):
    """A titled group of fields (a ``<fieldset>`` half the width on a wide screen)."""

    def __init__(self, title: str, fields: Iterable[str]):
        super().__init__([rules.Field(name) for name in fields])
        self.title = title

    def __call__(self, form, form_opts=None, field_args=None):
        inner = super().__call__(form, form_opts, field_args)
        # Markup.format escapes the title.
        legend = Markup('<legend class="h6 border-bottom pb-1">{}</legend>').format(
            str(self.title))
        return Markup('<fieldset class="col-lg-6 form-section">') + legend + inner + \
            Markup("</fieldset>")


class Claimed(rules.BaseRule):
    """Fields rendered elsewhere (the hidden version field goes out with the form's hidden
    tags): named so Flask-Admin keeps them in the form, rendered as nothing here."""

    def __init__(self, *names: str):
        super().__init__()
        self.names = list(names)

    @property
    def visible_fields(self) -> list[str]:
        return self.names

    def __call__(self, form, form_opts=None, field_args=None):
        return Markup("")


def sections(*parts: Section, unshown: Iterable[str] = ()) -> list[rules.BaseRule]:
    """The rule set of a form made of ``parts``, two columns wide on a desktop; ``unshown``:
    fields of the form class the view takes out of the form itself."""
    return [rules.HTML('<div class="row">'), *parts, rules.HTML("</div>"),
            Claimed("csrf_token", versions.FIELD, *unshown)]


class LikelyMatches(rules.BaseRule):
    """The duplicate check's answer on a registration form (``form.likely_matches``, set by
    the view): each client who may be the same person, with why and a link to them, and the
    box to tick when it is a different person (posted with the clients that were shown)."""

    def __call__(self, form, form_opts=None, field_args=None):
        matches = getattr(form, "likely_matches", None)
        if not matches:
            return Markup("")
        items = Markup("").join(Markup(
            '<li><a href="{}" target="_blank" rel="noopener">{}</a> · {} · {}'
            '<input type="hidden" name="shown" value="{}">{}</li>').format(
                match.url, match.client, match.details, ", ".join(match.reasons),
                match.client.id, self._readmit(match))
            for match in matches)
        return Markup(
            '<div class="alert alert-warning" data-testid="likely-matches">'
            '<p class="mb-1"><strong>{}</strong></p><ul class="mb-2">{}</ul>'
            '<div class="form-check"><input class="form-check-input" type="checkbox" '
            'name="different_person" value="1" id="different_person">'
            '<label class="form-check-label" for="different_person">{}</label></div>'
            '<p class="small mb-0 mt-1">{}</p></div>').format(
                _("Mungkin orang ini sudah terdaftar:"), items,
                _("Sudah saya periksa: orang ini berbeda dengan semua di atas."),
                _("Orang yang sama? Terima kembali orang itu (masa tinggal baru dengan nomor "
                  "induk yang sama) atau buka datanya; jangan daftarkan lagi."))

    @staticmethod
    def _readmit(match) -> Markup:
        """The "same person" button: posts this form (its CSRF token and the matches shown)
        to the re-admission of that client; only for a stay that ended."""
        if not match.readmit_url:
            return Markup("")
        return Markup(
            ' <button type="submit" class="btn btn-sm btn-outline-primary ms-2" '
            'formaction="{}" formnovalidate data-testid="readmit">{}</button>').format(
                match.readmit_url, _("Orang yang sama: terima kembali"))
