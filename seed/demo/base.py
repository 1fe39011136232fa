"""What every section of the demo data shares: the seed, the date helpers, the client
sampling and the ``Demo`` state handed from section to section."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from models import Client, Staff, db

SEED = 2026
# One random stream per section, drawn up front in this order: a section whose rows already
# exist then cannot shift what a later section draws.
STREAMS = ("clients", "training", "attendance", "recreation", "guidance", "conference", "contract",
           "case_note")  # append only: earlier streams keep their seeds


def add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` away from ``first`` (a first of a month)."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def next_isoweekday(day: date, isoweekday: int) -> date:
    """``day`` itself or the next date falling on ``isoweekday``."""
    return day + timedelta(days=(isoweekday - day.isoweekday()) % 7)


def workday_before(day: date) -> date:
    """``day``, or the Friday before when it falls on a weekend."""
    while day.isoweekday() > 5:
        day -= timedelta(days=1)
    return day


def present_on(client: Client, day: date) -> bool:
    """Whether ``client`` lived in the panti on ``day`` (admitted, not yet terminated)."""
    return (
        client.admission_date is not None
        and client.admission_date <= day
        and (client.termination_date is None or client.termination_date >= day)
    )


def sample_clients(rng: random.Random, pool: list[Client], low: int, high: int) -> list[Client]:
    """Between ``low`` and ``high`` clients of ``pool`` (fewer when the pool is small)."""
    wanted = min(rng.randint(low, high), len(pool))
    return sorted(rng.sample(pool, wanted), key=lambda c: (c.register_number or "", c.full_name))


def ensure_named(model: Any, rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Rows of ``model`` by their unique ``name``, creating the missing ones."""
    rows = list(rows)
    names = [row["name"] for row in rows]
    query = select(model).where(model.name.in_(names))
    found = {obj.name: obj for obj in db.session.scalars(query)}
    for row in rows:
        if row["name"] not in found:
            found[row["name"]] = model(**row)
            db.session.add(found[row["name"]])
    return found


@dataclass
class Demo:
    """What every section needs: the dates everything hangs off and the shared rows."""

    today: date
    first: date  # first day of today's month
    streams: dict[str, random.Random]
    staff: dict[str, Staff] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)

    @property
    def prev_first(self) -> date:
        return add_months(self.first, -1)
