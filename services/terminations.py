"""Termination steps (DOMAIN stage 9), written once: the statement letter, the hand-over of
the productive-business aid package, and closing the case record — by the client's social
worker, confirmed by the head. A closed case is read-only except for aftercare."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import Client, Staff, Termination, db

from .dates import today as panti_today
from .errors import Refusal
from .rules import Problem, StoredCheck, blank, in_future, not_before, required

LABELS = {"client": _l("Klien"), "letter_date": _l("Tanggal surat pernyataan terminasi"),
          "statement": _l("Isi pernyataan"), "aid_recipient": _l("Penerima paket bantuan"),
          "aid_handed_on": _l("Tanggal serah terima"),
          "aid_handed_by": _l("Diserahkan oleh"),
          "no_aid_reason": _l("Alasan tanpa paket bantuan"), "aid_items": _l("Isi paket")}
# Who leaves having reached the programme's end takes the aid package home; who left
# another way closes without it, with the reason written.
AID_REASONS = ("goals_achieved", "period_ended")


class TerminationRefused(Refusal):
    """A termination step refused, with the user's message."""


def termination_problems(values: Mapping[str, Any], *,
                         current: Termination | None = None) -> list[Problem]:
    """Every reason the termination record ``values`` cannot be saved: a record of a client
    who was terminated, not changed once closed, the letter and the hand-over not before
    the termination nor in the future, a hand-over that names its recipient and day."""
    problems: list[Problem] = []
    if current is not None and current.id is not None and current.closed_on is not None:
        return [Problem("_closed", closed_message())]
    client = db.session.get(Client, values["client"]) if values.get("client") else None
    if "client" in values and client is None:
        problems.append(Problem("client", required()))
    elif client is not None and client.termination_date is None:
        problems.append(Problem("client", _(
            "Langkah terminasi dicatat untuk klien yang sudah diterminasi.")))
    ended = client.termination_date if client is not None else None
    today = panti_today()
    for name in ("letter_date", "aid_handed_on"):
        day = values.get(name)
        if refused := in_future(day, today) or not_before(day, ended, _("tanggal terminasi")):
            problems.append(Problem(name, refused))
    items = [row for row in values.get("aid_items") or () if not blank(row.get("item"))]
    if items or values.get("aid_handed_on"):
        for name in ("aid_recipient", "aid_handed_on"):
            if name in values and blank(values[name]):
                problems.append(Problem(name, _(
                    "Isi %(field)s: serah terima paket bantuan mencatat siapa menerima dan "
                    "kapan.", field=str(LABELS[name]).lower())))
    return problems


def closed_message() -> str:
    return _("Berkas kasus klien ini sudah ditutup; hanya bimbingan lanjut yang masih dapat "
             "dicatat.")


def missing_for_closing(record: Termination) -> list[str]:
    """What the case record still needs before it is closed (empty: it may close)."""
    missing = []
    if record.letter_date is None:
        missing.append(_("surat pernyataan terminasi (tanggalnya)"))
    handed = record.aid_handed_on is not None and bool(record.aid_items)
    if record.client.termination_reason in AID_REASONS and not handed and \
            blank(record.no_aid_reason):
        missing.append(_("serah terima paket bantuan usaha (isi paket, penerima, tanggal), "
                         "atau alasan tanpa paket bantuan"))
    return missing


def close(record: Termination, staff: Staff | None) -> None:
    """The social worker closes the case record: refused with every missing piece."""
    if record.closed_on is not None:
        raise TerminationRefused(_("Berkas kasus ini sudah ditutup."))
    if missing := missing_for_closing(record):
        raise TerminationRefused(_("Berkas belum dapat ditutup; masih perlu: %(list)s.",
                                   list="; ".join(missing)))
    record.closed_on = panti_today()
    record.closed_by_id = staff.id if staff is not None else None


def reopen(record: Termination) -> None:
    """The head reopens a closed record not confirmed yet (a piece was wrong)."""
    if record.closed_on is None or record.confirmed_on is not None:
        raise TerminationRefused(_("Hanya berkas yang ditutup dan belum dikonfirmasi yang "
                                   "dapat dibuka kembali."))
    record.closed_on = record.closed_by_id = None


def confirm(record: Termination, staff: Staff | None) -> None:
    """The head confirms the closing; from then on it stands."""
    if record.closed_on is None:
        raise TerminationRefused(_("Berkas harus ditutup pekerja sosial sebelum "
                                   "dikonfirmasi."))
    if record.confirmed_on is not None:
        raise TerminationRefused(_("Penutupan berkas ini sudah dikonfirmasi."))
    record.confirmed_on = panti_today()
    record.confirmed_by_id = staff.id if staff is not None else None


def case_closed(client_id: int | None) -> bool:
    """Whether the client's case record is closed (read-only except for aftercare)."""
    return client_id is not None and db.session.scalar(
        select(Termination.id).where(*Termination.of_current_stay(client_id),
                                     Termination.closed_on.is_not(None))) is not None


def _stored() -> Iterator[tuple[str, list[Problem]]]:
    for record in db.session.scalars(
            select(Termination).options(joinedload(Termination.client))
            .order_by(Termination.id)):
        problems = termination_problems({
            "client": record.client_id, "letter_date": record.letter_date,
            "aid_handed_on": record.aid_handed_on})
        if record.closed_on is not None:
            problems += [Problem("_closed", _("ditutup tanpa %(piece)s", piece=piece))
                         for piece in missing_for_closing(record)]
        if problems:
            yield str(record), problems


CHECK = StoredCheck(lambda: _("Terminasi"), _stored, lambda: {**LABELS, "_closed": _(
    "Penutupan berkas")})
