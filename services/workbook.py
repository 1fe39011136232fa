"""The house layout of every exported workbook, written safely and with constant memory.

* XlsxWriter runs in ``constant_memory`` mode: each row goes to a temporary file as it is
  written, so a report streamed from the database never holds its rows in Python.
* Text never becomes a formula or a link: ``strings_to_formulas``/``strings_to_urls`` are
  off, every text goes through ``write_string``, and user text beginning with ``= + - @``
  (or their full-width forms ``＝ ＋ － ＠``, also after leading spaces, no-break or zero-width
  spaces), a tab or a carriage return (OWASP CSV/formula injection; not a plain signed
  number such as a phone number ``+62812…``) is written with Excel's quote prefix, the
  hidden apostrophe that keeps an edited cell text. The text itself is unchanged, so an
  import reads back exactly what was exported (also text that starts with an apostrophe of
  its own).
* Files: the workbook and XlsxWriter's own temporary files are written to one folder (the
  one of the workbook's path), which ``sweep`` clears of what a killed worker left behind.
* Every sheet: a title block (institution, address, report, period, printed by/at), frozen
  Indonesian header row, autofilter, column widths fitted to what was written, dates as real
  Excel dates shown ``dd/mm/yyyy``, A4 landscape fitted to the page width, page numbers in
  the footer.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from flask_babel import gettext as _

RISKY_START = ("\t", "\r")
# Signs that start a formula, ASCII and full-width (spreadsheets with an IME accept both).
FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# What a spreadsheet may skip before such a sign: any whitespace and the zero-width marks.
LEADING_BLANKS = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d ]*")
HEADER_ROW = 6  # rows 0–4: the title block, 5: blank
MAX_WIDTH = 60
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\']")
# No export takes this long to write; an older file in the export folder is a leftover.
STALE_SECONDS = 3600


class Percent(float):
    """A ratio shown as a percentage (0.667 → 66.7%)."""


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (see the module docstring)."""
    if text.startswith(RISKY_START):
        return True
    body = text[LEADING_BLANKS.match(text).end():]
    return bool(body) and body[0] in FORMULA_SIGNS and not PLAIN_NUMBER.fullmatch(body)


