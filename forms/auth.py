"""Login and logout forms (CSRF-protected like every other form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from .base import ConsoleForm


class LoginForm(ConsoleForm):
    """Username and password; ``next`` is where to go afterwards (checked to be local)."""

    username = StringField(
        _l("Nama pengguna"),
        validators=[InputRequired(message=_l("Isi nama pengguna.")), Length(max=50)],
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[InputRequired(message=_l("Isi kata sandi.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class LogoutForm(ConsoleForm):
    """An empty form: only its CSRF token matters."""


class PasswordChangeForm(ConsoleForm):
    """Change one's own password: the current one, then the new one twice."""

    current = PasswordField(
        _l("Kata sandi sekarang"),
        validators=[InputRequired(message=_l("Isi kata sandi sekarang.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("Kata sandi baru"),
        validators=[InputRequired(message=_l("Isi kata sandi baru."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[InputRequired(message=_l("Ulangi kata sandi baru.")),
                    EqualTo("new", message=_l("Kedua kata sandi baru tidak sama."))],
        render_kw={"autocomplete": "new-password"},
    )
