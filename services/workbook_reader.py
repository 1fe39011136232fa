"""Reading the first sheet of an uploaded .xlsx: each row's cell values as a stream.

The import needs values only (what Excel shows, formulas as their last result), and whether
a text cell carries Excel's quote prefix. Reading them straight from the sheet's XML with a
streaming parser takes a fraction of the time openpyxl's object model needs for the same
cells (inline strings — what a constant-memory XlsxWriter export holds — cost it most), and
memory stays one row. The package is expected to have passed the import's checks already
(sizes, element counts, no DTD); XML goes through defusedxml when it is installed.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .errors import Refusal

try:  # refuses DTDs and entities outright; the standard parser never fetches them either
    from defusedxml.ElementTree import iterparse
except ImportError:  # pragma: no cover - defusedxml is in requirements.txt
    from xml.etree.ElementTree import iterparse

# Excel's built-in number formats that show a date or a time.
BUILTIN_DATES = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
# Quoted text, [colours]/[conditions], escaped characters and padding are not date parts.
NOT_A_DATE_PART = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
DATE_PART = re.compile(r"[dmyhsDMYHS]")
EPOCH_1900 = datetime(1899, 12, 30)
EPOCH_1904 = datetime(1904, 1, 1)


class WorkbookError(Refusal):
    """The package is not a workbook this reader understands."""


@dataclass(frozen=True)
class Cell:
    value: Any
    quoted: bool = False  # written with Excel's quote prefix (stays text when edited)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attr(element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _relationships(package: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type, target part) of ``part``'s relationships."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in package.namelist():
        return []
    found = []
    with package.open(rels) as stream:
        for _event, element in iterparse(stream):
            if _local(element.tag) == "Relationship":
                target = element.get("Target") or ""
                target = target.lstrip("/") if target.startswith("/") else \
                    posixpath.normpath(posixpath.join(folder, target))
                found.append((element.get("Id") or "", element.get("Type") or "", target))
    return found


def _text(element) -> str:
    """The text of a string item (``<si>``, ``<is>``): its runs, without phonetic hints."""
    parts = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _shared_strings(package: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None or part not in package.namelist():
        return []
    strings, root = [], None
    with package.open(part) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            if root is None:
                root = element
            elif event == "end" and _local(element.tag) == "si":
                strings.append(_text(element))
                root.clear()  # keep one item in memory, not the table
    return strings


def _is_date_format(code: str) -> bool:
    code = NOT_A_DATE_PART.sub("", code.split(";")[0])
    return code.lower() != "general" and DATE_PART.search(code) is not None


def _styles(package: zipfile.ZipFile, part: str | None) -> list[tuple[bool, bool]]:
    """(shows a date, quote prefix) of each cell style, by index."""
    if part is None or part not in package.namelist():
        return []
    formats: dict[int, str] = {}
    styles: list[tuple[bool, bool]] = []
    in_cell_xfs = False
    with package.open(part) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = _local(element.tag)
            if tag == "cellXfs":
                in_cell_xfs = event == "start"
            elif event == "end" and tag == "numFmt":
                formats[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif event == "end" and tag == "xf" and in_cell_xfs:
                number = int(element.get("numFmtId", "0"))
                dated = number in BUILTIN_DATES or _is_date_format(formats.get(number, ""))
                styles.append((dated, element.get("quotePrefix") in ("1", "true")))
                element.clear()
    return styles


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _excel_date(serial: float, epoch: datetime) -> datetime | float:
    if epoch is EPOCH_1900 and serial < 60:
        serial += 1  # Excel's day 60 is 29/02/1900, a day that never was
    try:
        return epoch + timedelta(days=serial)
    except OverflowError:
        return serial


def first_sheet_rows(path: str) -> Iterator[tuple[int, dict[int, Cell]]]:
    """(row number from 1, {column index from 0: Cell}) of each row the first sheet holds,
    in order; empty cells are left out."""
    with zipfile.ZipFile(path) as package:
        office = [target for _id, kind, target in _relationships(package, "")
                  if kind.endswith("/officeDocument")]
        if not office:
            raise WorkbookError("no workbook part")
        book = office[0]
        rels = _relationships(package, book)
        by_id = {rel_id: target for rel_id, _kind, target in rels}
        sheet_id, epoch = None, EPOCH_1900
        with package.open(book) as stream:
            for _event, element in iterparse(stream):
                tag = _local(element.tag)
                if tag == "sheet" and sheet_id is None:
                    sheet_id = _attr(element, "id")
                elif tag == "workbookPr" and element.get("date1904") in ("1", "true"):
                    epoch = EPOCH_1904
        sheet = by_id.get(sheet_id or "")
        if sheet is None or sheet not in package.namelist():
            raise WorkbookError("no first sheet")
        strings = _shared_strings(package, next(
            (t for _i, kind, t in rels if kind.endswith("/sharedStrings")), None))
        styles = _styles(package, next(
            (t for _i, kind, t in rels if kind.endswith("/styles")), None))
        with package.open(sheet) as stream:
            yield from _rows(stream, strings, styles, epoch)


def _rows(stream, strings: list[str], styles: list[tuple[bool, bool]], epoch: datetime):
    row_number, cells, column = 0, {}, -1
    names: dict[str, str] = {}  # tag with its namespace → local name (asked once per tag)
    for _event, element in iterparse(stream):
        tag = names.get(element.tag) or names.setdefault(element.tag, _local(element.tag))
        if tag == "c":
            column = _column(element.get("r"), column)
            cell = _cell(element, strings, styles, epoch, names)
            if cell is not None:
                cells[column] = cell
        elif tag == "row":
            number = element.get("r")
            row_number = int(number) if number and number.isdigit() else row_number + 1
            if cells:
                yield row_number, cells
            cells, column = {}, -1
            element.clear()  # one row in memory (the row count was bounded before)


def _column(reference: str | None, previous: int) -> int:
    """The 0-based column of a cell reference such as ``AB12`` (the next one if absent)."""
    if not reference:
        return previous + 1
    index = 0
    for char in reference:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            index = index * 26 + ord(char) - 96
        else:
            break
    return index - 1 if index else previous + 1


def _cell(element, strings: list[str], styles: list[tuple[bool, bool]],
          epoch: datetime, names: dict[str, str]) -> Cell | None:
    kind = element.get("t", "n")
    style = int(element.get("s", "0") or 0)
    dated, quoted = styles[style] if style < len(styles) else (False, False)
    value_text = None
    inline = None
    for child in element:
        tag = names.get(child.tag) or names.setdefault(child.tag, _local(child.tag))
        if tag == "v":
            value_text = child.text
        elif tag == "is":
            inline = child
    if kind == "inlineStr":
        return Cell(_text(inline), quoted) if inline is not None else None
    if value_text is None:
        return None
    if kind == "s":
        index = int(value_text)
        if not 0 <= index < len(strings):
            raise WorkbookError("shared string out of range")
        return Cell(strings[index], quoted)
    if kind in ("str", "e"):
        return Cell(value_text, quoted)
    if kind == "b":
        return Cell(value_text.strip() in ("1", "true"))
    if kind == "d":
        return Cell(datetime.fromisoformat(value_text.strip().rstrip("Z")))
    number = _number(value_text.strip())
    return Cell(_excel_date(number, epoch) if dated else number)
