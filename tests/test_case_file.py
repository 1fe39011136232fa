"""The case file (file pelayanan): one page per client in the seeds' parts a–m, each part
shown only to the roles allowed and only with the records the reader may see; a fixed number
of queries however long the file."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import event

from models import (
    AftercareVisit,
    CaseConference,
    CaseNote,
    ClientDocument,
    ConferenceDecision,
    DocumentType,
    NetworkPartner,
    Placement,
    Referral,
    User,
    db,
)
from services.dates import today as panti_today

from .conftest import csrf_token, make_client, make_staff, post_form

TODAY = panti_today()
PASSWORD = "kata-sandi-panjang-sekali"


def _world(app, copies: int = 1) -> dict[str, int]:
    with app.app_context():
        mine, other = make_staff("Siti Rahayu"), make_staff("Dewi Lestari")
        for username, staff in (("peksos", mine), ("peksos2", other)):
            user = User(username=username, role="social_worker", staff=staff)
            user.set_password(PASSWORD)
            db.session.add(user)
        person = make_client("Ahmad Yani", stage="aftercare", social_worker_id=mine.id,
                             admission_date=TODAY - timedelta(days=300),
                             termination_date=TODAY - timedelta(days=40),
                             termination_reason="goals_achieved")
        partner = NetworkPartner(name="Puskesmas Cibeber", kind="health")
        kind = DocumentType(name="Surat rujukan Dinas Sosial")
        db.session.add_all([partner, kind])
        db.session.flush()
        for n in range(copies):
            day = TODAY - timedelta(days=250 - n)
            db.session.add_all([
                CaseNote(client_id=person.id, kind="interview", date=day,
                         content=f"Penuturan awal {n}"),
                CaseNote(client_id=person.id, kind="assessment", aspect="social", date=day,
                         tools="Genogram", content=f"Temuan sosial {n}"),
                CaseNote(client_id=person.id, kind="case_summary", date=day,
                         content=f"Ringkasan kasus {n}"),
                CaseNote(client_id=person.id, kind="progress", date=day,
                         content=f"Perkembangan {n}", result="Positif"),
                CaseNote(client_id=person.id, kind="visit", date=day,
                         content=f"Kunjungan keluarga {n}"),
                CaseNote(client_id=person.id, kind="aftercare", date=TODAY,
                         content=f"Catatan binjut {n}"),
                ClientDocument(client_id=person.id, document_type=kind, number=f"DS-{n}",
                               file=f"x{n}.pdf", original_name="x.pdf"),
                Referral(client_id=person.id, partner=partner, referred_on=day,
                         reason=f"Periksa TB {n}"),
                Placement(client_id=person.id, kind="family", address="Garut",
                          start_date=TODAY - timedelta(days=45), plan=f"Rencana pulang {n}",
                          meeting_summary=f"Pertemuan keluarga {n}"),
                AftercareVisit(client_id=person.id, planned_on=TODAY + timedelta(days=20),
                               months_after=1),
            ])
            conference = CaseConference(date=day + timedelta(days=1), kind="periodic_review")
            db.session.add(conference)
            db.session.flush()
            db.session.add(ConferenceDecision(
                conference_id=conference.id, client_id=person.id,
                recommendation="termination", termination_reason="goals_achieved",
                formulation=f"Formulasi {n}", approval="approved"))
        db.session.commit()
        return {"client": person.id}


def _parts(html: str) -> dict[str, str]:
    """Part letter → its text."""
    return {letter: " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())
            for letter, body in re.findall(
                r'<section class="case-part[^"]*" data-part="(\w)">(.*?)</section>', html,
                re.S)}


def _log_in(client, username="peksos") -> None:
    post_form(client, "/login", {"username": username, "password": PASSWORD})


def test_the_social_worker_reads_every_part_of_their_clients_file(app, client):
    ids = _world(app)
    _log_in(client)
    html = client.get(f"/admin/client/case-file/?id={ids['client']}").get_data(as_text=True)
    parts = _parts(html)
    assert list(parts) == list("abcdefghijklm")
    for letter, text in (("a", "Ahmad Yani"), ("b", "Penuturan awal 0"),
                         ("c", "Surat rujukan Dinas Sosial DS-0"), ("d", "Temuan sosial 0"),
                         ("e", "Ringkasan kasus 0"), ("e", "Formulasi 0"),
                         ("f", "Perkembangan 0"), ("i", "Periksa TB 0"),
                         ("i", "Kunjungan keluarga 0"), ("j", "Rencana pulang 0"),
                         ("k", "Pertemuan keluarga 0"), ("l", "bulan ke-1"),
                         ("l", "Catatan binjut 0"), ("m", "Tujuan pelayanan tercapai")):
        assert text in parts[letter], (letter, text, parts[letter])
    assert "Formulir 2" in parts["h"]
    assert f"/admin/case_note/new/?client_id={ids['client']}" in unescape(html)
    assert "Riwayat tahap" in html
    # The client's page links to it.
    details = client.get(f"/admin/client/details/?id={ids['client']}").get_data(as_text=True)
    assert f"/admin/client/case-file/?id={ids['client']}" in unescape(details)


def test_each_part_shows_only_to_the_roles_allowed(app, client, login_as):
    ids = _world(app)
    url = f"/admin/client/case-file/?id={ids['client']}"
    seen = {}
    for role in ("admin", "head", "staff"):
        login_as(role)
        seen[role] = _parts(client.get(url).get_data(as_text=True))
        client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    # The admin: personal data, documents and the training attendance; never a note.
    assert set(seen["admin"]) == {"a", "c", "g"}
    assert "Penuturan" not in " ".join(seen["admin"].values())
    assert set(seen["head"]) == set("abcdefghijklm")
    assert set(seen["staff"]) == {"a", "g"}  # g: the reports they write
    # Another social worker reads the roster entry, not the case.
    _log_in(client, "peksos2")
    html = client.get(url).get_data(as_text=True)
    assert set(_parts(html)) == {"a", "g"} and "Penuturan" not in html
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("instructor")
    assert client.get(url).status_code == 403
    assert client.get("/admin/client/case-file/?id=999999").status_code == 403


def test_the_case_file_runs_the_same_queries_however_long_it_is(app, client):
    counts = []
    for copies in (1, 5):
        with app.app_context():
            db.session.remove()
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
        ids = _world(app, copies)
        _log_in(client)
        with app.app_context():
            engine = db.engine
        statements: list[int] = []

        def count(*_args, statements=statements):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            page = client.get(f"/admin/client/case-file/?id={ids['client']}")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert f"Perkembangan {copies - 1}" in page.get_data(as_text=True)
        counts.append(len(statements))
        client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert counts[0] == counts[1], counts
