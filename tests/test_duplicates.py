"""The duplicate check of registration (services/duplicates.py): the ways one person's name
is written, the evidence that makes two records one person, and the form that shows the
likely matches before saving and records the "different person" choice."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import event, func, select

from models import Client, ClientNameKey, DuplicateDecision, db
from services.duplicates import likely_same, name_words

from .conftest import csrf_token, make_client, post_form
from .test_client_rules import roster

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("written, read", [
    ("Moch. Achmad bin Joesoef", ["muhamad", "ahmad", "yusuf"]),
    ("MUHAMMAD  Rizki", ["muhamad", "rizki"]),
    ("M. Rizki", ["muhamad", "rizki"]),
    ("Mohamad Rizky", ["muhamad", "rizki"]),
    ("St. Nurhaliza binti Abd. Karim", ["siti", "nurhaliza", "abdul", "karim"]),
    ("Djoko Soesilo", ["joko", "susilo"]),
    ("Yanty", ["yanti"]),
    ("Hassan Basri", ["hasan", "basri"]),
    ("Akhmad Kholil", ["ahmad", "holil"]),
])
def test_one_name_written_many_ways_reads_the_same(written, read):
    assert name_words(written) == read


def _people() -> dict[str, int]:
    rows = {
        "Muhammad Rizki": dict(birth_date=date(1988, 4, 2), birth_place="Cirebon"),
        "Budi Santoso": dict(birth_date=date(1970, 1, 1), birth_place="Bandung"),
        "Siti Aminah": dict(sex="P", guardian_phone="0812-3456-7890"),
        "Joko Widodo": dict(nik="3201011407800009", birth_date=date(1980, 7, 14)),
        "Asep Sunandar": dict(family_card_number="3204010101200001"),
    }
    ids = {}
    for name, values in rows.items():
        ids[name] = make_client(name, **values).id
    db.session.commit()
    return ids


def _found(values: dict) -> list[tuple[str, list[str]]]:
    return [(match.client.full_name, match.reasons)
            for match in likely_same({"sex": "L", **values}, today=TODAY)]


def test_the_check_finds_the_person_however_the_name_is_written(app):
    with app.app_context():
        _people()
        assert _found({"full_name": "Moch. Rizky", "birth_date": date(1989, 1, 1)}) == [
            ("Muhammad Rizki", ["Nama sama", "Umur selisih paling banyak 2 tahun"])]
        assert _found({"full_name": "M Rizki", "birth_place": "cirebon"}) == [
            ("Muhammad Rizki", ["Nama sama", "Tempat lahir sama"])]
        assert _found({"full_name": "Rizki", "birth_date": date(1988, 4, 2)}) == [
            ("Muhammad Rizki", ["Nama mirip", "Tanggal lahir sama"])]
        # Numbers find a person whatever name they give this time.
        assert _found({"full_name": "Tanpa Nama", "nik": "3201011407800009"}) == [
            ("Joko Widodo", ["NIK sama"])]
        assert _found({"full_name": "Ujang", "sex": "P",
                       "guardian_phone": "+62 812 3456 7890"}) == []  # 30: a phone alone
        assert _found({"full_name": "Siti", "sex": "P",
                       "guardian_phone": "+62 812 3456 7890"}) == [
            ("Siti Aminah", ["Telepon wali sama", "Nama mirip"])]
        assert _found({"full_name": "Asep", "family_card_number": "3204010101200001"}) == [
            ("Asep Sunandar", ["Nomor KK sama", "Nama mirip"])]


def test_a_shared_common_name_and_nothing_else_is_not_a_match(app):
    with app.app_context():
        _people()
        assert _found({"full_name": "Muhammad Rizki"}) == []  # no date, place or number
        assert _found({"full_name": "Budi Santoso", "birth_date": date(1990, 5, 5),
                       "birth_place": "Bandung"}) == []  # twenty years apart
        assert _found({"full_name": "Muhammad Rizki", "sex": "P",
                       "birth_date": date(1988, 4, 2)}) == []  # another sex


def test_the_check_reads_one_query_whatever_the_roster(app):
    with app.app_context():
        _people()
        for i in range(40):
            make_client(f"Muhammad Rizki {i}", birth_date=date(1960 + i, 1, 1))
        db.session.commit()
        statements = []
        engine = db.engine

        def count(*_args):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            found = likely_same({"full_name": "M. Rizki", "sex": "L",
                                 "birth_date": date(1988, 4, 2)}, today=TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert found[0].client.full_name == "Muhammad Rizki" and len(statements) == 1


def test_keys_follow_the_name_through_edits_and_the_import(app, client, login_as):
    login_as("admin")
    with app.app_context():
        ids = _people()
    post_form(client, f"/admin/client/edit/?id={ids['Budi Santoso']}",
              {"full_name": "Bambang Pamungkas", "sex": "L", "birth_date": "1970-01-01"})
    with app.app_context():
        keys = set(db.session.scalars(select(ClientNameKey.key).where(
            ClientNameKey.client_id == ids["Budi Santoso"])))
        assert keys == {"n:bambang", "n:pamungkas"}
    html = client.post("/admin/client_import/", data={
        "csrf_token": csrf_token(client, "/admin/client_import/"),
        "file": (io.BytesIO(roster([{"full_name": "Dadang Koswara", "sex": "L",
                                     "stage": "approach", "guardian_phone": "0813 111 222"}])),
                 "buku-induk.xlsx")}, content_type="multipart/form-data").get_data(as_text=True)
    token = re.search(r'name="token" value="(\w+)"', html).group(1)
    client.post("/admin/client_import/confirm/", data={
        "csrf_token": csrf_token(client, "/admin/client_import/"), "token": token})
    with app.app_context():
        dadang = db.session.scalar(select(Client.id).where(Client.full_name == "Dadang Koswara"))
        assert set(db.session.scalars(select(ClientNameKey.key).where(
            ClientNameKey.client_id == dadang))) == {"n:dadang", "n:koswara", "t:0813111222"}


def _matches(html: str) -> list[str]:
    panel = html.split('data-testid="likely-matches"', 1)
    if len(panel) < 2:
        return []
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split())
            for item in re.findall(r"<li>(.*?)</li>", panel[1].split("</ul>")[0], re.S)]


def test_registering_a_likely_duplicate_shows_the_matches_and_saves_only_when_told(
        app, client, login_as):
    who = login_as("admin")
    with app.app_context():
        ids = _people()
        number = db.session.get(Client, ids["Muhammad Rizki"]).register_number
    form = {"full_name": "Moch. Rizky", "sex": "L", "birth_date": "1989-02-03",
            "birth_place": "Cirebon"}
    html = post_form(client, "/admin/client/new/", form).get_data(as_text=True)
    assert _matches(html) == [
        f"{number} — Muhammad Rizki · Cirebon 02/04/1988 · 6. Intervensi / bimbingan · Nama sama, "
        "Umur selisih paling banyak 2 tahun, Tempat lahir sama"]
    assert f'href="/admin/client/details/?id={ids["Muhammad Rizki"]}' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 5
    # Ticking the box without the matches shown (an old page, a script) is not enough.
    html = post_form(client, "/admin/client/new/", {**form, "different_person": "1"}
                     ).get_data(as_text=True)
    assert _matches(html)
    saved = post_form(client, "/admin/client/new/",
                      {**form, "different_person": "1", "shown": [str(ids["Muhammad Rizki"])]})
    assert saved.status_code == 302
    with app.app_context():
        rizky = db.session.scalar(select(Client).where(Client.full_name == "Moch. Rizky"))
        decision = db.session.scalar(select(DuplicateDecision))
        assert (decision.client_id, decision.shown, decision.decided_by_id) == (
            rizky.id, f"{number} — Muhammad Rizki", who["user_id"])


def test_a_registration_without_a_likely_match_saves_at_once(app, client, login_as):
    login_as("admin")
    with app.app_context():
        _people()
    saved = post_form(client, "/admin/client/new/", {"full_name": "Muhammad Rizki",
                                                      "sex": "L"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DuplicateDecision)) == 0
