"""Generated forms checked by their entity's one rule function (services/*_rules.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from flask import flash
from flask_admin.helpers import is_form_submitted

from services.rules import Problem


def show_problems(form, problems: Iterable[Problem]) -> bool:
    """Put each problem next to its field (flashed when the form has no such field); a
    field that already has an error keeps only the form's own message. False if any."""
    valid = True
    for problem in problems:
        valid = False
        field = form[problem.field] if problem.field in form else None
        if field is None:
            flash(problem.message, "error")
        elif not field.errors:
            field.errors = [problem.message]
    return valid


def _stored(value: Any) -> Any:
    """A form value as the rules take it: a record as its id, a list of records as ids."""
    if isinstance(value, list):
        return [_stored(item) for item in value]
    return getattr(value, "id", value) if hasattr(value, "__table__") else value


def _rows(field) -> list[dict[str, Any]]:
    """The rows of an inline list (a plan's goals, Formulir 4's activities) that stay."""
    return [entry.data for entry in field if not field.should_delete(entry)]


class RuleChecked:
    """Mixin for a model view: after the form's own checks (types, required), the entity's
    rule function — the one the import and ``flask check-data`` call — with each problem
    next to its field; nothing is saved while one remains."""

    rules: ClassVar[Callable[..., list[Problem]]]
    #: Form fields the rules do not read (files, pickers of other concerns).
    rules_skip: ClassVar[tuple[str, ...]] = ()

    def rule_values(self, form) -> dict[str, Any]:
        """The submitted values, field → value as stored (relations as ids; a form's rows
        as the list of those kept, a row marked for removal left out)."""
        return {name: _rows(field) if hasattr(field, "should_delete") else _stored(field.data)
                for name, field in form._fields.items()
                if name not in self.rules_skip and not name.startswith(("csrf", "_"))}

    def validate_form(self, form) -> bool:
        valid = super().validate_form(form)
        if not is_form_submitted() or not isinstance(
                form, (self._create_form_class, self._edit_form_class)):
            return valid  # the delete and action forms save no record
        rules = type(self).rules
        return show_problems(form, rules(self.rule_values(form),
                                         current=getattr(form, "_obj", None))) and valid
