"""What every report of the export centre shares: its context (period, institution, who
printed it), the month's bounds, the streamed reading of rows and the list of reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_

from models import Client, db
from models.choices import MONTHS, Stage

from ..schedule import month_end
from ..workbook import Report

BATCH = 500


@dataclass
class Context:
    """What every report needs besides its data."""

    first: date
    last: date
    institution: str
    address: str
    printed: str  # "Dicetak oleh … pada …"

    @property
    def period(self) -> str:
        return _("Periode: %(month)s %(year)s", month=MONTHS.label(str(self.first.month)),
                 year=self.first.year)

    def report(self, path: str, title: str) -> Report:
        return Report(path, title=title, period=self.period, institution=self.institution,
                      address=self.address, printed=self.printed)


def month_bounds(first: date) -> tuple[date, date]:
    return first, month_end(first)


def stream_rows(query):
    """Rows of ``query`` fetched in batches (never the whole result at once)."""
    return db.session.execute(query.execution_options(yield_per=BATCH))


def in_panti_during(first: date, last: date, stay=None):
    """A condition: the client lived in the panti on some day between the two dates (was
    admitted: has a register number and an admission date; a candidate's planned date, or
    one who left from stage 1, does not count). ``stay``: the stays to judge instead of the
    clients' current ones — ``ClientStay`` (joined to its client) or ``stays.all_stays()``."""
    row = Client if stay is None else getattr(stay, "c", stay)
    number = getattr(row, "register_number", Client.register_number)
    # A person admitted again keeps their number: in stage 1 their date is only planned.
    return and_(number.is_not(None), row.stage != Stage.APPROACH,
                row.admission_date.is_not(None),
                row.admission_date <= last,
                or_(row.termination_date.is_(None), row.termination_date >= first))


REPORTS = {
    "roster": _l("Buku induk klien"),
    "attendance": _l("Rekap kehadiran pelatihan"),
    "monthly": _l("Laporan bulanan"),
    "conferences": _l("Log konferensi kasus"),
}

