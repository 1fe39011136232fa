"""Reading an uploaded roster workbook for the import (``services.roster_import``): the zip
package checked (sizes, parts, element counts, no DTD) before any XML parser sees it, then
each non-empty data row's cell values by the export's headings, at most ``MAX_ROWS`` of them.
"""

from __future__ import annotations

import re
import zipfile
from typing import Any

from flask_babel import gettext as _

from .errors import Refusal
from .exports import ROSTER_COLUMNS
from .workbook import HEADER_ROW, restore
from .workbook_reader import Cell, first_sheet_rows

MAX_ROWS = 10_000
# What a roster of MAX_ROWS clients needs, with room to spare (an export of 10,000 clients
# unpacks to about 11 MiB in 230,000 cells). Anything past it is not a roster — a zip bomb, a
# sheet of millions of cells, a huge shared-strings table — and is refused before it is
# parsed: parsing time and memory follow the number of elements, not the file size.
MAX_PARTS = 200
MAX_PART_BYTES = 32 * 2**20
MAX_TOTAL_BYTES = 64 * 2**20
MAX_CELLS = 600_000
MAX_CELLS_PER_ROW = 200
MAX_STRINGS = 600_000
MAX_ROW_ELEMENTS = MAX_ROWS + HEADER_ROW + 1000
PROLOG_BYTES = 4096
# A cell, a row or a shared string, with or without a namespace prefix.
ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?(c|row|si|xf)[\s/>]")
MAX_STYLES = 65_000  # Excel's own limit of cell formats
HEADINGS = {str(heading).casefold(): attr for heading, attr in ROSTER_COLUMNS}


class ImportFileError(Refusal):
    """The file as a whole cannot be read as a roster."""


def check_package(path: str) -> None:
    """Refuse, before any XML is parsed, a file that is not a small, plain xlsx package:
    not a zip, too many parts, parts that unpack too large (a zip bomb), more cells, rows
    or shared strings than a roster can have, XML with a document type declaration
    (external entities, entity expansion) or in an encoding other than UTF-8.

    The sizes in the zip directory bind: Python's zip reader stops at the declared size and
    fails the CRC check if a part holds more.
    """
    if not zipfile.is_zipfile(path):
        raise ImportFileError(_("Berkas bukan buku kerja Excel (.xlsx)."))
    try:
        with zipfile.ZipFile(path) as package:
            parts = [part for part in package.infolist() if not part.is_dir()]
            if len(parts) > MAX_PARTS:
                raise ImportFileError(_("Berkas Excel tidak dapat dibaca."))
            if sum(p.file_size for p in parts) > MAX_TOTAL_BYTES or \
                    any(p.file_size > MAX_PART_BYTES for p in parts):
                raise ImportFileError(_too_big())
            counts = {b"c": 0, b"row": 0, b"si": 0, b"xf": 0}
            for part in parts:
                with package.open(part) as stream:
                    head = stream.read(PROLOG_BYTES)
                    if _check_prolog(head):
                        _count_elements(head, stream, counts)
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged package: bad CRC, unknown compression, ...
        raise ImportFileError(_("Berkas Excel tidak dapat dibaca.")) from exc


