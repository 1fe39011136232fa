"""Client search (services/client_search.py): any part of the register number, name, NIK,
birthplace or district, every word typed; through the engine's own text index, which the
database keeps in step with the clients."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest
from sqlalchemy import select, text

from models import Client, db
from services import client_search

from .conftest import make_client
from .pages import list_rows


def _people() -> dict[str, int]:
    rizki = make_client("Muhammad Rizki", number="2026-0049", birth_place="Cirebon",
                        district_of_origin="Kab. Cirebon", nik="3209011508880001",
                        birth_date=date(1988, 8, 15))
    siti = make_client("Siti Aminah", sex="P", number="2026-0050", birth_place="Garut",
                       district_of_origin="Kab. Garut")
    bu = make_client("Bu Ani", sex="P", number="2026-0051", birth_place="Bandung",
                     district_of_origin="Kota Bandung")
    odd = make_client("Asep 100%_Jaya", number="2026-0052", birth_place="Subang")
    db.session.commit()
    return {"rizki": rizki.id, "siti": siti.id, "bu": bu.id, "odd": odd.id}


def _names(client, search: str) -> set[str]:
    rows = list_rows(client, f"/admin/client/?search={quote(search)}")
    return {row["full_name"] for row in rows.values()}


@pytest.mark.parametrize(("search", "expected"), [
    ("izk", {"Muhammad Rizki"}),  # inside a word
    ("RIZKI", {"Muhammad Rizki"}),  # whatever the case
    ("0049", {"Muhammad Rizki"}),  # part of the register number
    ("15088800", {"Muhammad Rizki"}),  # part of the NIK
    ("irebo", {"Muhammad Rizki"}),  # birthplace and district
    ("Garut", {"Siti Aminah"}),
    ("rizki cirebon", {"Muhammad Rizki"}),  # every word, each in any column
    ("rizki garut", set()),
    ("100%_", {"Asep 100%_Jaya"}),  # % and _ are what was typed, not wildcards
    ("%", {"Asep 100%_Jaya"}),
    ('"rizki', set()),  # a quote is a character, not FTS syntax (no error either)
    ("ri OR si", set()),
])
def test_the_list_finds_any_part_of_every_word(app, client, login_as, search, expected):
    login_as("admin")
    with app.app_context():
        _people()
    assert _names(client, search) == expected


def test_one_or_two_characters_find_the_start_of_a_word(app, client, login_as):
    """Below a trigram, a term finds a word starting with it (Ani, not Bandung or Subang),
    through the word index."""
    login_as("admin")
    with app.app_context():
        _people()
    assert _names(client, "an") == {"Bu Ani"}
    assert _names(client, "Bu") == {"Bu Ani"}
    assert _names(client, "ri") == {"Muhammad Rizki"}
    assert _names(client, "GA") == {"Siti Aminah"}  # Garut, whatever the case
    assert _names(client, "ci") == {"Muhammad Rizki"}  # Cirebon
    assert _names(client, "s") == {"Siti Aminah", "Asep 100%_Jaya"}  # Siti, Subang
    assert _names(client, "ri ci") == {"Muhammad Rizki"}
    assert _names(client, "ri ga") == set()
    assert _names(client, "00") == {"Muhammad Rizki", "Siti Aminah", "Bu Ani",
                                    "Asep 100%_Jaya"}  # 2026-0049 … 2026-0052
    assert _names(client, "_J") == {"Asep 100%_Jaya"}  # not a word: read as typed


def test_the_index_follows_every_change_of_a_client(app, ctx):
    ids = _people()

    def found(term: str) -> set[int]:
        return set(db.session.scalars(select(Client.id).where(
            *client_search.conditions(term))))

    assert found("Aminah") == {ids["siti"]}
    db.session.get(Client, ids["siti"]).full_name = "Siti Rahmawati"
    db.session.commit()
    assert found("Aminah") == set() and found("Am") == set()
    assert found("ahmawat") == {ids["siti"]} and found("Ra") == {ids["siti"]}
    db.session.delete(db.session.get(Client, ids["bu"]))
    db.session.commit()
    assert found("Bandung") == set() and found("Bu") == set()
    if db.engine.dialect.name == "sqlite":
        for index in ("client_search", "client_search_words"):
            db.session.execute(text(
                f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)"))


@pytest.mark.parametrize(("term", "index"), [("rizki", "client_search_full_name"),
                                             ("ri", "client_search_words")])
def test_a_search_reads_the_text_index(app, ctx, term, index):
    """The plan of a search uses the index (on PostgreSQL with sequential scans off: with a
    handful of rows the planner would rightly read the table)."""
    _people()
    query = select(Client.id).where(*client_search.conditions(term))
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        plan = " ".join(str(row[-1]) for row in db.session.execute(
            text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "VIRTUAL TABLE INDEX" in plan, plan
    else:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {compiled}")))
        assert index in plan, plan
    db.session.rollback()


def test_the_client_picker_finds_a_client_the_same_way(app, client, login_as):
    login_as("admin")
    with app.app_context():
        ids = _people()
    found = client.get("/admin/client_document/ajax/lookup/?name=client&query=izk").get_json()
    assert [row[0] for row in found] == [ids["rizki"]]
    found = client.get("/admin/client_document/ajax/lookup/?name=client&query=rizki%20cirebon"
                       ).get_json()
    assert [row[0] for row in found] == [ids["rizki"]]
