"""Admitting a person again (models/stay.py): the stay that ended is kept as it was, and
the client begins a new stay at stage 1 (selection), with the same register number.

One function does it for the duplicate check's "same person" choice, the client page's
"Terima kembali" button and a command, so the rule lives here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, union_all

from models import Client, ClientStay, DuplicateDecision, StageMove, User, db
from models.choices import Stage

from .dates import today as panti_today
from .errors import Refusal
from .lifecycle import CANDIDATE_EXIT_ROLES
from .rules import in_future, not_before

# Who admits a person again: who records a candidate's coming and going, the admin and
# the head (services/lifecycle.py).
READMIT_ROLES = CANDIDATE_EXIT_ROLES
# Where a stay has ended: terminated, or in aftercare after the termination.
ENDED_STAGES = (Stage.TERMINATION, Stage.AFTERCARE)
# The fields of the client row that belong to a stay: kept in ``client_stay`` and emptied.
STAY_FIELDS = ("cohort", "admission_date", "stage", "referral_source", "arrival_condition",
               "belongings", "social_worker_id", "room_id", "termination_date",
               "termination_reason")
NOTE_MAX = 500


class ReadmitRefused(Refusal):
    """A person who may not be admitted again now, with the reason."""


def may_readmit(user: User | None) -> bool:
    return user is None or user.role in READMIT_ROLES


def ended(client: Client) -> bool:
    """Whether the client's current stay has ended (a new stay may begin)."""
    return client.stage in ENDED_STAGES and client.termination_date is not None


def refusal(client: Client, user: User | None, day: date | None = None) -> str | None:
    """Why ``client`` may not be admitted again by ``user`` on ``day``, or None."""
    if not may_readmit(user):
        return _("Penerimaan kembali dilakukan oleh tata usaha atau pimpinan.")
    if not ended(client):
        return _("%(client)s masih dalam pelayanan panti; penerimaan kembali hanya untuk "
                 "klien yang sudah diterminasi.", client=client.full_name)
    day = day or panti_today()
    return in_future(day, panti_today()) or \
        not_before(day, client.termination_date, _("tanggal terminasi"))


def readmit(client: Client, user: User | None, *, note: str | None = None,
            day: date | None = None, actor: str | None = None,
            shown: Iterable[str] = ()) -> ClientStay:
    """Begin the client's next stay (not committed): the ended stay is written to
    ``client_stay`` unchanged, the stay's fields on the client are emptied, the client is a
    candidate again (stage 1) and the move is on the timeline. ``shown``: the matches the
    duplicate check showed, when the choice "same person" was made there (recorded)."""
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise ReadmitRefused(_("Catatan paling banyak %(n)s karakter (terisi %(m)s).",
                               n=NOTE_MAX, m=len(note)))
    if refused := refusal(client, user, day):
        raise ReadmitRefused(refused)
    day = day or panti_today()
    previous = ClientStay(client_id=client.id, number=client.stay,
                          **{name: getattr(client, name) for name in STAY_FIELDS})
    db.session.add(previous)
    source = client.stage
    for name in STAY_FIELDS:
        setattr(client, name, None)
    client.stage = Stage.APPROACH
    client.stay += 1
    db.session.add(StageMove(
        client=client, stay=client.stay, from_stage=source, to_stage=Stage.APPROACH,
        moved_on=day, moved_by_id=user.id if user is not None else None, actor=actor,
        note=note or _("Diterima kembali: masa tinggal ke-%(n)s.", n=client.stay)))
    if shown:
        db.session.add(DuplicateDecision(
            client_id=client.id, choice="same", shown=", ".join(shown)[:255],
            decided_by_id=user.id if user is not None else None))
    return previous


def earlier(client: Client) -> list[ClientStay]:
    """The client's stays that ended before the current one, the first first."""
    return list(db.session.scalars(
        select(ClientStay).where(ClientStay.client_id == client.id)
        .order_by(ClientStay.number)))


def of_earlier_stay(record) -> bool:
    """Whether ``record`` (a case record, models/stay.py) belongs to a stay that ended
    before its client's current one: such records are read only."""
    stay = getattr(record, "stay", None)
    client_id = getattr(record, "client_id", None)
    if stay is None or client_id is None:
        return False
    current = db.session.scalar(select(Client.stay).where(Client.id == client_id))
    return current is not None and stay < current


def earlier_message() -> str:
    return _("Data ini milik masa tinggal klien yang sudah berakhir; data itu hanya dapat "
             "dibaca. Catat di masa tinggal yang sekarang.")


def all_stays():
    """Every stay — the current one of each client and those that ended — as rows
    (client id, sex, district, register number, stage, admission date, termination date and
    reason): what the census and the Dasbor count admissions and exits from."""
    current = select(
        Client.id.label("client_id"), Client.sex.label("sex"),
        Client.district_of_origin.label("district"),
        Client.register_number.label("register_number"), Client.stage.label("stage"),
        Client.admission_date.label("admission_date"),
        Client.termination_date.label("termination_date"),
        Client.termination_reason.label("termination_reason"))
    ended_stays = select(
        ClientStay.client_id, Client.sex, Client.district_of_origin, Client.register_number,
        ClientStay.stage, ClientStay.admission_date, ClientStay.termination_date,
        ClientStay.termination_reason,
    ).join(Client, Client.id == ClientStay.client_id)
    return union_all(current, ended_stays).subquery("stay")

