"""Dasbor: the panti in charts for the head and the admin, each chart with its numbers as a
table beside it; prints on A4."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from models.choices import ATENSI_COMPONENTS, SEXES
from services import charts
from services.dates import today as panti_today
from services.permissions import readers

from .base import SecureView
from .charts import Bar, BarChart, Cell, Column, ColumnChart, Heatmap, HeatRow, Segment, shade


class DashboardView(SecureView):
    """Rooms and occupancy, clients per stage, admissions and exits, attendance per class
    and plan reviews: the figures of ``services.charts``, drawn as SVG."""

    @expose("/")
    def index(self):
        today = panti_today()
        data = charts.figures(current_user, today)
        stage_urls = self.stage_urls() if data.stages is not None else {}
        return self.render(
            "admin/dashboard.html", data=data, today=today, sexes=SEXES.pairs,
            stage_urls=stage_urls, notice_days=charts.REVIEW_NOTICE_DAYS,
            rooms=_rooms(data.rooms) if data.rooms is not None else None,
            stages=_stages(data.stages, stage_urls) if data.stages is not None else None,
            occupancy=_occupancy(data) if data.census is not None else None,
            flows=_flows(data) if data.census is not None else None,
            attendance=_attendance(data) if data.attendance else None,
            reviews=_reviews(data.reviews) if data.reviews is not None else None,
            atensi=_atensi(data.atensi) if data.atensi is not None else None,
            components=ATENSI_COMPONENTS.pairs,
        )

    def stage_urls(self) -> dict[str, str]:
        """Stage code → the client list filtered to it, through the list's own stage filter
        (its URL argument is the filter's position among the list's filters)."""
        clients = next(view for view in self.admin._views
                       if getattr(view, "endpoint", None) == "client")
        for index, flt in enumerate(clients._filters or ()):
            if getattr(flt.column, "key", None) == "stage":
                arg = f"flt0_{clients.get_filter_arg(index, flt)}"
                return {code: url_for("client.index_view", **{arg: code})
                        for code, _label in flt.get_options(clients)}
        return {}


def _year_under(months: list[charts.Month], index: int) -> str:
    """The year under a month's column: under the first column and under each January."""
    month = months[index]
    return str(month.first.year) if index == 0 or month.first.month == 1 else ""


def _rooms(rooms: list[charts.RoomLoad]) -> BarChart:
    return BarChart([
        Bar(room.name if room.active else _("%(room)s (nonaktif)", room=room.name),
            room.residents, f"{room.residents}/{room.capacity}",
            "bar-over" if room.over else "bar-room", track=room.capacity,
            title=_("%(room)s: %(n)s penghuni, kapasitas %(capacity)s", room=room.name,
                    n=room.residents, capacity=room.capacity))
        for room in rooms])


def _stages(stages: list[charts.StageCount], urls: dict[str, str]) -> BarChart:
    return BarChart([
        Bar(stage.label, stage.count, str(stage.count),
            "bar-stage" if stage.in_panti else "bar-outside", url=urls.get(stage.code),
            title=_("%(stage)s: %(n)s klien", stage=stage.label, n=stage.count))
        for stage in stages])


def _sex_segments(counts: dict[str, int], prefix: str, what: str,
                  month: charts.Month) -> list[Segment]:
    return [Segment(f"{prefix}-{code.lower()}", counts[code],
                    _("%(what)s %(month)s, %(sex)s: %(n)s", what=what, month=month.label,
                      sex=label, n=counts[code]))
            for code, label in SEXES.pairs]


def _occupancy(data: charts.Figures) -> ColumnChart:
    months = data.census_months
    return ColumnChart(
        [Column(row.month.short, [_sex_segments(row.in_panti, "fill", _("Di panti akhir"),
                                                row.month)], _year_under(months, n))
         for n, row in enumerate(data.census)],
        line=data.capacity or None,
        line_label=_("Kapasitas %(n)s", n=data.capacity) if data.capacity else "")


def _flows(data: charts.Figures) -> ColumnChart:
    months = data.census_months
    return ColumnChart([
        Column(row.month.short, [_sex_segments(row.admitted, "in", _("Masuk"), row.month),
                                 _sex_segments(row.exited, "out", _("Keluar"), row.month)],
               _year_under(months, n))
        for n, row in enumerate(data.census)])


def _attendance(data: charts.Figures) -> Heatmap:
    months = data.attendance_months
    # One translation and one URL for the page, filled in per square: a class has six.
    summary = url_for("attendance_summary.index") \
        if current_user.role in readers("attendance_summary") else None
    title = _("%(klass)s, %(month)s: %(h)s hadir dari %(n)s kode tercatat")
    rows = []
    for klass in data.attendance:
        cells = []
        for month, rate in zip(months, klass.rates, strict=True):
            # Whole percentages in the squares (the table beside has the tenths).
            text = f"{int(rate.percent + 0.5)}%" if rate.percent is not None else "—"
            cells.append(Cell(
                text, shade(rate.percent),
                title % {"klass": klass.name, "month": month.label, "h": rate.present,
                         "n": rate.recorded},
                f"{summary}?{urlencode({'month': month.key, 'class_id': klass.id})}"
                if summary and rate.recorded else None))
        rows.append(HeatRow(klass.name, cells))
    return Heatmap([month.short for month in months], rows)


def _atensi(counts: dict[str, dict[str, int]]) -> BarChart:
    """Clients each ATENSI component reached this month (the monthly report's sheet)."""
    return BarChart([
        Bar(str(label), sum(counts[code].values()), str(sum(counts[code].values())),
            "bar-stage", title=_("%(component)s: %(n)s klien", component=label,
                                 n=sum(counts[code].values())))
        for code, label in ATENSI_COMPONENTS.pairs])


def _reviews(reviews: charts.Reviews) -> BarChart:
    return BarChart([
        Bar(_("Terlambat"), reviews.overdue, str(reviews.overdue), "bar-over",
            url=url_for("conference.review_due_view"),
            title=_("Rencana terlambat ditinjau KK: %(n)s", n=reviews.overdue)),
        Bar(_("Jatuh tempo %(n)s hari ke depan", n=charts.REVIEW_NOTICE_DAYS),
            reviews.due_soon, str(reviews.due_soon), "bar-soon",
            title=_("Rencana jatuh tempo ditinjau KK: %(n)s", n=reviews.due_soon)),
    ])
