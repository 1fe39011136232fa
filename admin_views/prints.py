"""A4 prints: each rendered with the panti's letterhead (name, address) and today's date,
and the seeds' forms printed blank."""

from __future__ import annotations

from flask import abort, current_app, render_template

from services.blank_forms import FORMS
from services.dates import today as panti_today


def render_print(template: str, **context) -> str:
    """``template`` (under templates/print/) with the letterhead and today."""
    return render_template(template, today=panti_today(),
                           institution=current_app.config["INSTITUTION_NAME"],
                           address=current_app.config["INSTITUTION_ADDRESS"], **context)


def render_blank(key: str, signer: str) -> str:
    """The seeds' form ``key`` printed blank (404 for a form that does not exist)."""
    form = FORMS.get(key)
    if form is None:
        abort(404)
    return render_print("print/blank_form.html", form=form, signer=signer)
