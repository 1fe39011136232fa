"""Uploads: photos are checked by their bytes and decoded within bounds; a file stays on disk
only when the save that refers to it commits."""

from __future__ import annotations

import io
import os
import random
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from models import Client, ServiceContract, db
from services import uploads
from tests.conftest import field_errors, flashed_errors, make_client, post_form
from tests.test_contracts import PNG, _draft, _plan, _sign

CLIENT = {"full_name": "Ujang Sukma", "sex": "L", "stage": "admission",
          "admission_date": "2026-03-02"}


def _folder(app, name: str) -> Path:
    return Path(app.config["UPLOAD_FOLDER"]) / name


def _files(folder: Path) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


def _image(fmt: str, size=(60, 40), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, fmt, **save)
    return buffer.getvalue()


def _noise_jpeg(size, quality) -> bytes:
    rng = random.Random(7)
    image = Image.frombytes("RGB", size, bytes(rng.getrandbits(8) for _ in range(
        size[0] * size[1] * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header declares ``width`` × ``height`` (its pixels never follow)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))


def _upload(client, content: bytes, filename: str, url="/admin/client/new/", **fields):
    data = {**CLIENT, **fields, "photo": (io.BytesIO(content), filename)}
    return post_form(client, url, data, content_type="multipart/form-data")


# --- what is accepted, and how it is stored -------------------------------------------

@pytest.mark.parametrize("fmt, name", [("PNG", "foto.png"), ("JPEG", "foto.jpg"),
                                       ("WEBP", "foto.webp")])
def test_an_accepted_photo_is_stored_re_encoded_as_jpeg(app, client, login_as, fmt, name):
    login_as("admin")
    assert _upload(client, _image(fmt), name).status_code == 302
    with app.app_context():
        stored = _folder(app, "photos") / db.session.scalar(select(Client.photo))
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (60, 40))


def test_a_large_photo_is_stored_smaller_and_within_the_size_limit(app, client, login_as,
                                                                    monkeypatch):
    # Under 500 KB, so the test client keeps it in memory; re-encoded at 85 it would not fit.
    photo = _noise_jpeg((1800, 1000), quality=20)
    monkeypatch.setitem(app.config, "PHOTO_MAX_BYTES", len(photo) + 1)
    login_as("admin")
    assert _upload(client, photo, "foto.jpg").status_code == 302
    with app.app_context():
        stored = _folder(app, "photos") / db.session.scalar(select(Client.photo))
    assert stored.stat().st_size <= len(photo) + 1
    with Image.open(stored) as image:
        assert image.format == "JPEG" and max(image.size) <= uploads.PHOTO_MAX_SIDE


# --- what is refused, before or without decoding ----------------------------------------

EPS = (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
       b"/Times findfont 12 scalefont setfont 0 0 moveto (x) show\nshowpage\n")


@pytest.mark.parametrize("content, name, message", [
    (EPS, "foto.png", "Foto harus berupa gambar JPEG, PNG atau WebP."),
    (EPS, "foto.jpg", "Foto harus berupa gambar JPEG, PNG atau WebP."),
    (_image("GIF"), "foto.png", "Foto harus berupa gambar JPEG, PNG atau WebP."),
    (_image("BMP"), "foto.webp", "Foto harus berupa gambar JPEG, PNG atau WebP."),
    (_image("PNG")[:40], "foto.png", "Berkas foto rusak atau tidak dapat dibaca."),
])
def test_anything_but_a_jpeg_png_or_webp_never_reaches_a_decoder(app, client, login_as,
                                                                 content, name, message,
                                                                 monkeypatch):
    opened = []
    real_open = uploads.Image.open
    monkeypatch.setattr(uploads.Image, "open",
                        lambda *a, **kw: opened.append(kw) or real_open(*a, **kw))
    login_as("admin")
    before = _files(_folder(app, "photos"))
    response = _upload(client, content, name)
    assert field_errors(response.get_data(as_text=True), "photo") == [message]
    # Pillow was never asked to guess: at most the one decoder the bytes name.
    assert all(kw.get("formats") in (["PNG"], ["JPEG"], ["WEBP"]) for kw in opened)
    if content is EPS:
        assert opened == []
    assert _files(_folder(app, "photos")) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(Client.id))) == 0


