"""Demo documents on clients' files: the kinds the panti keeps and a few scans."""

from __future__ import annotations

from sqlalchemy import select

from models import CaseNote, ClientDocument, db
from services import documents

from .base import Demo

# A one-page PDF standing in for a scan (the check reads its first bytes).
SCAN = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids"
        b"[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]"
        b">>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def ensure_documents(demo: Demo) -> int:
    """The default kinds, and for the first admitted clients the letters they came with: an
    ID card where they have a NIK, the Dinas Sosial's referral where it sent them (how many
    such documents the demo has; the missing ones are added)."""
    kinds = {kind.name: kind for kind in documents.ensure_default_types()}
    have = set(db.session.execute(select(ClientDocument.client_id, ClientDocument.type_id)))
    folder = documents.folder()
    folder.mkdir(parents=True, exist_ok=True)
    planned = 0
    # Clients ever admitted (a re-admitted one's new stay has no admission date yet).
    for client in [c for c in demo.clients if c.register_number is not None][:12]:
        admitted = client.admission_date or demo.today
        wanted = []
        if client.nik:
            wanted.append((kinds["KTP"], None))
        if client.referral_source == "dinsos":
            wanted.append((kinds["Surat rujukan Dinas Sosial"],
                           f"400/{client.id:03d}/Dinsos/{admitted:%Y}"))
        planned += len(wanted)
        for kind, number in wanted:
            if (client.id, kind.id) in have:
                continue
            name = f"demo-{client.register_number}-{kind.id}.pdf"
            if not (folder / name).exists():
                (folder / name).write_bytes(SCAN)
            db.session.add(ClientDocument(client=client, document_type=kind, number=number,
                                          issued_on=admitted, file=name,
                                          original_name=name))
    return planned + _genogram(kinds[documents.ATTACHMENT_TYPE], folder)


def _genogram(kind, folder) -> int:
    """A genogram attached to the first social-aspect assessment note (read only by whom
    may read the note)."""
    note = db.session.scalar(select(CaseNote).where(
        CaseNote.kind == "assessment", CaseNote.aspect == "social").order_by(CaseNote.id))
    if note is None:
        return 0
    if db.session.scalar(select(ClientDocument.id).where(
            ClientDocument.case_note_id == note.id)) is None:
        name = f"demo-genogram-{note.id}.pdf"
        if not (folder / name).exists():
            (folder / name).write_bytes(SCAN)
        db.session.add(ClientDocument(client_id=note.client_id, case_note_id=note.id,
                                      document_type=kind, issued_on=note.date, file=name,
                                      original_name="genogram.pdf",
                                      note="Genogram keluarga tiga generasi"))
    return 1