def neutralise(text: str) -> str:
    """``text`` that a spreadsheet cannot read as a formula (see the module docstring)."""
    if text and looks_like_formula(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The inverse of ``neutralise`` for text read back from our own workbook (import)."""
    if len(text) > 1 and text[0] == "'" and looks_like_formula(text[1:]):
        return text[1:]
    return text


class Sheet:
    """One worksheet, written top to bottom."""

    def __init__(self, book: Report, name: str, headers: Sequence[str],
                 freeze_columns: int = 0, note: str | None = None):
        self.book = book
        self.ws = book.workbook.add_worksheet(name)
        self.headers = list(headers)
        self.widths = [len(h) + 2 for h in self.headers]
        self.row_index = HEADER_ROW
        self.data_rows = 0
        self._title_block()
        if note:  # rows are written in order (constant memory): the note comes first
            self._text(HEADER_ROW - 1, 0, note, "plain")
        for col, header in enumerate(self.headers):
            self.ws.write_string(HEADER_ROW, col, header, book.fmt["header"])
        self.ws.freeze_panes(HEADER_ROW + 1, freeze_columns)
        self.ws.repeat_rows(HEADER_ROW)
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        self.ws.fit_to_pages(1, 0)
        self.ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        self.ws.set_footer("&L" + _footer_text(book.title) + "&R"
                           + _("Halaman %(page)s dari %(pages)s", page="&P", pages="&N"))
        self.row_index += 1

    def _title_block(self) -> None:
        book = self.book
        lines = [(book.institution, "title"), (book.address, "plain"), (book.title, "subtitle"),
                 (book.period, "plain"), (book.printed, "muted")]
        for row, (text, style) in enumerate(lines):
            if text:
                self._text(row, 0, text, style)

    def _cell(self, row: int, col: int, value: Any, style: str | None = None) -> None:
        fmt = self.book.fmt[style] if style else None
        if value is None or value == "":
            self.ws.write_blank(row, col, None, fmt)
            return
        if isinstance(value, bool):
            text = _("Ya") if value else _("Tidak")
            self.ws.write_string(row, col, text, fmt)
        elif isinstance(value, datetime):
            self.ws.write_datetime(row, col, value, self.book.fmt["datetime"])
            text = "dd/mm/yyyy hh:mm"
        elif isinstance(value, date):
            self.ws.write_datetime(row, col, value, self.book.fmt["date"])
            text = "dd/mm/yyyy"
        elif isinstance(value, Percent):
            self.ws.write_number(row, col, float(value), self.book.fmt["percent"])
            text = "100.0%"
        elif isinstance(value, (int, float)):
            self.ws.write_number(row, col, value, fmt or self.book.fmt["number"])
            text = str(value)
        else:
            text = str(value)
            self._text(row, col, text, style or "text")
        if col < len(self.widths):
            longest = max((len(part) for part in text.split("\n")), default=0)
            self.widths[col] = max(self.widths[col], min(longest + 2, MAX_WIDTH))

    def _text(self, row: int, col: int, text: str, style: str) -> None:
        quoted = looks_like_formula(text) or text.startswith("'")
        fmt = self.book.quoted(style) if quoted else self.book.fmt[style]
        self.ws.write_string(row, col, text, fmt)

    def row(self, values: Iterable[Any], style: str | None = None) -> None:
        """The next data row."""
        for col, value in enumerate(values):
            self._cell(self.row_index, col, value, style)
        self.row_index += 1
        self.data_rows += 1

    def line(self, text: str, style: str = "plain") -> None:
        """A row of free text below the table (a note, a check, a signature)."""
        self._text(self.row_index, 0, text, style)
        self.row_index += 1

    def skip(self, rows: int = 1) -> None:
        self.row_index += rows

    def finish(self, filter_rows: int | None = None) -> None:
        """Autofilter over the table, fitted widths; a note when the table is empty."""
        rows = self.data_rows if filter_rows is None else filter_rows
        if rows == 0 and filter_rows is None:
            self.line(_("Tidak ada data untuk periode ini."), "muted")
        last_col = len(self.headers) - 1
        self.ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(rows, 0), last_col)
        for col, width in enumerate(self.widths):
            self.ws.set_column(col, col, width)


def _footer_text(title: str) -> str:
    # "&" starts a control code in Excel headers and footers.
    return title.replace("&", "&&")[:60]


class Report:
    """A workbook being written to ``path``; use as a context manager."""

    def __init__(self, path: str, *, title: str, period: str, institution: str,
                 address: str, printed: str):
        self.workbook = xlsxwriter.Workbook(path, {
            "constant_memory": True,
            # Its row and part files beside the workbook, where sweep() finds leftovers.
            "tmpdir": os.path.dirname(os.path.abspath(path)),
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "dd/mm/yyyy",
        })
        self.workbook.set_properties({"title": title, "company": institution})
        self.title, self.period = title, period
        self.institution, self.address, self.printed = institution, address, printed
        self._specs = {
            "title": {"bold": True, "font_size": 14},
            "subtitle": {"bold": True, "font_size": 12},
            "plain": {},
            "muted": {"italic": True, "font_color": "#555555"},
            "header": {"bold": True, "bg_color": "#DDEBF7", "border": 1,
                       "text_wrap": True, "valign": "top"},
            "text": {"valign": "top"},
            "number": {"valign": "top"},
            "percent": {"num_format": "0.0%", "valign": "top"},
            "date": {"num_format": "dd/mm/yyyy", "valign": "top"},
            "datetime": {"num_format": "dd/mm/yyyy hh:mm", "valign": "top"},
            "total": {"bold": True, "top": 1},
            "good": {"bold": True, "font_color": "#006100", "bg_color": "#C6EFCE"},
            "bad": {"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"},
            "off": {"bg_color": "#EEEEEE"},
        }
        self.fmt = {name: self.workbook.add_format(spec) for name, spec in self._specs.items()}
        self._quoted: dict[str, Any] = {}
        self._names: set[str] = set()

    def quoted(self, style: str):
        """``style`` with Excel's quote prefix (text that must stay text when edited)."""
        if style not in self._quoted:
            self._quoted[style] = self.workbook.add_format(
                {**self._specs[style], "quote_prefix": True})
        return self._quoted[style]

    def sheet(self, name: str, headers: Sequence[str], freeze_columns: int = 0,
              note: str | None = None) -> Sheet:
        """A new sheet; ``note`` is a line just above the header row."""
        return Sheet(self, self.sheet_name(name), headers, freeze_columns, note)

    def sheet_name(self, wanted: str) -> str:
        """A valid, unique sheet name (31 characters, none of []:*?/\\')."""
        base = SHEET_NAME_BAD.sub(" ", wanted).strip() or "Lembar"
        base = base[:28]
        name, n = base, 2
        while name.casefold() in self._names:
            name = f"{base[:26]} {n}"
            n += 1
        self._names.add(name.casefold())
        return name

    def close(self) -> None:
        self.workbook.close()

    def __enter__(self) -> Report:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def sweep(folder: Path, now: float | None = None, older_than: float = STALE_SECONDS) -> int:
    """Remove files untouched for ``older_than`` seconds (an hour) from ``folder`` — in the
    export folder what a worker killed while writing left behind (finished workbooks are
    unlinked when opened for sending); in the import folder uploads nobody confirmed. Other
    workers write and remove files there meanwhile. Returns how many were removed."""
    cutoff = (time.time() if now is None else now) - older_than
    removed = 0
    for entry in os.scandir(folder):
        try:
            # The inode's change time, not st_mtime: XlsxWriter stamps each part file with
            # 1980 just before zipping it, so by mtime a workbook being written by another
            # worker looks decades old. utime() itself moves st_ctime to now.
            if entry.is_file(follow_symlinks=False) and entry.stat().st_ctime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:  # another worker swept it first
            continue
    return removed
