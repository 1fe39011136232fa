"""The calendar (kalender kegiatan): a week or a month of everything scheduled."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask import request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from models import Client, Staff, db
from models.choices import ACTIVE_STAGES
from services.dates import format_date, parse_date
from services.dates import today as panti_today
from services.inputs import parse_id
from services.permissions import OVERSEERS
from services.schedule import EVENT_KINDS, bookings_between, month_end
from services.scopes import calendar_scope, caseload, visible

from .attendance import sheet_url
from .base import SecureView

VIEWS = ("month", "week")


class CalendarView(SecureView):
    """Training sessions, guidance meetings, recreation and case conferences on one page,
    filterable by kind, staff member, place and client; prints on A4 landscape."""

    @expose("/")
    def index(self):
        today = panti_today()
        typed = (request.args.get("day") or "").strip()
        day, day_error = today, None
        if typed:
            try:  # dd/mm/yyyy as typed (/, - or .), or the ISO date of the page's links
                day = parse_date(typed)
            except ValueError as error:
                day_error = str(error)
        mode = request.args.get("view") if request.args.get("view") in VIEWS else "month"
        if mode == "month":
            first_of_month = day.replace(day=1)
            last_of_month = month_end(first_of_month)
            first = first_of_month - timedelta(days=first_of_month.isoweekday() - 1)
            last = last_of_month + timedelta(days=7 - last_of_month.isoweekday())
            prev_day = (first_of_month - timedelta(days=1)).replace(day=1)
            next_day = last_of_month + timedelta(days=1)
        else:
            first = day - timedelta(days=day.isoweekday() - 1)
            last = first + timedelta(days=6)
            first_of_month, last_of_month = first, last
            prev_day, next_day = first - timedelta(days=7), first + timedelta(days=7)

        kinds, where = calendar_scope()
        chosen_kind = request.args.get("kind", "")
        if chosen_kind in kinds:
            shown_kinds = [chosen_kind]
        else:
            chosen_kind, shown_kinds = "", kinds
        bookings = bookings_between(first, last, shown_kinds, where)

        staff_id = _int(request.args.get("staff_id"))
        client_id = _int(request.args.get("client_id"))
        place = (request.args.get("place") or "").strip()
        places = sorted({b.place.strip() for b in bookings if b.place}, key=str.casefold)
        if staff_id is not None:
            bookings = [b for b in bookings if staff_id in b.staff]
        if client_id is not None:
            bookings = [b for b in bookings if client_id in b.clients]
        if place:
            wanted = " ".join(place.split()).casefold()
            bookings = [b for b in bookings if b.place_key == wanted]

        by_day: dict[date, list] = defaultdict(list)
        reads_all = current_user.role in OVERSEERS
        mine = current_user.staff_id
        for booking in bookings:
            by_day[booking.day].append(booking)
            # A link only where it opens: the conference, or the attendance sheet of an
            # event the user leads (all of them for the admin and the head).
            if booking.record_id is None:
                booking.url = None  # a class meeting not generated as a session yet
            elif booking.kind == "conference":
                booking.url = url_for("conference.details_view", id=booking.record_id)
            elif reads_all or (mine is not None and mine in booking.staff):
                booking.url = sheet_url(booking.kind, booking.record_id, booking.day)
            else:
                booking.url = None
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        return self.render(
            "admin/calendar.html",
            mode=mode, day=day, today=today, day_error=day_error,
            day_text=typed if day_error else format_date(day), days=days, by_day=by_day,
            weeks=[days[i:i + 7] for i in range(0, len(days), 7)],
            first_of_month=first_of_month, last_of_month=last_of_month,
            prev_day=prev_day, next_day=next_day, count=len(bookings),
            kinds=[(kind, EVENT_KINDS.label(kind)) for kind in kinds], chosen_kind=chosen_kind,
            staff=_staff_choices(), staff_id=staff_id,
            clients=_client_choices(), client_id=client_id,
            places=places, place=place,
        )


def _int(text: str | None) -> int | None:
    return parse_id(text)


def _staff_choices() -> list[tuple[int, str]]:
    return db.session.execute(
        select(Staff.id, Staff.name).where(Staff.active.is_(True)).order_by(Staff.name)
    ).all()


def _client_choices() -> list[tuple[int, str]]:
    """Clients living in the panti that the user may see, of their caseload (a social
    worker: their own; an instructor: those in their classes)."""
    query = select(Client.id, Client.full_name, Client.register_number).where(
        Client.stage.in_(ACTIVE_STAGES), *visible(Client)).order_by(Client.full_name)
    if (ids := caseload()) is not None:
        query = query.where(Client.id.in_(ids))
    return [(row.id, f"{row.full_name} ({row.register_number})")
            for row in db.session.execute(query)]
