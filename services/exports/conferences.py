"""The case conference log: every conference of the month with attendees, clients and
decisions (the minutes only where the reader may read them)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, literal, select
from sqlalchemy.orm import aliased

from models import CaseConference, Client, Staff, db
from models.choices import CONFERENCE_KINDS
from models.conference import conference_attendee, conference_client

from ..conferences import MINUTES_HIDDEN
from .base import Context, stream_rows


def _minutes(column: Any, readable: Any) -> Any:
    """``column`` where ``readable`` holds (None: everywhere), else the "hidden" note."""
    if readable is None:
        return column
    return case((readable, column), else_=literal(str(MINUTES_HIDDEN))).label(column.key)


def conference_rows(ctx: Context, where: list[Any] | None = None, readable: Any = None):
    """The month's conferences (within ``where``), each with its attendees and clients
    discussed as text; a few names per meeting, read in two more queries. The summary and
    decisions texts only where ``readable`` holds (``services.scopes.minutes_condition``)."""
    chair = aliased(Staff)
    conferences = (
        select(CaseConference.id, CaseConference.date, CaseConference.start_time,
               CaseConference.end_time, CaseConference.kind, CaseConference.location,
               chair.name.label("chair"), _minutes(CaseConference.summary, readable),
               _minutes(CaseConference.decisions, readable))
        .outerjoin(chair, chair.id == CaseConference.chair_id)
        .where(CaseConference.date.between(ctx.first, ctx.last), *(where or []))
        .order_by(CaseConference.date, CaseConference.start_time, CaseConference.id)
    )
    ids = select(CaseConference.id).where(CaseConference.date.between(ctx.first, ctx.last),
                                          *(where or []))
    people: dict[int, list[str]] = defaultdict(list)
    for conference_id, name, core in db.session.execute(
        select(conference_attendee.c.conference_id, Staff.name, Staff.is_core_member)
        .join(Staff, Staff.id == conference_attendee.c.staff_id)
        .where(conference_attendee.c.conference_id.in_(ids)).order_by(Staff.name)
    ):
        people[conference_id].append(_("%(name)s (inti)", name=name) if core else name)
    discussed: dict[int, list[str]] = defaultdict(list)
    for conference_id, number, name in db.session.execute(
        select(conference_client.c.conference_id, Client.register_number, Client.full_name)
        .join(Client, Client.id == conference_client.c.client_id)
        .where(conference_client.c.conference_id.in_(ids)).order_by(Client.full_name)
    ):
        discussed[conference_id].append(f"{number} {name}")
    for row in stream_rows(conferences):
        hours = (f"{row.start_time:%H:%M}–{row.end_time:%H:%M}"
                 if row.start_time and row.end_time else "")
        yield row, hours, "\n".join(people[row.id]), "\n".join(discussed[row.id])


def conference_log(path: str, ctx: Context, where: list[Any] | None = None,
                   readable: Any = None) -> int:
    """Every case conference of the month with attendees, clients and decisions."""
    count = 0
    with ctx.report(path, _("Log Konferensi Kasus")) as book:
        sheet = book.sheet(_("Konferensi kasus"), [
            _("No"), _("Tanggal"), _("Jam"), _("Jenis KK"), _("Tempat"), _("Pimpinan rapat"),
            _("Peserta"), _("Klien dibahas"), _("Ringkasan"), _("Keputusan")],
            freeze_columns=2)
        for row, hours, people, discussed in conference_rows(ctx, where, readable):
            count += 1
            sheet.row([count, row.date, hours, CONFERENCE_KINDS.label(row.kind), row.location,
                       row.chair, people, discussed, row.summary, row.decisions])
        sheet.finish()
    return count

