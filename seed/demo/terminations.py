"""Demo termination steps: each client who left with the goals achieved has the statement
letter; those in aftercare also the aid package handed over and the case record closed and
confirmed; the latest one in stage 9 waits to be closed."""

from __future__ import annotations

from sqlalchemy import select

from models import AidItem, Termination, db
from models.choices import Stage

from .base import Demo

PACKAGES = (
    (("Mesin las listrik 900 watt", 2_450_000), ("Kedok dan sarung tangan las", 320_000)),
    (("Mesin jahit portabel", 1_850_000), ("Gunting, meteran dan benang", 175_000)),
    (("Gerobak dorong", 1_200_000), ("Wajan, kompor dan tabung gas", 650_000)),
)


def ensure_terminations(demo: Demo) -> int:
    """The records, found by client or added."""
    have = set(db.session.scalars(select(Termination.client_id)))
    head = demo.staff.get("head")
    ended = [c for c in demo.clients if c.termination_reason == "goals_achieved"
             and c.termination_date and c.stage in (Stage.TERMINATION, Stage.AFTERCARE)]
    for number, client in enumerate(ended):
        if client.id in have:
            continue
        record = Termination(client_id=client.id, letter_date=client.termination_date,
                             statement="Tujuan pelayanan tercapai; klien siap hidup mandiri "
                                       "di tengah keluarga dan masyarakat.")
        if client.stage == Stage.AFTERCARE:
            items = PACKAGES[number % len(PACKAGES)]
            record.aid_items = [AidItem(position=i, item=item, value=value)
                                for i, (item, value) in enumerate(items, start=1)]
            record.aid_recipient = client.full_name
            record.aid_handed_on = client.termination_date
            record.aid_handed_by_id = client.social_worker_id
            record.closed_on = client.termination_date
            record.closed_by_id = client.social_worker_id
            record.confirmed_on = client.termination_date
            record.confirmed_by_id = head.id if head else None
        db.session.add(record)
    return len(ended)
