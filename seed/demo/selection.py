"""Demo selection: every admitted client was accepted; of the candidates (stage 1), one has
its criteria checked and the family's consent waived by the head, one was found not eligible
and left before admission, the others wait."""

from __future__ import annotations

from sqlalchemy import select

from models import DocumentType, LetterWaiver, Selection, StageMove, User, db
from models.choices import Stage
from services.selection import CRITERIA, LETTERS

from .base import Demo


def ensure_selection(demo: Demo) -> int:
    done = set(db.session.scalars(select(Selection.client_id)))
    head = db.session.scalar(select(User).where(User.role == "head"))
    consent = db.session.scalar(select(DocumentType).where(DocumentType.name == LETTERS[3]))
    # The candidates in register order: those without a number (one who left from stage 1
    # keeps none), so the choice below is the same on every load.
    candidates = [c for c in demo.clients if c.register_number is None]
    for client in demo.clients:
        if client.id in done or client.register_number is None:
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
    if len(candidates) > 1 and candidates[-1].id not in done:
        _not_eligible(demo, candidates[-1], head)
    return len(demo.clients)


def _not_eligible(demo: Demo, client, head) -> None:
    """A candidate the head found not eligible, who then left before admission."""
    decided = demo.today  # met this week: the demo's candidates arrived today
    db.session.add(Selection(client=client, decision="not_eligible", decided_on=decided,
                             decided_by=head, checked_on=decided, checked_by=head,
                             reason="Sedang menjalani proses hukum di Polsek setempat.",
                             not_in_legal_proceedings=False))
    client.stage, client.termination_reason = Stage.TERMINATION, "not_eligible"
    client.termination_date = decided
    db.session.add(StageMove(client=client, from_stage=Stage.APPROACH,
                             to_stage=Stage.TERMINATION, moved_on=client.termination_date,
                             actor="flask seed-demo", reason="not_eligible",
                             note="Tidak lolos seleksi"))
