"""The rules a room (dormitory or group home) obeys, written once: the room form, ``flask
check-data`` and the database constraints' messages use these words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import Room, db
from models.choices import GROUP_HOME_MAX, ROOM_KINDS, ROOM_SEXES

from .rules import Problem, StoredCheck, blank, invalid_choice, required

LABELS = {"name": _l("Nama"), "kind": _l("Jenis"), "sex": _l("Untuk"),
          "capacity": _l("Kapasitas")}


def group_home_too_big() -> str:
    return _("Rumah kelompok berisi paling banyak %(n)s orang.", n=GROUP_HOME_MAX)


def room_problems(values: Mapping[str, Any], *, current: Room | None = None) -> list[Problem]:
    """Every reason the room ``values`` cannot be saved; ``current`` is the room being
    changed (None for a new one); a field missing from ``values`` is not checked."""
    problems: list[Problem] = []
    for name, vocabulary in (("kind", ROOM_KINDS), ("sex", ROOM_SEXES)):
        if name in values and not blank(values[name]) and values[name] not in vocabulary.codes:
            problems.append(Problem(name, invalid_choice()))
    if "capacity" not in values:
        return problems
    capacity = values["capacity"]
    if capacity is None:
        problems.append(Problem("capacity", required()))
    elif capacity < 1:
        problems.append(Problem("capacity", _("Kapasitas minimal 1.")))
    elif values.get("kind") == "group_home" and capacity > GROUP_HOME_MAX:
        problems.append(Problem("capacity", group_home_too_big()))
    elif current is not None and current.id is not None and capacity < (current.occupancy or 0):
        problems.append(Problem("capacity", _(
            "Kamar ini sedang ditempati %(n)s klien; kapasitas tidak boleh lebih kecil.",
            n=current.occupancy)))
    return problems


def _stored() -> Iterator[tuple[str, list[Problem]]]:
    for room in db.session.scalars(select(Room).order_by(Room.name)):
        problems = room_problems({"kind": room.kind, "sex": room.sex,
                                  "capacity": room.capacity}, current=room)
        if problems:
            yield room.name, problems


CHECK = StoredCheck(lambda: _("Kamar"), _stored, lambda: LABELS)
