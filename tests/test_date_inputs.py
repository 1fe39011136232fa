"""The calendar's day and the month pickers are typed and shown the Indonesian way
(dd/mm/yyyy, mm/yyyy), not in the browser's language; a wrong value is answered in
Indonesian on the page."""

from __future__ import annotations

import re
from html import unescape

from .conftest import flashed_errors


def _text(html: str) -> str:
    """The page's text as read: entities decoded, white space collapsed."""
    return " ".join(unescape(html).split())


def _flashed(response) -> list[str]:
    """The flashed errors without their close button."""
    return [e.lstrip("×").strip() for e in flashed_errors(response.get_data(as_text=True))]


def _input(html: str, name: str) -> str:
    [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return tag


def test_the_calendar_day_is_a_dd_mm_yyyy_text_with_the_picker(client, login_as):
    login_as("head")
    html = client.get("/admin/calendar/?day=30/11/2026").get_data(as_text=True)
    tag = _input(html, "day")
    assert 'type="text"' in tag and 'value="30/11/2026"' in tag
    assert 'data-role="datepicker"' in tag and 'data-date-format="DD/MM/YYYY"' in tag
    assert 'type="date"' not in html
    assert "Kalender kegiatan — November 2026" in _text(html)
    # Typed the way staff write it, with any separator: October is shown.
    for typed in ("01/10/2026", "01-10-2026", "1.10.2026"):
        html = client.get(f"/admin/calendar/?day={typed}").get_data(as_text=True)
        assert "Kalender kegiatan — Oktober 2026" in _text(html), typed
        assert 'value="01/10/2026"' in _input(html, "day")


def test_a_wrong_calendar_day_is_said_in_indonesian(client, login_as):
    login_as("head")
    response = client.get("/admin/calendar/?day=31/02/2026")
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    [message] = re.findall(r'data-testid="day-error">(.*?)</div>', html, re.S)
    assert message.startswith("Tanggal 31/02/2026 tidak ada di kalender. Ditampilkan: ")
    tag = _input(html, "day")
    assert 'value="31/02/2026"' in tag and "is-invalid" in tag  # the typed text stays
    html = unescape(client.get("/admin/calendar/?day=besok").get_data(as_text=True))
    assert "Tanggal tidak dikenali; tulis hari/bulan/tahun, misalnya 15/05/1968." in html


def test_month_pickers_show_and_read_mm_yyyy(client, login_as):
    login_as("admin")
    html = client.get("/admin/export/?month=11/2026").get_data(as_text=True)
    tags = re.findall(r'<input[^>]*name="month"[^>]*>', html)
    assert tags and all('type="text"' in t and 'value="11/2026"' in t
                        and 'data-date-format="MM/YYYY"' in t for t in tags)
    assert 'type="month"' not in html
    html = client.get("/admin/attendance_summary/?month=10.2026").get_data(as_text=True)
    assert 'value="10/2026"' in _input(html, "month") and 'type="month"' not in html
    assert "Periode 01/10/2026 – 31/10/2026." in _text(html)
    response = client.get("/admin/export/download/monthly/?month=10/2026")
    assert response.status_code == 200
    assert "laporan-bulanan-2026-10.xlsx" in response.headers["Content-Disposition"]


def test_a_wrong_month_is_said_in_indonesian_not_a_500(client, login_as):
    login_as("admin")
    wrong = "Bulan tidak dikenali; tulis bulan/tahun, misalnya 11/2026."
    response = client.get("/admin/attendance_summary/?month=13/2026")
    assert response.status_code == 200
    assert _flashed(response) == [wrong]
    response = client.get("/admin/export/?month=bulan lalu")
    assert _flashed(response) == [wrong]
    # A download is not answered with another month's workbook: back to the centre.
    response = client.get("/admin/export/download/monthly/?month=2026/11",
                          follow_redirects=True)
    assert response.headers["Content-Type"].startswith("text/html")
    assert _flashed(response) == [wrong]
