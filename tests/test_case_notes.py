"""The case-note list: an excerpt of each note's text, for the notes the user may read."""

from __future__ import annotations

from datetime import date

from models import CaseNote, db
from tests.conftest import make_client
from tests.pages import list_rows, page

LONG = ("Klien  datang\nke ruang konseling <b>sendiri</b>;\tbercerita tentang keluarganya di "
        "Indramayu dan keinginan bekerja di bengkel motor setelah pelatihan selesai.")


def _note(client_id: int, content: str) -> int:
    note = CaseNote(client_id=client_id, kind="progress", date=date(2026, 3, 2),
                    content=content)
    db.session.add(note)
    db.session.commit()
    return note.id


def test_the_list_shows_an_escaped_one_line_excerpt_of_readable_notes(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        mine = _note(make_client("Klien Saya", social_worker_id=me["staff_id"]).id, LONG)
        short = _note(make_client("Klien Kedua", social_worker_id=me["staff_id"]).id,
                      "  Sehat.  ")
        other = _note(make_client("Klien Peksos Lain").id, "Rahasia klien lain")
    rows = list_rows(client, "/admin/case_note/")
    assert rows[mine]["content"] == ("Klien datang ke ruang konseling <b>sendiri</b>; "
                                     "bercerita tentang keluarganya di…")
    assert rows[short]["content"] == "Sehat."
    assert other not in rows
    html = page(client, "/admin/case_note/")
    assert "&lt;b&gt;sendiri&lt;/b&gt;" in html and "<b>sendiri" not in html
    assert "Rahasia klien lain" not in html
    # The details page still shows the whole text.
    assert "keinginan bekerja di bengkel motor" in page(
        client, f"/admin/case_note/details/?id={mine}")