def _too_big() -> str:
    return _("Berkas terlalu besar untuk buku induk (paling banyak %(n)s baris data, "
             "%(mb)s MB setelah dibuka). Periksa berkasnya atau bagi menjadi beberapa impor.",
             n=MAX_ROWS, mb=MAX_TOTAL_BYTES // 2**20)


def _count_elements(head: bytes, stream, counts: dict[bytes, int]) -> None:
    """Count cells, rows and shared strings of an XML part as it streams by (a regular
    expression over the bytes: no tree is built) and refuse past the limits."""
    carry, chunk, in_row = b"", head, 0
    while chunk:
        following = stream.read(2**20)
        text = carry + chunk
        # Leave the last bytes for the next round unless this is the end: a tag may be cut.
        cut = len(text) - 40 if following else len(text)
        for match in ELEMENT.finditer(text):
            if match.start() >= cut:
                break
            name = match.group(1)
            counts[name] += 1
            if name == b"row":
                in_row = 0
            elif name == b"c":
                in_row += 1
                if in_row > MAX_CELLS_PER_ROW:
                    raise ImportFileError(_too_big())
        if counts[b"row"] > MAX_ROW_ELEMENTS:
            raise ImportFileError(_("Paling banyak %(n)s baris per impor; bagi berkasnya "
                                    "menjadi beberapa impor.", n=MAX_ROWS))
        if counts[b"c"] > MAX_CELLS or counts[b"si"] > MAX_STRINGS or \
                counts[b"xf"] > MAX_STYLES:
            raise ImportFileError(_too_big())
        carry, chunk = text[cut:], following


def _check_prolog(head: bytes) -> bool:
    """An XML part starts (after its declaration, comments, processing instructions) with its
    root element, never a ``<!DOCTYPE``. True for XML; a part that is not XML (an image)
    is left alone."""
    refused = _("Berkas Excel ini memuat deklarasi XML yang tidak diizinkan (DTD/entitas); "
                "simpan ulang sebagai buku kerja Excel biasa.")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:2] in (b"\x00<", b"<\x00") \
            or head[:4] == b"\x00\x00\x00<":
        raise ImportFileError(refused)  # UTF-16/32: not what a spreadsheet writes
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text.startswith(b"<"):
        return False
    while text.startswith((b"<?", b"<!--")):
        closing = b"?>" if text.startswith(b"<?") else b"-->"
        end = text.find(closing)
        if end < 0:
            raise ImportFileError(refused)  # a prolog longer than we look at
        declaration = text[:end].lower()
        if text.startswith(b"<?xml") and b"encoding" in declaration and \
                not re.search(rb"encoding\s*=\s*[\"']utf-8[\"']", declaration):
            raise ImportFileError(refused)
        text = text[end + len(closing):].lstrip()
    if text.startswith(b"<!"):
        raise ImportFileError(refused)
    return True


def read_rows(path: str):
    """(spreadsheet row number, {attribute: cell value}) for each non-empty data row."""
    check_package(path)
    rows = first_sheet_rows(path)
    try:
        columns: dict[int, str] | None = None
        data_rows = 0
        for number, cells in rows:
            if number <= HEADER_ROW:
                continue
            if columns is None:
                found = {} if number > HEADER_ROW + 1 else cells
                columns = {i: HEADINGS[str(cell.value).strip().casefold()]
                           for i, cell in found.items()
                           if str(cell.value).strip().casefold() in HEADINGS}
                _require(columns)
                if number == HEADER_ROW + 1:
                    continue
            values = {attr: _value(cells.get(i)) for i, attr in columns.items()}
            if all(v in (None, "") for v in values.values()):
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                raise ImportFileError(_("Paling banyak %(n)s baris per impor; bagi "
                                        "berkasnya menjadi beberapa impor.", n=MAX_ROWS))
            yield number, values
        if columns is None:
            _require({})
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged workbook found while reading it
        raise ImportFileError(_("Berkas Excel tidak dapat dibaca.")) from exc
    finally:
        rows.close()


def _require(columns: dict[int, str]) -> None:
    missing = {"register_number", "full_name", "sex"} - set(columns.values())
    if missing:
        labels = [str(h) for h, attr in ROSTER_COLUMNS if attr in missing]
        raise ImportFileError(_("Kolom wajib tidak ada di baris %(row)s: %(cols)s. "
                                "Gunakan format hasil unduhan buku induk.",
                                row=HEADER_ROW + 1, cols=", ".join(labels)))


def _value(cell: Cell | None) -> Any:
    """A cell's value; text trimmed and blank text as None. Text written with Excel's quote
    prefix (our exports' formula guard, or typed as '…) is taken as it is; an apostrophe
    that older exports wrote into the text itself is taken off."""
    if cell is None:
        return None
    value = cell.value
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("'") and not cell.quoted:
            value = restore(value)
        return value or None
    return value
