"""Reading admin pages as a user does: the list table cell by cell, the details table label
by label, the flashed alerts, and assertions that name what a user would see instead.

The list and details readers look at the row that was just saved, never the whole page (the
filter widgets of a list page carry every label of every vocabulary).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


def _text(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


class _ListTable(HTMLParser):
    """The list table as {row id: {column: text}}; cells carry the class "col-<column>"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: dict[int, dict[str, str]] = {}
        self._row: dict[str, str] | None = None
        self._row_id: int | None = None
        self._cell: str | None = None
        self._parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self._row, self._row_id = {}, None
        elif tag == "input" and attrs.get("name") in ("rowid", "id") and self._row is not None:
            self._row_id = int(attrs["value"])
        elif tag == "td" and self._row is not None:
            columns = [c[4:] for c in (attrs.get("class") or "").split() if c.startswith("col-")]
            if columns:
                self._cell, self._parts = columns[0], []

    def handle_data(self, data):
        if self._cell is not None:
            self._parts.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row[self._cell] = _text(self._parts)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row_id is not None:
                self.rows[self._row_id] = self._row
            self._row = None


class _DetailsTable(HTMLParser):
    """The details table as {label: text} (each row: a bold label cell and a value cell)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._cells: list[str] | None = None
        self._parts: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._cells = []
        elif tag == "td" and self._cells is not None:
            self._parts = []

    def handle_data(self, data):
        if self._parts is not None:
            self._parts.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._parts is not None:
            self._cells.append(_text(self._parts))
            self._parts = None
        elif tag == "tr" and self._cells is not None:
            if len(self._cells) == 2:
                self.fields[self._cells[0]] = self._cells[1]
            self._cells = None


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    return response.get_data(as_text=True)


def list_rows(client, url: str, flashed: str | None = None) -> dict[int, dict[str, str]]:
    """The rows of a list page; ``flashed``: the message the page must show on top."""
    html = page(client, url)
    if flashed is not None:
        assert flashed in alerts(html), f"{url} shows {alerts(html)}, not {flashed!r}"
    parser = _ListTable()
    parser.feed(html)
    return parser.rows


def details(client, url: str) -> dict[str, str]:
    parser = _DetailsTable()
    parser.feed(page(client, url))
    return parser.fields


def alerts(html: str) -> list[str]:
    """The flashed messages shown at the top of a page."""
    return [" ".join(re.sub(r"<[^>]+>|&times;", " ", m).split())
            for m in re.findall(r'<div class="alert[^"]*">(.*?)</div>', html, re.S)]


def form_problems(html: str) -> list[str]:
    """Flashed alerts and field errors of a re-rendered form, for a failure message."""
    problems = alerts(html)
    for name, errors in re.findall(
        r'name="(\w+)"[^>]*>\s*<div class="invalid-feedback">(.*?)</div>', html, re.S
    ):
        problems.append(f"{name}: " + "; ".join(re.findall(r"<li>(.*?)</li>", errors)))
    return problems


def assert_redirected(response, url: str) -> None:
    """The form was accepted: Flask-Admin answers a saved form with a redirect."""
    assert response.status_code == 302, (
        f"not saved (status {response.status_code}): "
        f"{form_problems(response.get_data(as_text=True))}"
    )
    assert response.headers["Location"].endswith(url), response.headers["Location"]


def assert_shows(shown: dict[str, str], expected: dict[str, str | set[str]], where: str):
    """Each expected cell reads exactly so; a set lists parts a list-valued cell contains."""
    for key, want in expected.items():
        assert key in shown, f"{where}: no {key!r} in {shown}"
        if isinstance(want, set):
            for part in want:
                assert part in shown[key], f"{where}: {key!r} = {shown[key]!r} lacks {part!r}"
        else:
            assert shown[key] == want, f"{where}: {key!r} = {shown[key]!r}, expected {want!r}"


def assert_stored(record, expected: dict) -> None:
    """Each attribute holds the expected value; a set is the ids of a collection."""
    for attr, want in expected.items():
        value = getattr(record, attr)
        if isinstance(want, set):
            value = {item.id for item in value}
        assert value == want, f"{type(record).__name__}.{attr} = {value!r}, expected {want!r}"
