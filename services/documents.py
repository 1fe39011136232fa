"""Documents on a client's file: the kinds the panti keeps, and storing and serving scans."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from models import ClientDocument, DocumentType, db

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
    "Surat pernyataan terminasi",
)


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
