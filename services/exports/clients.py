"""The buku induk (client roster) of a month: every client in the panti at any time of it."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, union_all
from sqlalchemy.orm import aliased

from models import Client, ClientStay, Room, Staff
from models.choices import REFERRAL_SOURCES, RELIGIONS, STAGES, TERMINATION_REASONS

from .base import Context, in_panti_during, stream_rows

# The roster's columns, in order: heading and the client attribute (the import reads the
# same layout back).
ROSTER_COLUMNS = (
    (_l("Nomor induk"), "register_number"),
    (_l("Angkatan"), "cohort"),
    (_l("Nama lengkap"), "full_name"),
    (_l("L/P"), "sex"),
    (_l("Tempat lahir"), "birth_place"),
    (_l("Tanggal lahir"), "birth_date"),
    (_l("Agama"), "religion"),
    (_l("NIK"), "nik"),
    (_l("Nomor KK"), "family_card_number"),
    (_l("Alamat (sesuai KTP)"), "address"),
    (_l("Daerah asal"), "district_of_origin"),
    (_l("Nama wali/keluarga"), "guardian_name"),
    (_l("Hubungan"), "guardian_relation"),
    (_l("Telepon wali"), "guardian_phone"),
    (_l("Rujukan dari"), "referral_source"),
    (_l("Tanggal masuk"), "admission_date"),
    (_l("Tahap pelayanan"), "stage"),
    (_l("Kamar"), "room"),
    (_l("Pekerja sosial"), "social_worker"),
    (_l("Tanggal terminasi"), "termination_date"),
    (_l("Alasan terminasi"), "termination_reason"),
)
CODED = {"religion": RELIGIONS, "referral_source": REFERRAL_SOURCES, "stage": STAGES,
         "termination_reason": TERMINATION_REASONS}


# The roster's columns that belong to a stay (models/stay.py): an ended stay's are its own.
STAY_COLUMNS = ("cohort", "referral_source", "admission_date", "stage", "termination_date",
                "termination_reason")


def roster(path: str, ctx: Context) -> int:
    """Every stay in the panti at any time of the month, one row each: a person admitted
    again whose ended stay was in the month too has a row for it (its own admission, room
    and termination), before the current one."""
    query = union_all(_roster_rows(Client, ctx), _roster_rows(ClientStay, ctx)).subquery()
    query = select(query).order_by(query.c.register_number, query.c.admission_date)
    count = 0
    with ctx.report(path, _("Buku Induk Klien")) as book:
        sheet = book.sheet(_("Buku induk"), [_("No"), *(str(h) for h, _a in ROSTER_COLUMNS)],
                           freeze_columns=4)
        for row in stream_rows(query):
            count += 1
            values = row._mapping
            sheet.row([count, *(_roster_value(attr, values[attr])
                                for _h, attr in ROSTER_COLUMNS)])
        sheet.finish()
    return count


def _roster_rows(source, ctx: Context):
    """The roster's columns of the current stays (``Client``) or the ended ones
    (``ClientStay``, with the person's own fields from the client), in the month."""
    worker = aliased(Staff)
    columns = [getattr(source if attr in STAY_COLUMNS else Client, attr).label(attr)
               for _h, attr in ROSTER_COLUMNS if attr not in ("room", "social_worker")]
    query = select(*columns, Room.name.label("room"), worker.name.label("social_worker"))
    if source is ClientStay:
        query = query.select_from(ClientStay).join(Client, Client.id == ClientStay.client_id)
        during = in_panti_during(ctx.first, ctx.last, ClientStay)
    else:
        during = in_panti_during(ctx.first, ctx.last)
    return (query.outerjoin(Room, Room.id == source.room_id)
            .outerjoin(worker, worker.id == source.social_worker_id).where(during))


def _roster_value(attr: str, value: Any) -> Any:
    if attr in CODED and value is not None:
        return CODED[attr].label(value)
    return value