@pytest.mark.parametrize("content, name", [
    (_png_claiming(6000, 5000), "foto.png"),
    (_image("WEBP", (6000, 4500), lossless=True, method=0, quality=0), "foto.webp"),
])
def test_a_photo_with_too_many_pixels_is_refused_before_decoding(app, client, login_as,
                                                                 content, name):
    assert len(content) < 6 * 1024  # a few KB that would decode to ~100 MB
    login_as("admin")
    started = time.process_time()
    response = _upload(client, content, name)
    assert time.process_time() - started < 2  # the whole request; decoding took ~0.5 s+
    errors = field_errors(response.get_data(as_text=True), "photo")
    assert len(errors) == 1 and errors[0].startswith("Foto terlalu besar (")
    assert "paling besar 24 megapiksel" in errors[0]
    with app.app_context():
        assert db.session.scalar(select(func.count(Client.id))) == 0


def test_an_animated_photo_is_refused(app, client, login_as):
    frames = [Image.new("RGB", (20, 20), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])
    login_as("admin")
    response = _upload(client, buffer.getvalue(), "foto.png")
    assert field_errors(response.get_data(as_text=True), "photo") == [
        "Foto tidak boleh berupa animasi."]


# --- files follow the transaction -------------------------------------------------------

def test_a_creation_that_loses_a_race_leaves_no_photo(app, client, login_as, monkeypatch):
    from services.client_rules import Facts

    login_as("admin")
    nik = "3273011403900001"  # born 14/03/1990, a man
    with app.app_context():
        make_client("Asep Saepudin", nik=nik)  # the other registration, committed
        db.session.commit()
    # Our form was checked before that registration committed: the check saw the NIK free.
    monkeypatch.setattr(Facts, "nik_holder", lambda _self, _nik, _current: None)
    before = _files(_folder(app, "photos"))
    response = _upload(client, _image("PNG"), "foto.png", nik=nik, birth_date="14/03/1990")
    assert response.status_code == 200 and flashed_errors(response.get_data(as_text=True))
    assert _files(_folder(app, "photos")) == before
    with app.app_context():
        assert db.session.scalars(select(Client.full_name)).all() == ["Asep Saepudin"]


def test_a_failed_edit_keeps_the_old_photo_and_a_saved_one_replaces_it(app, client, login_as,
                                                                       monkeypatch):
    from admin_views.clients import ClientView

    login_as("admin")
    _upload(client, _image("PNG"), "lama.png")
    folder = _folder(app, "photos")
    with app.app_context():
        budi = db.session.scalar(select(Client))
        budi_id, old = budi.id, budi.photo
    before = _files(folder)
    edit = f"/admin/client/edit/?id={budi_id}"

    def database_fails(self, form, model, is_created):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ClientView, "on_model_change", database_fails)
    failed = _upload(client, _image("JPEG"), "baru.jpg", url=edit)
    assert "data tidak disimpan" in " ".join(flashed_errors(failed.get_data(as_text=True)))
    assert _files(folder) == before and (folder / old).exists()
    with app.app_context():
        assert db.session.get(Client, budi_id).photo == old

    monkeypatch.undo()
    assert _upload(client, _image("JPEG"), "baru.jpg", url=edit).status_code == 302
    with app.app_context():
        new = db.session.get(Client, budi_id).photo
    assert new != old and (folder / new).exists() and not (folder / old).exists()
    assert set(_files(folder)) == set(before) - {old} | {new}


def test_a_refused_signing_leaves_no_scan(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        plan_id, _person = _plan(me["staff_id"])
    contract_id = _draft(client, plan_id)
    folder = _folder(app, "contracts")
    before = _files(folder)
    with _sign(client, contract_id, signed_by_worker="",
               scan=(io.BytesIO(PNG), "kontrak.png")) as response:
        assert "Kontrak harus ditandatangani klien dan pekerja sosial." in \
            response.get_data(as_text=True)
    assert _files(folder) == before
    with _sign(client, contract_id, scan=(io.BytesIO(PNG), "kontrak.png")) as response:
        assert response.status_code == 302
    with app.app_context():
        scan = db.session.get(ServiceContract, contract_id).scan
    assert _files(folder) == sorted([*before, scan])
