"""Moving around: a list's name column opens the record, breadcrumbs on every page, and no
stray filter box on a details page."""

from __future__ import annotations

import re
from datetime import date, time
from html import unescape
from html.parser import HTMLParser

import pytest

from admin_views.base import SecureModelView
from models import (
    AuditEntry,
    Client,
    EmergencyChange,
    Enrollment,
    Holiday,
    Setting,
    Staff,
    TrainingSession,
    db,
)
from seed.demo import load_demo
from services.permissions import readers

from .conftest import PASSWORD, make_class, make_client, post_form

DEMO_DAY = date(2026, 11, 22)
DEMO_ACCOUNTS = {"head": "kepala", "admin": "admin", "social_worker": "peksos",
                 "instructor": "instruktur", "staff": "staf"}
# The column that names a row, where the issue names it (the rest: tests below).
NAME_COLUMNS = {
    "client": "full_name", "training_class": "name", "staff": "name", "partner": "name",
    "room": "name", "guidance": "title", "recreation": "title", "conference": "date",
    "service_plan": "client.full_name", "enrollment": "client.full_name",
    "skill_type": "name", "holiday": "name", "user": "username", "audit": "at",
}


class _FirstRow(HTMLParser):
    """The first row of a list table: its id (from its row action icons: details, history)
    and, per column, the details links its cells hold as (href, text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.row_id: int | None = None
        self.links: dict[str, list[tuple[str, str]]] = {}
        self._in_body = self._done = False
        self._column: str | None = None
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._done:
            return
        if tag == "td" and self._in_body:
            columns = [c[4:] for c in (attrs.get("class") or "").split() if c.startswith("col-")]
            self._column = columns[0] if columns else None
        elif tag == "a" and self._in_body:
            action = re.search(r"/(?:details|history)/\?id=(\d+)", attrs.get("href") or "")
            if action and attrs.get("class") == "icon" and self.row_id is None:
                self.row_id = int(action.group(1))
            if self._column and attrs.get("data-testid") == "details-link":
                self._href, self._text = attrs["href"], []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "thead":  # the rows follow the header
            self._in_body = True
        elif tag == "a" and self._href is not None:
            self.links.setdefault(self._column, []).append(
                (self._href, " ".join("".join(self._text).split())))
            self._href = None
        elif tag == "td":
            self._column = None
        elif tag == "tr" and self._in_body and self.row_id is not None:
            self._done = True


def first_row(html: str) -> _FirstRow:
    parser = _FirstRow()
    parser.feed(html)
    return parser


def breadcrumbs(html: str) -> list[tuple[str, str | None]]:
    """The page's breadcrumbs as (text, link or None)."""
    match = re.search(r'<ol class="breadcrumb[^"]*" data-testid="breadcrumbs">(.*?)</ol>',
                      html, re.S)
    assert match, "no breadcrumbs on the page"
    crumbs = []
    for item in re.findall(r"<li[^>]*>(.*?)</li>", match.group(1), re.S):
        link = re.search(r'href="([^"]*)"', item)
        text = " ".join(unescape(re.sub(r"<[^>]+>", "", item)).split())
        crumbs.append((text, unescape(link.group(1)) if link else None))
    return crumbs


