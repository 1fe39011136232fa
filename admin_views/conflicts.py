"""Conflict checks on the forms that book time: session, class, enrollment, guidance
schedule, recreation activity, case conference."""

from __future__ import annotations

from types import SimpleNamespace

from models import db
from services.schedule import Booking, describe, find_conflicts


class ConflictChecked:
    """Mixin for a model view: after the form's own validation, refuse a save whose
    bookings meet another booking of the same staff member, place or client at an
    overlapping time. The messages go next to ``conflict_field``, nothing is saved."""

    conflict_field = "start_time"

    def form_bookings(self, form, record_id: int | None) -> list[Booking]:
        """What the submitted form would book (empty: nothing to check)."""
        raise NotImplementedError

    def validate_form(self, form) -> bool:
        if not super().validate_form(form):
            return False
        if self.conflict_field not in form:
            return True  # the delete and action forms book nothing
        record = getattr(form, "_obj", None)
        with db.session.no_autoflush:
            messages = describe(find_conflicts(
                self.form_bookings(form, getattr(record, "id", None))))
        if messages:
            field = form[self.conflict_field]
            field.errors = [*field.errors, *messages]
            return False
        return True


def form_record(form, record_id: int | None, *names: str) -> SimpleNamespace:
    """The submitted values of ``names`` as an object the schedule service can read."""
    values = {name: form[name].data for name in names if name in form}
    return SimpleNamespace(id=record_id, **values)
