"""Selection (stage 1): the four letters received or waived by the head, the criteria checked
by whom and when, and the head's decision, without which the stage machine does not admit."""

from __future__ import annotations

import re

from sqlalchemy import select

from models import Client, ClientDocument, LetterWaiver, Selection, db
from services import lifecycle
from services.dates import today as panti_today
from services.documents import ensure_default_types
from services.selection import CRITERIA, LETTERS

from .conftest import csrf_token, make_client
from .test_lifecycle import _flashed, _text

TODAY = panti_today()


def _world(app) -> dict:
    with app.app_context():
        kinds = {kind.name: kind.id for kind in ensure_default_types()}
        budi = make_client("Budi Santoso", stage="approach")
        lifecycle.begin(budi)
        db.session.add(ClientDocument(client_id=budi.id, type_id=kinds[LETTERS[0]],
                                      number="445/7/PKM", file="x.pdf", original_name="x.pdf"))
        db.session.commit()
        return {"budi": budi.id, "kinds": kinds}


def _post(client, client_id: int, **data):
    url = f"/admin/client_stage/selection/?id={client_id}"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="seen_version" value="([^"]*)"', page).group(1)
    return client.post(url, data={"csrf_token": csrf_token(client, "/password"),
                                  "seen_version": version, **data})


def test_the_head_accepts_only_with_every_letter_and_criterion_and_then_admission_opens(
        app, client, login_as):
    ids = _world(app)
    budi = ids["budi"]
    login_as("head")
    page = _text(client.get(f"/admin/client_stage/selection/?id={budi}").get_data(
        as_text=True))
    assert "Surat keterangan sehat (dokter pemerintah/Puskesmas) Ada (445/7/PKM)" in page
    assert "Surat persetujuan keluarga Belum ada" in page
    refused = _flashed(_post(client, budi, action="decide", accept="1").get_data(as_text=True))
    assert refused[0].startswith("Belum dapat diterima: Surat belum ada: Surat rujukan Dinas "
                                 "Sosial.")
    assert "Kriteria belum terpenuhi: Usia produktif." in refused[0]

    # The head waives the three missing letters, each with its reason (not without one).
    assert _flashed(_post(client, budi, action="waive", type_id=ids["kinds"][LETTERS[3]],
                          reason=" ").get_data(as_text=True)) == ["Tuliskan alasannya."]
    for name in LETTERS[1:]:
        assert _post(client, budi, action="waive", type_id=ids["kinds"][name],
                     reason="Tidak punya keluarga; dirujuk Satpol PP").status_code == 302
    criteria = {name: "1" for name, _label in CRITERIA}
    assert _post(client, budi, action="criteria", **criteria).status_code == 302
    assert _post(client, budi, action="decide", accept="1").status_code == 302
    with app.app_context():
        record = db.session.scalar(select(Selection))
        assert (record.decision, record.decided_on, record.checked_on) == (
            "accepted", TODAY, TODAY)
        assert record.decided_by.username == "head"
        assert db.session.query(LetterWaiver).count() == 3
        person = db.session.get(Client, budi)
        assert "Seleksi belum diterima pimpinan." not in [
            piece.message for option in lifecycle.options(person, None)
            for piece in option.missing]


def test_not_eligible_needs_its_reason_and_only_the_head_decides(app, client, login_as):
    ids = _world(app)
    login_as("social_worker")
    # Not their client: a received letter shows as received, not its number or scan.
    page = _text(client.get(f"/admin/client_stage/selection/?id={ids['budi']}").get_data(
        as_text=True))
    assert "Surat keterangan sehat (dokter pemerintah/Puskesmas) Ada Surat" in page
    assert "445/7/PKM" not in page
    # The social worker checks the criteria; deciding and waiving are the head's.
    assert _post(client, ids["budi"], action="criteria",
                 mentally_healthy="1").status_code == 302
    assert _flashed(_post(client, ids["budi"], action="decide", accept="0",
                          reason="Dalam proses hukum").get_data(as_text=True)) == [
        "Keputusan seleksi diambil oleh pimpinan."]
    assert _flashed(_post(client, ids["budi"], action="waive",
                          type_id=ids["kinds"][LETTERS[3]], reason="x").get_data(
        as_text=True)) == ["Hanya pimpinan yang dapat membebaskan surat."]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    login_as("head")
    assert _flashed(_post(client, ids["budi"], action="decide", accept="0").get_data(
        as_text=True)) == ["Tuliskan alasannya."]
    assert _post(client, ids["budi"], action="decide", accept="0",
                 reason="Sedang dalam proses hukum").status_code == 302
    with app.app_context():
        record = db.session.scalar(select(Selection))
        assert (record.decision, record.reason, record.mentally_healthy,
                record.checked_by.username) == (
            "not_eligible", "Sedang dalam proses hukum", True, "socialworker")
    assert client.post(f"/admin/client_stage/selection/?id={ids['budi']}", data={
        "csrf_token": csrf_token(client, "/password"), "action": "other"}).status_code == 400


def test_a_selection_created_twice_at_the_same_moment_is_refused_not_a_500(
        app, client, login_as, monkeypatch):
    """Two people starting the same candidate's selection at once: the second meets the
    unique constraint and is told so; nothing of it is kept."""
    from services import selection

    ids = _world(app)
    login_as("head")
    with app.app_context():
        db.session.add(Selection(client_id=ids["budi"]))
        db.session.commit()

    def as_if_none_existed(client_row):
        record = Selection(client=client_row)
        db.session.add(record)
        return record

    monkeypatch.setattr(selection, "selection_of", as_if_none_existed)
    response = _post(client, ids["budi"], action="criteria", mentally_healthy="1")
    assert response.status_code == 200
    assert _flashed(response.get_data(as_text=True))
    with app.app_context():
        assert [row.mentally_healthy for row in db.session.scalars(select(Selection))] == [None]
