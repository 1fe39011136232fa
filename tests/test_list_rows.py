"""A list row's checkbox and buttons (templates/admin/panti_list.html): built once per page
around the row's id, each row carries its own id, and a role sees only the buttons it may
use."""

from __future__ import annotations

import re
from html import unescape

from models import db

from .conftest import make_client


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr>\s*(<td>.*?|<td class=\"list-buttons-column\">.*?)</tr>", html,
                      re.S)


def test_each_row_carries_its_own_id_in_every_button(app, client, login_as):
    login_as("admin")
    with app.app_context():
        ids = {make_client(name, number=f"2026-000{i}").id
               for i, name in enumerate(("Budi Santoso", "Siti Aminah"), start=1)}
        db.session.commit()
    html = client.get("/admin/client/").get_data(as_text=True)
    rows = _rows(html)
    assert len(rows) == 2
    for row in rows:
        row_id = re.search(r'name="rowid" class="action-checkbox" value="(\d+)"', row).group(1)
        links = [unescape(href) for href in re.findall(r'<a class="icon" href="([^"]+)"', row)]
        assert [link.split("?")[0] for link in links] == [
            "/admin/client/details/", "/admin/client/edit/", "/admin/client/history/"]
        assert all(link.startswith(f"/admin/client/{page}/?id={row_id}&url=/admin/client/")
                   for link, page in zip(links, ("details", "edit", "history"), strict=True))
        # The delete form posts this row's id with the page's CSRF token, and asks first.
        assert f'<input id="id" name="id" type="hidden" value="{row_id}">' in row
        assert 'name="csrf_token" type="hidden" value="' in row
        assert 'data-confirm="Yakin ingin menghapus data ini?"' in row
        assert 'title="Pilih data"' in row and 'title="Lihat Data"' in row
        ids.discard(int(row_id))
    assert ids == set()  # both rows, each with its own id


def test_a_reader_gets_no_checkbox_edit_or_delete(app, client, login_as):
    login_as("staff")  # reads the roster, writes nothing there
    with app.app_context():
        make_client("Budi Santoso", number="2026-0001")
        db.session.commit()
    rows = _rows(client.get("/admin/client/").get_data(as_text=True))
    assert len(rows) == 1
    assert "action-checkbox" not in rows[0] and "/admin/client/edit/" not in rows[0]
    assert "/admin/client/delete/" not in rows[0]
    assert "/admin/client/details/?id=" in rows[0]
