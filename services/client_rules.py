"""The rules a client's registration obeys, written once.

``client_problems`` is called by the client form (each problem shown next to its field), by
the roster import (each problem on the row, after the column's name), by ``flask check-data``
over the stored roster and by anything later that saves a client. The database constraints
stay behind it as the last guard.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import String, select

from models import Client, Room, db
from models.choices import (
    ACTIVE_STAGES,
    REFERRAL_SOURCES,
    RELIGIONS,
    SEXES,
    STAGES,
    TERMINATION_REASONS,
    Choices,
    Stage,
)

from .clients import ALLOWED, DIGITS_16, PHONE, nik_problem
from .dates import today as panti_today
from .rules import Problem, StoredCheck, in_future, invalid_choice, not_before, required

VOCABULARIES: dict[str, Choices] = {
    "sex": SEXES, "religion": RELIGIONS, "stage": STAGES, "referral_source": REFERRAL_SOURCES,
    "termination_reason": TERMINATION_REASONS,
}
REQUIRED = ("full_name", "sex", "stage")
# Fields with a rule of their own about their length (codes, 16 digits, register number).
_OWN_RULE = {"register_number", "nik", "family_card_number", "photo", *VOCABULARIES}
# Free text: at most as long as its column (a longer name could no longer be edited).
TEXT_LIMITS: dict[str, int] = {
    column.key: column.type.length for column in Client.__table__.columns
    if isinstance(column.type, String) and column.type.length and column.key not in _OWN_RULE
}


@dataclass(frozen=True)
class RoomFacts:
    id: int
    name: str
    sex: str
    capacity: int
    occupancy: int  # active clients living there (``Room.occupancy``: the model's count)


class Facts:
    """What the rules check a client against besides its own values: rooms, who lives in
    them, the NIKs already registered.

    By default each question is one query (a form saves one client). ``preloaded()`` reads
    everything in three queries and ``place``/``claim_nik`` add the records of a batch as
    it is checked, so the rows of one import count against each other (an import).
    """

    def __init__(self) -> None:
        self._rooms: dict[int, RoomFacts] = {}
        self._occupants: dict[int, int] | None = None
        self._niks: dict[str, tuple[int | None, str]] | None = None

    @classmethod
    def preloaded(cls, empty_rooms: bool = False) -> Facts:
        """Everything at once; ``empty_rooms``: count only the clients ``place``d since
        (checking the stored roster, where everyone is placed in turn)."""
        facts = cls()
        facts._rooms = {room.id: room for room in _room_facts(select(Room))}
        facts._occupants = {} if empty_rooms else {
            room.id: room.occupancy for room in facts._rooms.values()}
        facts._niks = {nik: (client_id, number or name)
                       for nik, client_id, number, name in db.session.execute(
                           select(Client.nik, Client.id, Client.register_number,
                                  Client.full_name).where(Client.nik.is_not(None)))}
        return facts

    def room(self, room_id: int) -> RoomFacts | None:
        if room_id not in self._rooms and self._occupants is None:
            for room in _room_facts(select(Room).where(Room.id == room_id)):
                self._rooms[room.id] = room
        return self._rooms.get(room_id)

    def occupants(self, room_id: int, current: Client | None) -> int:
        """Active clients living in ``room_id``, not counting ``current`` itself."""
        if self._occupants is not None:
            counted = self._occupants.get(room_id, 0)
        else:
            room = self.room(room_id)
            counted = room.occupancy if room is not None else 0
        if _lives_in(current, room_id):
            counted -= 1
        return counted

    def place(self, current: Client | None, room_id: int | None, stage: str | None) -> None:
        """A client of the batch being checked now lives in ``room_id`` (preloaded only)."""
        if self._occupants is None:
            return
        if current is not None and current.room_id is not None and _lives_in(
                current, current.room_id):
            self._occupants[current.room_id] = self._occupants.get(current.room_id, 1) - 1
        if room_id is not None and stage in ACTIVE_STAGES:
            self._occupants[room_id] = self._occupants.get(room_id, 0) + 1

    def nik_holder(self, nik: str, current: Client | None) -> str | None:
        """Another client who has ``nik``: their register number (a candidate, who has
        none yet: their name)."""
        if self._niks is None:
            query = select(Client.register_number, Client.full_name).where(Client.nik == nik)
            if current is not None and current.id is not None:
                query = query.where(Client.id != current.id)
            holder = db.session.execute(query).first()
            return (holder.register_number or holder.full_name) if holder else None
        holder = self._niks.get(nik)
        if holder is None or (current is not None and holder[0] == current.id):
            return None
        return holder[1]

    def claim_nik(self, nik: str | None, current: Client | None, number: str) -> None:
        """``nik`` now belongs to the batch's record ``number`` (preloaded only)."""
        if self._niks is None:
            return
        if current is not None and current.nik and current.nik != nik:
            self._niks.pop(current.nik, None)
        if nik:
            self._niks[nik] = (current.id if current is not None else None, number)


def _room_facts(query) -> list[RoomFacts]:
    rows = db.session.execute(query.with_only_columns(
        Room.id, Room.name, Room.sex, Room.capacity, Room.occupancy)).all()
    return [RoomFacts(*row) for row in rows]


