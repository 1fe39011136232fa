"""Pengaturan: opening the screen never writes; a default is stored by an admin's save."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from models import AuditEntry, Setting, db
from services.contracts import DEFAULT_RIGHTS, RIGHTS_KEY
from tests.conftest import post_form

LABEL = "Hak dan kewajiban pada kontrak pelayanan"


def _setting_history() -> list[tuple[str, str | None]]:
    return db.session.execute(select(AuditEntry.action, AuditEntry.username)
                              .where(AuditEntry.table_name == "setting")
                              .order_by(AuditEntry.id)).all()


def test_the_head_reads_the_defaults_and_nothing_is_stored(app, client, login_as):
    login_as("head")
    listing = unescape(client.get("/admin/setting/").get_data(as_text=True))
    assert LABEL in listing and "Mendapatkan pelayanan sesuai dengan kebutuhan" in listing
    assert f"/admin/setting/details/?id={RIGHTS_KEY}" in listing
    assert "/admin/setting/edit/" not in listing  # read only for the head
    details = unescape(client.get(f"/admin/setting/details/?id={RIGHTS_KEY}")
                       .get_data(as_text=True))
    assert "e. Menjaga kerahasiaan klien kecuali untuk kebutuhan pelayanan." in details
    assert client.get(f"/admin/setting/history/?id={RIGHTS_KEY}").status_code == 200
    refused = client.post(f"/admin/setting/edit/?id={RIGHTS_KEY}", data={"value": "x"})
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []
        assert _setting_history() == []


def test_an_admin_save_stores_the_setting_once(app, client, login_as):
    login_as("admin")
    listing = unescape(client.get("/admin/setting/").get_data(as_text=True))
    assert f"/admin/setting/edit/?id={RIGHTS_KEY}" in listing
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []
    form = unescape(client.get(f"/admin/setting/edit/?id={RIGHTS_KEY}").get_data(as_text=True))
    assert DEFAULT_RIGHTS.splitlines()[1] in form  # the default, ready to edit
    saved = post_form(client, f"/admin/setting/edit/?id={RIGHTS_KEY}",
                      {"value": "Hak dan kewajiban versi panti kami."})
    assert saved.status_code == 302
    post_form(client, f"/admin/setting/edit/?id={RIGHTS_KEY}",
              {"value": "Versi kedua."})
    with app.app_context():
        rows = db.session.execute(select(Setting.key, Setting.value)).all()
        assert rows == [(RIGHTS_KEY, "Versi kedua.")]
        assert _setting_history() == [("create", "admin"), ("update", "admin")]
    listing = unescape(client.get("/admin/setting/").get_data(as_text=True))
    assert "Versi kedua." in listing and listing.count(LABEL) == 1
