"""Demo selection: every admitted client was accepted; of the candidates (stage 1), one has
its criteria checked and the family's consent waived by the head, the others wait."""

from __future__ import annotations

from sqlalchemy import select

from models import DocumentType, LetterWaiver, Selection, User, db
from models.choices import Stage
from services.selection import CRITERIA, LETTERS

from .base import Demo


def ensure_selection(demo: Demo) -> int:
    done = set(db.session.scalars(select(Selection.client_id)))
    head = db.session.scalar(select(User).where(User.role == "head"))
    consent = db.session.scalar(select(DocumentType).where(DocumentType.name == LETTERS[3]))
    candidates = [c for c in demo.clients if c.stage == Stage.APPROACH]
    for client in demo.clients:
        if client.id in done or client.stage == Stage.APPROACH:
            continue
        db.session.add(Selection(client=client, decision="accepted",
                                 decided_on=client.admission_date or demo.today,
                                 decided_by=head, **{name: True for name, _label in CRITERIA}))
    if candidates and candidates[0].id not in done and consent is not None:
        first = candidates[0]
        db.session.add(Selection(client=first, checked_on=demo.today, checked_by=head,
                                 **{name: True for name, _label in CRITERIA}))
        db.session.add(LetterWaiver(client_id=first.id, type_id=consent.id,
                                    reason="Tidak ada keluarga yang dapat dihubungi.",
                                    waived_by=head, waived_on=demo.today))
    return len(demo.clients)