def _log_in(app, username: str):
    browser = app.test_client()
    response = post_form(browser, "/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


@pytest.fixture
def demo(app):
    """The demo data, and a row for each screen it leaves empty."""
    with app.app_context():
        load_demo(PASSWORD, today=DEMO_DAY)
        if not db.session.scalar(db.select(EmergencyChange.id)):
            client = db.session.scalars(db.select(Client).order_by(Client.id)).first()
            db.session.add(EmergencyChange(client=client, date=DEMO_DAY, reason="Sakit",
                                           change="Rujuk ke rumah sakit"))
        if not db.session.scalar(db.select(Holiday.id)):
            db.session.add(Holiday(date=date(2026, 12, 25), name="Hari Natal"))
        if not db.session.scalar(db.select(Setting.id)):
            db.session.add(Setting(key="contoh", value="isi"))
        db.session.commit()


def test_every_list_links_each_rows_name_to_its_details_page(app, demo):
    views = [view for view in app.extensions["admin"][0]._views
             if isinstance(view, SecureModelView)]
    browsers = {}
    checked = set()
    for view in views:
        role = next(role for role in DEMO_ACCOUNTS if role in readers(view.endpoint))
        if role not in browsers:
            browsers[role] = _log_in(app, DEMO_ACCOUNTS[role])
        html = browsers[role].get(f"/admin/{view.endpoint}/").get_data(as_text=True)
        row = first_row(html)
        assert row.row_id is not None, f"{view.endpoint}: no row in the demo data"
        expected = NAME_COLUMNS.get(view.endpoint)
        [(column, [(href, text)])] = row.links.items()  # one linked cell in the row
        if expected:
            assert column == expected, view.endpoint
        assert href.startswith(f"/admin/{view.endpoint}/details/?id={row.row_id}&"), href
        assert text and text != "—", f"{view.endpoint}: an empty name"
        details = browsers[role].get(href)
        assert details.status_code == 200, f"{view.endpoint}: {href}"
        checked.add(view.endpoint)
    assert set(NAME_COLUMNS) <= checked


def test_a_hostile_name_is_shown_as_text_in_its_link(app, client, login_as):
    login_as("admin")
    with app.app_context():
        hostile = make_client('<script>alert("x")</script>')
        db.session.commit()
        hostile_id = hostile.id
    html = client.get("/admin/client/").get_data(as_text=True)
    row = first_row(html)
    [(href, text)] = row.links["full_name"]
    assert href.startswith(f"/admin/client/details/?id={hostile_id}&url=/admin/client/")
    assert text == '<script>alert("x")</script>'
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</a>" in html


def test_breadcrumbs_lead_from_home_through_the_screen_to_the_record(app, client, login_as):
    login_as("admin")
    with app.app_context():
        budi = make_client("Budi Santoso")
        db.session.commit()
        budi_id, budi_name = budi.id, str(budi)
    home, screen = ("Beranda", "/admin/"), ("Buku induk klien", "/admin/client/")
    details = f"/admin/client/details/?id={budi_id}"
    pages = {
        "/admin/": [("Beranda", None)],
        "/admin/client/": [home, ("Buku induk klien", None)],
        "/admin/client/new/": [home, screen, ("Tambah", None)],
        details: [home, screen, (budi_name, None)],
        f"/admin/client/edit/?id={budi_id}": [home, screen, (budi_name, details),
                                               ("Ubah", None)],
        f"/admin/client/history/?id={budi_id}": [home, screen, (budi_name, details),
                                                  ("Riwayat perubahan", None)],
        "/admin/calendar/": [home, ("Kalender", None)],
        "/admin/export/": [home, ("Unduh laporan", None)],
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert breadcrumbs(response.get_data(as_text=True)) == expected, url


def test_a_step_page_of_a_custom_screen_has_its_breadcrumbs(app, client, login_as):
    """The attendance sheet, a page below the Presensi screen."""
    who = login_as("instructor")
    with app.app_context():
        klass = make_class("Menjahit A", instructor=db.session.get(Staff, who["staff_id"]))
        db.session.add(Enrollment(training_class=klass, client=make_client("Budi Santoso"),
                                  enrolled_on=date(2026, 1, 5)))
        session = TrainingSession(training_class=klass, date=date(2026, 2, 2),
                                  start_time=time(8), end_time=time(11))
        db.session.add(session)
        db.session.commit()
        session_id = session.id
    html = client.get(f"/admin/attendance_grid/record/?kind=training&id={session_id}") \
        .get_data(as_text=True)
    assert breadcrumbs(html) == [("Beranda", "/admin/"), ("Presensi", "/admin/attendance_grid/"),
                                 ("Daftar hadir", None)]


def test_details_pages_carry_no_filter_box(app, client, login_as):
    login_as("head")
    with app.app_context():
        budi = make_client("Budi Santoso")
        db.session.commit()
        budi_id, client_name = budi.id, str(budi)
        entry_id = db.session.scalars(db.select(AuditEntry.id).where(
            AuditEntry.table_name == "client")).one()
    for url in (f"/admin/client/details/?id={budi_id}", f"/admin/audit/details/?id={entry_id}"):
        html = client.get(url).get_data(as_text=True)
        assert breadcrumbs(html)[-1][0] in (client_name, f"#{entry_id}"), url
        assert "Budi Santoso" in html and "table-bordered searchable" in html, url
        assert 'id="fa_filter"' not in html, url
        assert ">Filter<" not in html and "details_filter.js" not in html, url


def test_a_client_without_a_name_still_gets_a_link(app, client, login_as):
    """A row whose name cell is empty still opens: the link reads "—"."""
    login_as("admin")
    with app.app_context():
        person = make_client("Budi Santoso")
        person.full_name = ""
        db.session.commit()
    row = first_row(client.get("/admin/client/").get_data(as_text=True))
    assert row.links["full_name"][0][1] == "—"
