"""Conflict checks on the forms that book time: session, class, enrollment, guidance
schedule, recreation activity, case conference."""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import gettext as _
from markupsafe import Markup, escape

from models import db
from services.conflicts import (
    SLOT_WEEKS,
    WORKING_HOURS,
    Slot,
    conflicts_and_slots,
    describe,
    find_conflicts,
)
from services.dates import format_date, format_time
from services.schedule import Booking


class ConflictChecked:
    """Mixin for a model view: after the form's own validation, refuse a save whose
    bookings meet another booking of the same staff member, place or client at an
    overlapping time. Every conflict goes next to ``conflict_field`` at once, with the
    next free slots where the form's own times can move; nothing is saved."""

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
            bookings = self.form_bookings(form, getattr(record, "id", None))
            if "start_time" in form and "end_time" in form:  # its times can move
                one_off = "date" in form and form["date"].data is not None
                conflicts, slots = conflicts_and_slots(bookings, one_off)
                messages = describe(conflicts)
                if messages:
                    messages.append(slots_message(slots, one_off))
            else:
                messages = describe(find_conflicts(bookings))
        if messages:
            field = form[self.conflict_field]
            field.errors = [*field.errors, *messages]
            return False
        return True


def slots_message(slots: list[Slot], one_off: bool) -> Markup:
    """The suggested slots as buttons that fill the form's date and times
    (static/js/panti.js), or why there is none."""
    hours = f"{format_time(WORKING_HOURS[0])}–{format_time(WORKING_HOURS[1])}"
    if not slots:
        if one_off:
            return Markup(escape(_(
                "Tidak ada waktu kosong dengan lama yang sama pada hari yang sama "
                "(jam %(hours)s, %(weeks)s minggu ke depan).", hours=hours, weeks=SLOT_WEEKS)))
        return Markup(escape(_("Tidak ada jam kosong dengan lama yang sama pada hari yang "
                               "sama (jam %(hours)s).", hours=hours)))
    buttons = Markup(" ").join(
        Markup('<button type="button" class="btn btn-sm btn-outline-primary mr-1 mt-1" '
               'data-slot-start="{}" data-slot-end="{}"{}>{}</button>').format(
            format_time(slot.start), format_time(slot.end),
            Markup(' data-slot-date="{}"').format(format_date(slot.day)) if slot.day else "",
            slot.label())
        for slot in slots)
    intro = _("Waktu kosong berikutnya (hari yang sama, lama yang sama, jam %(hours)s):",
              hours=hours)
    return Markup("{} {}").format(intro, buttons)


def form_record(form, record_id: int | None, *names: str) -> SimpleNamespace:
    """The submitted values of ``names`` as an object the schedule service can read."""
    values = {name: form[name].data for name in names if name in form}
    return SimpleNamespace(id=record_id, **values)
