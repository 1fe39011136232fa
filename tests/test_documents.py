"""Documents on a client's file: typed scans, checked like a contract's scan, kept only when
the save commits, and served only to those who may see the client's documents."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape
from pathlib import Path

from sqlalchemy import func, select

from models import ClientDocument, DocumentType, User, db
from services.documents import ensure_default_types

from .conftest import PASSWORD, csrf_token, field_errors, make_client, make_staff

PDF = b"%PDF-1.4\n% surat keterangan sehat\n%%EOF\n"


def _world(app) -> dict[str, int]:
    with app.app_context():
        kinds = {kind.name: kind.id for kind in ensure_default_types()}
        mine = make_staff("Siti Rahayu", "social_worker")
        other = make_staff("Dewi Lestari", "social_worker")
        user = User(username="peksos", role="social_worker", staff=mine)
        user.set_password("kata-sandi-panjang-sekali")
        db.session.add(user)
        budi = make_client("Budi Santoso", social_worker_id=mine.id)
        joko = make_client("Joko Susilo", social_worker_id=other.id)
        db.session.commit()
        return {"budi": budi.id, "joko": joko.id,
                "health": kinds["Surat keterangan sehat (dokter pemerintah/Puskesmas)"]}


def _upload(client, data: dict, content: bytes | None, name: str = "surat-sehat.pdf",
            url: str = "/admin/client_document/new/"):
    form = {"csrf_token": csrf_token(client, url), **{k: str(v) for k, v in data.items()}}
    if content is not None:
        form["scan"] = (io.BytesIO(content), name)
    return client.post(url, data=form, content_type="multipart/form-data")


def _files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "documents"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def test_a_document_is_kept_listed_and_served_with_its_scan(app, client, login_as):
    ids = _world(app)
    login_as("admin")
    before = _files(app)
    response = _upload(client, {"client": ids["budi"], "document_type": ids["health"],
                                "number": "445/123/PKM", "issued_on": "2026-02-02"}, PDF)
    assert response.status_code == 302
    with app.app_context():
        document = db.session.scalar(select(ClientDocument))
        assert (document.number, document.issued_on, document.original_name) == (
            "445/123/PKM", date(2026, 2, 2), "surat-sehat.pdf")
        assert document.file != "surat-sehat.pdf" and document.uploaded_by.username == "admin"
        document_id = document.id
    assert _files(app) - before == {document.file}
    served = client.get(f"/admin/client_document/file/?id={document_id}")
    assert served.status_code == 200 and served.data == PDF
    assert served.headers["Cache-Control"] == "private, no-store"
    assert "surat-sehat.pdf" in served.headers["Content-Disposition"]
    served.close()
    details = client.get(f"/admin/client/details/?id={ids['budi']}").get_data(as_text=True)
    table = unescape(details.split('data-testid="client-documents"', 1)[1].split("</table>")[0])
    assert "Surat keterangan sehat (dokter pemerintah/Puskesmas)" in table
    assert "445/123/PKM" in table and "02/02/2026" in table


def test_a_file_that_is_not_a_scan_or_none_at_all_is_refused_and_nothing_kept(
        app, client, login_as):
    ids = _world(app)
    login_as("admin")
    before = _files(app)
    data = {"client": ids["budi"], "document_type": ids["health"]}
    html = _upload(client, data, b"MZ\x90\x00 not a pdf", name="surat.pdf").get_data(
        as_text=True)
    assert field_errors(html, "scan") == ["Pindaian harus berkas PDF, JPEG atau PNG."]
    html = _upload(client, data, None).get_data(as_text=True)
    assert field_errors(html, "scan") == ["Pilih berkas pindaian dokumen."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ClientDocument)) == 0
    assert _files(app) == before


def test_a_social_worker_keeps_their_own_clients_documents_and_no_one_elses(
        app, client, login_as):
    ids = _world(app)
    login_as("admin")
    for person in ("budi", "joko"):
        assert _upload(client, {"client": ids[person], "document_type": ids["health"]},
                       PDF).status_code == 302
    with app.app_context():
        by_client = {doc.client_id: doc.id for doc in db.session.scalars(select(ClientDocument))}
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    client.post("/login", data={"username": "peksos", "password": "kata-sandi-panjang-sekali",
                                "csrf_token": csrf_token(client, "/login")})
    listed = client.get("/admin/client_document/").get_data(as_text=True)
    assert "Budi Santoso" in listed and "Joko Susilo" not in listed
    served = client.get(f"/admin/client_document/file/?id={by_client[ids['budi']]}")
    assert served.status_code == 200
    served.close()
    for route in ("file", "details", "edit"):
        assert client.get(f"/admin/client_document/{route}/?id={by_client[ids['joko']]}"
                          ).status_code == 404
    # Nor can one be added to another worker's client (the picker's rule, on save too).
    html = _upload(client, {"client": ids["joko"], "document_type": ids["health"]},
                   PDF).get_data(as_text=True)
    assert field_errors(html, "client")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ClientDocument)) == 2


def test_roles_without_the_documents_get_403(app, client, login_as):
    ids = _world(app)
    login_as("admin")
    _upload(client, {"client": ids["budi"], "document_type": ids["health"]}, PDF)
    with app.app_context():
        document_id = db.session.scalar(select(ClientDocument.id))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    login_as("instructor")
    assert client.get(f"/admin/client_document/file/?id={document_id}").status_code == 403
    details = client.get(f"/admin/client/details/?id={ids['budi']}")
    assert details.status_code == 403  # an instructor does not read the roster either


def test_replacing_and_deleting_remove_the_old_scan_once_committed(app, client, login_as):
    ids = _world(app)
    login_as("admin")
    _upload(client, {"client": ids["budi"], "document_type": ids["health"]}, PDF)
    with app.app_context():
        document = db.session.scalar(select(ClientDocument))
        first, document_id = document.file, document.id
    url = f"/admin/client_document/edit/?id={document_id}"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="seen_version" type="hidden" value="([^"]+)"', page).group(1)
    response = _upload(client, {"client": ids["budi"], "document_type": ids["health"],
                                "seen_version": version}, PDF + b"%v2", name="baru.pdf",
                       url=url)
    assert response.status_code == 302
    with app.app_context():
        second = db.session.get(ClientDocument, document_id).file
    assert first not in _files(app) and second in _files(app)
    client.post("/admin/client_document/delete/", data={
        "csrf_token": csrf_token(client, "/admin/client_document/"), "id": document_id})
    with app.app_context():
        assert db.session.get(ClientDocument, document_id) is None
        assert db.session.scalar(select(func.count()).select_from(DocumentType)) == 9
    assert second not in _files(app)


# --- attachments of assessment notes ------------------------------------------------------

def _attach(client, note_id: int, content: bytes | None, name: str = "genogram.pdf",
            note: str = "Genogram keluarga"):
    form = {"csrf_token": csrf_token(client, "/password"), "note": note}
    if content is not None:
        form["attachment"] = (io.BytesIO(content), name)
    return client.post(f"/admin/case_note/attach/?id={note_id}", data=form,
                       content_type="multipart/form-data")


def _served(client, document_id: int) -> bytes:
    with client.get(f"/admin/client_document/file/?id={document_id}") as response:
        return response.data


def test_an_assessment_notes_attachment_is_read_only_by_whom_may_read_the_note(
        app, client, login_as):
    """The client's social worker attaches a genogram to an assessment note; it is listed on
    the note and served to them and the head, never to the admin (who reads the client's
    other documents but not case notes) nor another worker; a bad file, a progress note or
    a reader's post are refused and nothing is kept."""
    from models import CaseNote

    from .conftest import make_user

    ids = _world(app)
    with app.app_context():
        notes = {}
        for kind, aspect in (("assessment", "social"), ("progress", None)):
            note = CaseNote(client_id=ids["budi"], kind=kind, aspect=aspect,
                            date=date(2026, 2, 3), content="Keluarga tinggal di Garut.")
            db.session.add(note)
            db.session.flush()
            notes[kind] = note.id
        make_user("head", "kepala")
        db.session.commit()
    worker = app.test_client()
    assert worker.post("/login", data={"username": "peksos",
                                       "password": "kata-sandi-panjang-sekali",
                                       "csrf_token": csrf_token(worker, "/login")}
                       ).status_code == 302
    before = _files(app)
    refused = _attach(worker, notes["assessment"], b"MZ\x90\x00", name="genogram.pdf")
    shown = unescape(worker.get(refused.headers["Location"]).get_data(as_text=True))
    assert "Pindaian harus berkas PDF, JPEG atau PNG." in shown
    assert "Lampiran hanya untuk catatan asesmen." in unescape(worker.get(_attach(
        worker, notes["progress"], PDF).headers["Location"]).get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ClientDocument)) == 0
    assert _files(app) == before

    saved = _attach(worker, notes["assessment"], PDF)
    page = unescape(worker.get(saved.headers["Location"]).get_data(as_text=True))
    assert "Lampiran genogram.pdf disimpan." in page
    with app.app_context():
        document = db.session.scalar(select(ClientDocument))
        document_id = document.id
        assert (document.case_note_id, document.client_id, document.document_type.name,
                document.note) == (notes["assessment"], ids["budi"], "Lampiran asesmen",
                                   "Genogram keluarga")
    assert 'data-testid="note-attachments"' in page and "Genogram keluarga" in page
    progress = worker.get(f"/admin/case_note/details/?id={notes['progress']}")
    assert 'data-testid="note-attachments"' not in progress.get_data(as_text=True)
    assert _served(worker, document_id) == PDF

    with app.app_context():  # another social worker: the note answers as a missing one
        make_user("social_worker", "peksos2", staff=make_staff("Dewi", "social_worker"))
        db.session.commit()
    stranger = app.test_client()
    assert stranger.post("/login", data={"username": "peksos2", "password": PASSWORD,
                                         "csrf_token": csrf_token(stranger, "/login")}
                         ).status_code == 302
    assert _attach(stranger, notes["assessment"], PDF).status_code == 404
    assert stranger.get(f"/admin/client_document/file/?id={document_id}").status_code == 404

    login_as("head")
    assert _served(client, document_id) == PDF
    assert _attach(client, notes["assessment"], PDF).status_code == 403  # the head reads
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    login_as("admin")
    assert client.get(f"/admin/client_document/file/?id={document_id}").status_code == 404
    assert client.get(f"/admin/client_document/details/?id={document_id}").status_code == 404
    assert "genogram.pdf" not in client.get("/admin/client_document/").get_data(as_text=True)
    assert "genogram.pdf" not in client.get(
        f"/admin/client/details/?id={ids['budi']}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ClientDocument)) == 1