def _lives_in(client: Client | None, room_id: int) -> bool:
    return client is not None and client.id is not None and client.room_id == room_id \
        and client.stage in ACTIVE_STAGES


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def client_problems(values: Mapping[str, Any], *, current: Client | None = None,
                    facts: Facts | None = None, today: date | None = None) -> list[Problem]:
    """Every reason the client ``values`` (field → value as stored; ``room`` is the room's
    id) cannot be saved, in the order of the form. ``current`` is the client being changed
    (None for a new one); a field missing from ``values`` is not checked."""
    facts = facts or Facts()
    today = today or panti_today()
    problems: list[Problem] = []

    def get(name: str) -> Any:
        value = values.get(name)
        return None if _blank(value) else value

    def refuse(name: str, message: str) -> None:
        problems.append(Problem(name, message))

    number = get("register_number")
    if number is not None and not ALLOWED.match(str(number)):
        refuse("register_number", _(
            "Nomor induk hanya boleh berisi huruf, angka, titik, garis miring, atau tanda "
            "hubung (maks. 20)."))
    for name in REQUIRED:
        if name in values and get(name) is None:
            refuse(name, required())
    cohort = get("cohort")
    if cohort is not None and (not isinstance(cohort, int) or isinstance(cohort, bool)
                               or cohort < 1):
        refuse("cohort", _("Harus bilangan bulat positif."))
    for name, limit in TEXT_LIMITS.items():
        text = get(name)
        if isinstance(text, str) and len(text) > limit:
            refuse(name, _("Isian tidak boleh lebih dari %(max)s karakter (terisi %(n)s).",
                           max=limit, n=len(text)))
    for name, vocabulary in VOCABULARIES.items():
        code = get(name)
        if code is not None and code not in vocabulary.codes:
            refuse(name, invalid_choice())

    sex, born = get("sex"), get("birth_date")
    admitted, ended = get("admission_date"), get("termination_date")
    if refused := in_future(born, today):
        refuse("birth_date", refused)
    nik = get("nik")
    if nik is not None:
        if not DIGITS_16.match(nik):
            refuse("nik", _("%(label)s harus tepat 16 angka (terisi %(n)s karakter).",
                            label=_("NIK"), n=len(nik)))
        elif problem := nik_problem(nik, sex, born):
            refuse("nik", problem)
        elif holder := facts.nik_holder(nik, current):
            refuse("nik", _("NIK sudah dipakai klien %(n)s.", n=holder))
    card = get("family_card_number")
    if card is not None and not DIGITS_16.match(card):
        refuse("family_card_number", _("%(label)s harus tepat 16 angka (terisi %(n)s "
                                       "karakter).", label=_("Nomor KK"), n=len(card)))
    phone = get("guardian_phone")
    if phone is not None and not PHONE.match(re.sub(r"[\s\-]", "", phone)):
        refuse("guardian_phone", _("Nomor telepon tidak valid (contoh: 0812 3456 7890)."))
    if refused := not_before(admitted, born, _("tanggal lahir")):
        refuse("admission_date", refused)
    room_id = get("room")
    if room_id is not None:
        problems.extend(_room_problems(room_id, sex, get("stage"), current, facts))
    if refused := not_before(ended, admitted, _("tanggal masuk")):
        refuse("termination_date", refused)
    if "termination_reason" in values or "termination_date" in values:
        reason = get("termination_reason")
        if (ended is None) != (reason is None):
            refuse("termination_reason", _("Isi tanggal dan alasan terminasi bersama-sama."))
        elif get("stage") in (Stage.TERMINATION, Stage.AFTERCARE) and reason is None:
            refuse("termination_reason", _(
                "Klien pada tahap terminasi atau bimbingan lanjut harus punya alasan "
                "terminasi."))
    return problems


def _room_problems(room_id: int, sex: str | None, stage: str | None, current: Client | None,
                   facts: Facts) -> list[Problem]:
    room = facts.room(room_id)
    if room is None:
        return [Problem("room", invalid_choice())]
    if room.sex in ("L", "P") and sex in ("L", "P") and room.sex != sex:
        return [Problem("room", _("%(room)s khusus %(sex)s.", room=room.name,
                                  sex=SEXES.label(room.sex).lower()))]
    if stage in ACTIVE_STAGES and facts.occupants(room_id, current) >= room.capacity:
        return [Problem("room", _("%(room)s sudah penuh (kapasitas %(capacity)s orang).",
                                  room=room.name, capacity=room.capacity))]
    return []


def stored_client_problems() -> Iterator[tuple[str, list[Problem]]]:
    """Every stored client whose registration breaks a rule of ``client_problems`` (data
    written before a rule existed, or around the console), named by register number and
    name, with its problems. Constant memory: clients are read in batches. In an over-full
    room the clients beyond its capacity, in register order, are the ones named."""
    facts = Facts.preloaded(empty_rooms=True)
    fields = [column.key for column in Client.__table__.columns
              if column.key not in ("id", "room_id", "social_worker_id", "row_version",
                                    "created_at", "updated_at")]
    for client in db.session.scalars(
            select(Client).order_by(Client.register_number).execution_options(yield_per=500)):
        values = {name: getattr(client, name) for name in fields}
        values["room"] = client.room_id
        facts.place(None, client.room_id, client.stage)  # counted with those before it
        problems = client_problems(values, current=client, facts=facts)
        if problems:
            yield f"{client.register_number} {client.full_name}", problems


def _labels() -> dict[str, str]:
    """The roster's column names: the words of the import and the export."""
    # Imported here: the reports need the stage machine, which needs these rules.
    from .exports import ROSTER_COLUMNS

    return {attr: str(header) for header, attr in ROSTER_COLUMNS}


CHECK = StoredCheck(lambda: _("Klien"), stored_client_problems, _labels)
