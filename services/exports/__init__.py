"""The monthly Excel reports of the export centre, streamed from the database.

Each report writes one workbook (``services.workbook``) from queries read with
``yield_per``: rows go from the cursor to the file without being collected in lists.
Access rules are passed in as the same conditions the screens use
(``services.scopes``), so a file holds exactly what its reader may see on screen.

One module per report (the keys of ``REPORTS``): ``clients`` (roster, the buku induk),
``attendance`` (training attendance), ``monthly`` (laporan bulanan), ``conferences``
(the case conference log); ``base`` holds what they share.
"""

from .attendance import training_attendance
from .base import REPORTS, Context, in_panti_during, month_bounds
from .clients import ROSTER_COLUMNS, roster
from .conferences import conference_log, conference_rows
from .monthly import ADMITTED, END, EXITED, START, Census, census, monthly_report

__all__ = [
    "ADMITTED", "END", "EXITED", "REPORTS", "ROSTER_COLUMNS", "START", "Census", "Context",
    "census", "conference_log", "conference_rows", "in_panti_during", "month_bounds",
    "monthly_report", "roster", "training_attendance",
]
