"""The case-note list: an excerpt of each note's text, for the notes the user may read; the
interview record and the blank forms."""

from __future__ import annotations

import re
from datetime import date, timedelta

from models import CaseNote, db
from services.dates import today as panti_today
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


def test_the_interview_record_prints_a_note_and_the_forms_print_blank(app, client, login_as):
    """An interview note prints as the seeds' interview record; Formulir 2, 3, 4 and the
    interview record print blank to fill by hand; a progress note is no interview (404)."""
    me = login_as("social_worker")
    with app.app_context():
        person = make_client("Ujang Sutisna", stage="assessment",
                             social_worker_id=me["staff_id"],
                             admission_date=panti_today() - timedelta(days=10))
        interview = CaseNote(client_id=person.id, kind="interview", date=panti_today(),
                             problem="Menggali riwayat keluarga", content="Ayah sudah wafat",
                             result="Butuh dukungan keluarga besar",
                             next_step="Telepon paman minggu depan",
                             author_id=me["staff_id"])
        progress = CaseNote(client_id=person.id, kind="progress", date=panti_today(),
                            content="Baik")
        db.session.add_all([interview, progress])
        db.session.commit()
        ids = (interview.id, progress.id, person.register_number)
    html = client.get(f"/admin/case_note/interview/?id={ids[0]}").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "CATATAN WAWANCARA" in text and "Nama klien Ujang Sutisna" in text
    assert f"No. induk {ids[2]}" in text and "Tujuan wawancara Menggali riwayat keluarga" in text
    assert "Tahap pemecahan masalah 3. Asesmen" in text
    assert "Rencana kontak berikutnya Telepon paman minggu depan" in text
    details = client.get(f"/admin/case_note/details/?id={ids[0]}").get_data(as_text=True)
    assert f"/admin/case_note/interview/?id={ids[0]}" in details
    assert client.get(f"/admin/case_note/interview/?id={ids[1]}").status_code == 404
    for form, title, first_column in (("formulir-2", "CATATAN PERKEMBANGAN KLIEN", "Minggu"),
                                      ("formulir-3", "LAPORAN PEMECAHAN MASALAH KLIEN",
                                       "Asesmen"),
                                      ("wawancara", "CATATAN WAWANCARA", "Isi wawancara")):
        page = client.get(f"/admin/case_note/blank/{form}/").get_data(as_text=True)
        assert title in page
        header = page.split('data-testid="blank-rows"', 1)[1]
        assert re.search(r"<th>(.*?)</th>", header).group(1) == first_column
    weeks = client.get("/admin/case_note/blank/formulir-2/").get_data(as_text=True)
    assert re.findall(r"<tr><td>(I|II|III|IV)</td>", weeks) == ["I", "II", "III", "IV"]
    assert client.get("/admin/case_note/blank/formulir-9/").status_code == 404
    assert "EVALUASI UNJUK KERJA PEKERJA SOSIAL" in client.get(
        "/admin/worker_evaluation/blank/").get_data(as_text=True)
