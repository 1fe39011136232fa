"""Documents on a client's file: the kinds the panti keeps, and storing and serving scans."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from models import CaseNote, ClientDocument, DocumentType, User, db

from .errors import Refusal
from .uploads import remove_on_commit, store_scan

# The kinds every panti keeps (the selection's four letters first); the admin adds more.
DEFAULT_TYPES = (
    "Surat keterangan sehat (dokter pemerintah/Puskesmas)",
    "Surat rujukan Dinas Sosial",
    "Surat keterangan Kepala Desa/Kelurahan",
    "Surat persetujuan keluarga",
    "KTP",
    "Kartu Keluarga",
    "Laporan asesmen",
    "Lampiran asesmen",
    "Surat pernyataan terminasi",
)
# The kind of an assessment note's attachment (a genogram, an ecomap, a test sheet).
ATTACHMENT_TYPE = "Lampiran asesmen"
NOTE_MAX = 500  # an attachment's note: what the file is


def ensure_default_types() -> list[DocumentType]:
    """The default kinds, added where missing (idempotent); all kinds in their order."""
    have = set(db.session.scalars(select(DocumentType.name)))
    for position, name in enumerate(DEFAULT_TYPES, start=1):
        if name not in have:
            db.session.add(DocumentType(name=name, position=position * 10))
    db.session.flush()
    return list(db.session.scalars(select(DocumentType).order_by(DocumentType.position,
                                                                 DocumentType.name)))


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "documents"


def attach(document: ClientDocument, upload: FileStorage | None) -> bool:
    """Keep ``upload`` as the document's scan (checked as a contract scan is; the file it
    replaces goes once the change commits). False when no file was sent."""
    previous = document.file
    name = store_scan(db.session, upload, folder(),
                      current_app.config["CONTRACT_SCAN_MAX_BYTES"])
    if name is None:
        return False
    document.file = name
    document.original_name = secure_filename(upload.filename) or name
    if previous:
        remove_on_commit(db.session, folder() / previous)
    return True


def forget(document: ClientDocument) -> None:
    """The document's scan goes when its deletion commits."""
    if document.file:
        remove_on_commit(db.session, folder() / document.file)


def attach_to_note(note: CaseNote, upload: FileStorage | None, text: str | None,
                   user: User) -> ClientDocument:
    """Attach ``upload`` to the assessment note ``note`` (not committed): a document of the
    client's file of the kind *Lampiran asesmen*, read only by whom may read the note.
    Refused (with the reason) for another kind of note, without a file, for a file that is
    no PDF, JPEG or PNG or is too large, or with a note over its length."""
    if note.kind != "assessment":
        raise Refusal(_("Lampiran hanya untuk catatan asesmen."))
    if upload is None or not upload.filename:
        raise Refusal(_("Pilih berkas lampiran."))
    text = (text or "").strip() or None
    if text is not None and len(text) > NOTE_MAX:
        raise Refusal(_("Keterangan paling banyak %(n)s karakter (terisi %(m)s).",
                        n=NOTE_MAX, m=len(text)))
    kind = db.session.scalar(select(DocumentType).where(DocumentType.name == ATTACHMENT_TYPE))
    if kind is None:  # removed or renamed in Pengaturan: the attachments keep their kind
        kind = DocumentType(name=ATTACHMENT_TYPE, position=75)
    document = ClientDocument(client_id=note.client_id, case_note_id=note.id,
                              document_type=kind, issued_on=note.date, note=text,
                              uploaded_by_id=user.id)
    attach(document, upload)
    db.session.add(document)
    return document


def note_attachments(note_id: int, where: list) -> list[ClientDocument]:
    """The attachments of a case note that ``where`` (the reader's visibility) lets through."""
    return list(db.session.scalars(
        select(ClientDocument).where(ClientDocument.case_note_id == note_id, *where)
        .order_by(ClientDocument.uploaded_at, ClientDocument.id)))

