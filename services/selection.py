"""Selection (stage 1): the four letters — received as documents, or waived by the head
with a reason —, the four criteria checked by whom and when, and the head's decision. The
stage machine admits only a candidate the head accepted (services/lifecycle.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import (
    Client,
    ClientDocument,
    DocumentType,
    LetterWaiver,
    Selection,
    User,
    db,
)
from models.choices import Role, Stage

from .dates import today as panti_today
from .documents import DEFAULT_TYPES
from .errors import Refusal

LETTERS = DEFAULT_TYPES[:4]  # health, Dinas Sosial referral, village head, family consent
CRITERIA = (
    ("mentally_healthy", _l("Sehat jiwa")),
    ("no_infection_or_disability", _l("Tidak berpenyakit menular atau cacat berat")),
    ("not_in_legal_proceedings", _l("Tidak sedang dalam proses hukum")),
    ("productive_age", _l("Usia produktif")),
)
REASON_MAX = 500


class SelectionRefused(Refusal):
    """A selection step that may not be taken, with the reason."""


@dataclass
class Letter:
    """One of the four letters for a candidate: received (the document), waived, or not."""

    document_type: DocumentType
    document: ClientDocument | None
    waiver: LetterWaiver | None

    @property
    def settled(self) -> bool:
        return self.document is not None or self.waiver is not None


def letters(client: Client) -> list[Letter]:
    """The four letters in their order (three queries)."""
    kinds = {kind.name: kind for kind in db.session.scalars(
        select(DocumentType).where(DocumentType.name.in_(LETTERS)))}
    documents = {doc.type_id: doc for doc in db.session.scalars(
        select(ClientDocument).where(*ClientDocument.of_stay(client)))}
    waivers = {waiver.type_id: waiver for waiver in db.session.scalars(
        select(LetterWaiver).where(*LetterWaiver.of_stay(client)))}
    return [Letter(kinds[name], documents.get(kinds[name].id), waivers.get(kinds[name].id))
            for name in LETTERS if name in kinds]


def selection_of(client: Client) -> Selection:
    found = db.session.scalar(select(Selection).where(*Selection.of_stay(client)))
    if found is None:
        found = Selection(client=client)
        db.session.add(found)
    return found


def _reason(text: str | None) -> str:
    reason = (text or "").strip()
    if not reason:
        raise SelectionRefused(_("Tuliskan alasannya."))
    if len(reason) > REASON_MAX:
        raise SelectionRefused(_("Alasan paling banyak %(n)s karakter.", n=REASON_MAX))
    return reason


def _candidate(client: Client) -> None:
    if client.stage != Stage.APPROACH:
        raise SelectionRefused(_("Seleksi hanya untuk calon klien pada tahap 1. Pendekatan "
                                 "awal."))


def check_criteria(client: Client, answers: dict[str, bool], user: User) -> Selection:
    """Record the four criteria as checked now by ``user`` (not committed)."""
    _candidate(client)
    record = selection_of(client)
    if record.decision is not None:
        raise SelectionRefused(_("Seleksi sudah diputuskan."))
    for name, _label in CRITERIA:
        setattr(record, name, bool(answers.get(name)))
    record.checked_by_id, record.checked_on = user.id, panti_today()
    return record


def waive(client: Client, type_id: int | None, reason: str | None, user: User) -> LetterWaiver:
    """The head waives a missing letter, with the reason (not committed)."""
    _candidate(client)
    if user.role != Role.HEAD:
        raise SelectionRefused(_("Hanya pimpinan yang dapat membebaskan surat."))
    letter = next((item for item in letters(client) if item.document_type.id == type_id), None)
    if letter is None:
        raise SelectionRefused(_("Surat ini bukan surat seleksi."))
    if letter.settled:
        raise SelectionRefused(_("Surat ini sudah ada atau sudah dibebaskan."))
    waiver = LetterWaiver(client_id=client.id, type_id=type_id, reason=_reason(reason),
                          waived_by_id=user.id, waived_on=panti_today())
    db.session.add(waiver)
    return waiver


def missing(client: Client) -> list[str]:
    """What stands before accepting the candidate: letters neither received nor waived,
    criteria not checked or not met."""
    found = [_("Surat belum ada: %(name)s.", name=letter.document_type.name)
             for letter in letters(client) if not letter.settled]
    record = db.session.scalar(select(Selection).where(*Selection.of_stay(client)))
    for name, label in CRITERIA:
        if record is None or getattr(record, name) is not True:
            found.append(_("Kriteria belum terpenuhi: %(name)s.", name=str(label)))
    return found


def decide(client: Client, accepted: bool, reason: str | None, user: User) -> Selection:
    """The head's decision (not committed): accepted when every letter is received or
    waived and every criterion met; not eligible with the reason."""
    _candidate(client)
    if user.role != Role.HEAD:
        raise SelectionRefused(_("Keputusan seleksi diambil oleh pimpinan."))
    if accepted and (lacking := missing(client)):
        raise SelectionRefused(" ".join([_("Belum dapat diterima:"), *lacking]))
    record = selection_of(client)
    record.decision = "accepted" if accepted else "not_eligible"
    record.reason = ((reason or "").strip() or None) if accepted else _reason(reason)
    record.decided_by_id, record.decided_on = user.id, panti_today()
    return record


def decision(client: Client) -> str | None:
    """The head's selection decision on ``client``: accepted, not_eligible, or None."""
    return db.session.scalar(select(Selection.decision).where(
        *Selection.of_stay(client)))


def accepted(client: Client) -> bool:
    return decision(client) == "accepted"


def not_eligible(client: Client) -> bool:
    return decision(client) == "not_eligible"
