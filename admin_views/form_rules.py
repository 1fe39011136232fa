"""Form layouts: generated forms in titled sections, side by side on a wide screen.

Flask-Admin's form rules render the fields one under the other; a long form such as the
client's registration reads like the paper it replaces when its fields are grouped. A rule set
must name every field of the form (Flask-Admin drops the others), hidden ones included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask_admin.form import rules
from markupsafe import Markup, escape

from services import versions


class Section(rules.NestedRule):
    """A titled group of fields (a ``<fieldset>`` half the width on a wide screen).

    ``shown_when``: (field, values) — the section is hidden until that field holds one of
    the values (panti.js toggles it as the user chooses), and shown at once when it does or
    when one of its own fields has an error, so a message is never out of sight.
    """

    def __init__(self, title: str, fields: Iterable[str],
                 shown_when: tuple[str, Sequence[str]] | None = None):
        super().__init__([rules.Field(name) for name in fields])
        self.title = title
        self.shown_when = shown_when

    def __call__(self, form, form_opts=None, field_args=None):
        attributes = ""
        if self.shown_when is not None:
            field, values = self.shown_when
            current = getattr(form, field).data if field in form else None
            errors = any(form[name].errors for name in self.visible_fields if name in form)
            attributes = (f' data-shown-when="{escape(field)}"'
                          f' data-shown-values="{escape(" ".join(values))}"')
            if current not in values and not errors:
                attributes += " hidden"
        inner = super().__call__(form, form_opts, field_args)
        return Markup(f'<fieldset class="col-lg-6 form-section"{attributes}>'
                      f'<legend class="h6 border-bottom pb-1">{escape(str(self.title))}</legend>'
                      ) + inner + Markup("</fieldset>")


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
