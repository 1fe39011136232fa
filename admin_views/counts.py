"""A list's total counted only as far as the list can page (``list_row_limit``).

Counting every row of a list of millions (the attendance list) reads a whole index on each
page: 110–145 ms on SQLite and 200–360 ms on PostgreSQL at 5,000,000 rows, more than the page
itself (docs/performance.md). Beyond the rows the list can show anyway, the exact number
tells the user nothing: the count stops one row past the limit and the list says "lebih
dari 10.000".
"""

from __future__ import annotations

from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Query


class AtLeast(int):
    """A count that stopped at its cap: arithmetic as the number, shown as "lebih dari N"
    (Flask-Admin prints the list's count in its tab and pages with it)."""

    def __str__(self) -> str:
        return _("lebih dari %(n)s", n=format_number(self - 1))

    __html__ = __str__


class CappedCount(Query):
    """Flask-Admin's count query (it adds the search's and filters' conditions and joins,
    then calls ``scalar``), counting at most ``cap`` + 1 rows."""

    cap: int = 0

    def scalar(self):
        rows = self.with_entities(literal_column("1")).limit(self.cap + 1).subquery()
        found = self.session.scalar(select(func.count()).select_from(rows)) or 0
        return AtLeast(found) if found > self.cap else found


def capped_count(session, model, cap: int) -> CappedCount:
    """The count query of ``model``'s list, stopping past ``cap`` rows."""
    query = CappedCount(func.count("*"), session).select_from(model)
    query.cap = cap
    return query
