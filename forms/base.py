"""The form base every form of the console uses: CSRF on, WTForms messages in Indonesian."""

from __future__ import annotations

from pathlib import Path

from flask_admin.form import SecureForm
from flask_babel import Domain

_WTFORMS_DOMAIN = Domain(
    translation_directories=str(Path(__file__).resolve().parent.parent / "translations"),
    domain="wtforms",
)


class _WTFormsTranslations:
    """WTForms' built-in messages ("This field is required.") from our own id catalog."""

    def gettext(self, string: str) -> str:
        return _WTFORMS_DOMAIN.get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _WTFORMS_DOMAIN.get_translations().ungettext(singular, plural, n)


class ConsoleForm(SecureForm):
    """SecureForm (session CSRF token) with translated validation messages."""

    class Meta:
        _translations = _WTFormsTranslations()

        def get_translations(self, form):
            return self._translations
