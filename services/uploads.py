"""Uploaded files: photos checked by their bytes and decoded within bounds, and files that
stay on disk only when the transaction that refers to them commits.

Photos: the type is read from the first bytes (JPEG, PNG or WebP) *before* Pillow sees the
file, and Pillow may then use that one decoder only — a renamed EPS or any other format never
reaches a decoder (nor Ghostscript). The dimensions are checked before any pixel is decoded
(a JPEG is decoded at a reduced scale first), animations are refused, and what is stored is
a re-encoded JPEG (orientation applied, metadata such as GPS dropped) within the size limit.

Files: ``write_with_transaction`` writes a file now and removes it again unless the session's
transaction commits (a refused save, a lost race for a unique number, a crash mid-request);
``remove_on_commit`` deletes a replaced file only once the change is committed.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import IO

from flask_babel import gettext as _
from PIL import Image, ImageOps
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from .errors import Refusal

IMAGE_SIGNATURES = {  # Pillow format name → how such a file starts
    "JPEG": (b"\xff\xd8\xff",),
    "PNG": (b"\x89PNG\r\n\x1a\n",),
}
# Decoded pixels a photo may have (24 MP: 6000 × 4000); a JPEG counts at its reduced scale.
PHOTO_MAX_PIXELS = 24_000_000
PHOTO_MAX_SIDE = 1600  # pixels on the longer side of the stored photo: enough for an ID
_QUALITIES = (85, 75, 60, 45)


class PhotoRefused(Refusal):
    """A photo that cannot be accepted, with the message for the user."""


# --- scans: a signed contract, a letter, an identity card ------------------------------------

SCAN_TYPES = {  # extension → the bytes such a file starts with
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


class ScanRefused(Refusal):
    """A scan that cannot be accepted, with the message for the user."""


def scan_problem(filename: str, head: bytes, size: int, max_bytes: int) -> str | None:
    """Why an uploaded scan is refused (None: accepted): PDF, JPEG or PNG by name *and*
    content, and not larger than ``max_bytes``."""
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in SCAN_TYPES or not head.startswith(SCAN_TYPES[extension]):
        return _("Pindaian harus berkas PDF, JPEG atau PNG.")
    if size > max_bytes:
        return _("Pindaian terlalu besar (%(size)s KB); maksimal %(max)s KB.",
                 size=size // 1024, max=max_bytes // 1024)
    return None


def upload_problem(upload: FileStorage, max_bytes: int) -> str | None:
    """``scan_problem`` of an uploaded file (read from its first bytes and its size; the
    stream is left at its start)."""
    head = upload.stream.read(16)
    upload.stream.seek(0, io.SEEK_END)
    size = upload.stream.tell()
    upload.stream.seek(0)
    return scan_problem(upload.filename or "", head, size, max_bytes)


def store_scan(session: Session, upload: FileStorage | None, folder: Path,
               max_bytes: int) -> str | None:
    """Check the uploaded scan and keep it in ``folder`` until ``session``'s transaction ends
    without a commit; its name on disk is generated, never the uploader's. None: no file
    was sent. Raises ScanRefused with the reason."""
    if upload is None or not upload.filename:
        return None
    try:
        problem = upload_problem(upload, max_bytes)
        if problem:
            raise ScanRefused(problem)
        name = f"{uuid.uuid4().hex}.{upload.filename.rsplit('.', 1)[-1].lower()}"
        write_with_transaction(session, folder / name, upload)
        return name
    finally:
        upload.close()  # a large upload sits in a temporary file until closed


def image_format(head: bytes) -> str | None:
    """The Pillow format a file starting with ``head`` is in, if it is one we accept."""
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    for name, starts in IMAGE_SIGNATURES.items():
        if head.startswith(starts):
            return name
    return None


def reencoded_photo(stream: IO[bytes], max_bytes: int) -> bytes:
    """The uploaded photo in ``stream`` as a JPEG of at most ``max_bytes``; PhotoRefused
    when it is not a JPEG/PNG/WebP picture, is too large to decode, or is animated."""
    head = stream.read(16)
    stream.seek(0)
    kind = image_format(head)
    if kind is None:
        raise PhotoRefused(_("Foto harus berupa gambar JPEG, PNG atau WebP."))
    try:
        with Image.open(stream, formats=[kind]) as image:
            if getattr(image, "n_frames", 1) > 1:
                raise PhotoRefused(_("Foto tidak boleh berupa animasi."))
            # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size: ask for no more than
            # what is kept. Other formats decode at full size.
            image.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            width, height = image.size
            if width * height > PHOTO_MAX_PIXELS:
                raise PhotoRefused(_(
                    "Foto terlalu besar (%(width)s × %(height)s piksel); paling besar "
                    "%(mp)s megapiksel. Perkecil fotonya lalu coba lagi.",
                    width=width, height=height, mp=PHOTO_MAX_PIXELS // 1_000_000))
            picture = ImageOps.exif_transpose(image)  # decodes: now within the bound
            picture.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            picture = _on_white(picture)
    except PhotoRefused:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise PhotoRefused(_("Berkas foto rusak atau tidak dapat dibaca.")) from exc
    return _jpeg_within(picture, max_bytes)


def _on_white(picture: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (a JPEG has no alpha)."""
    if picture.mode in ("RGBA", "LA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return picture.convert("RGB")


def _jpeg_within(picture: Image.Image, max_bytes: int) -> bytes:
    """The smallest-loss JPEG of ``picture`` that fits ``max_bytes`` (smaller if need be)."""
    while True:
        for quality in _QUALITIES:
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=quality, optimize=True)
            if buffer.tell() <= max_bytes:
                return buffer.getvalue()
        if max(picture.size) <= 64:
            raise PhotoRefused(_("Foto tidak dapat diperkecil sampai %(kb)s KB.",
                                 kb=max_bytes // 1024))
        picture = picture.resize((max(1, picture.width // 2), max(1, picture.height // 2)))


# --- files that follow the transaction -----------------------------------------------
_WRITTEN = "uploads_written"
_REPLACED = "uploads_replaced"


def write_with_transaction(session: Session, path: Path, content: bytes | FileStorage) -> None:
    """Write ``content`` to the new file ``path`` now; it is removed again unless
    ``session``'s transaction commits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    session.info.setdefault(_WRITTEN, []).append(path)
    if isinstance(content, FileStorage):
        content.save(path)
    else:
        with open(path, "xb") as handle:  # a new name: never overwrite
            handle.write(content)


def remove_on_commit(session: Session, path: Path) -> None:
    """Delete ``path`` once ``session``'s transaction commits (kept if it does not)."""
    session.info.setdefault(_REPLACED, []).append(path)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_REPLACED, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction) -> None:
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    # Still listed: the transaction ended without a commit (rollback, close, crash).
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)
    session.info.pop(_REPLACED, None)
