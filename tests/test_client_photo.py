"""Client photos: checked by content and size, stored outside static/, served behind login."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from models import Client, db

from .conftest import field_errors, post_form

CLIENT = {"full_name": "Ujang Sukma", "sex": "L", "stage": "admission",
          "admission_date": "2026-03-02"}


def png_bytes(size=(40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, content: bytes, filename: str):
    data = {**CLIENT, "photo": (io.BytesIO(content), filename)}
    return post_form(client, "/admin/client/new/", data, content_type="multipart/form-data")


def test_photo_is_stored_outside_static_and_served_to_allowed_roles(app, client, login_as):
    login_as("admin")
    assert upload(client, png_bytes(), "../../wajah saya.png").status_code == 302
    with app.app_context():
        name = db.session.scalar(select(Client.photo))
    # The stored name is generated, never the uploaded one.
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", name)  # re-encoded: see test_uploads.py
    stored = os.path.join(app.config["UPLOAD_FOLDER"], "photos", name)
    assert os.path.exists(stored)
    assert not stored.startswith(os.path.join(app.root_path, "static"))
    photo = client.get(f"/admin/client/photo/{name}")
    try:
        assert photo.status_code == 200
        assert photo.data == Path(stored).read_bytes()
        assert photo.headers["Cache-Control"].startswith("private")
    finally:
        photo.close()


def test_photo_route_refuses_visitors_and_other_roles(app, client, login_as):
    login_as("admin")
    upload(client, png_bytes(), "foto.png")
    with app.app_context():
        name = db.session.scalar(select(Client.photo))
    client.post("/logout", data={"csrf_token": re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        client.get("/admin/").get_data(as_text=True)).group(1)})
    visitor = client.get(f"/admin/client/photo/{name}")
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    login_as("instructor")
    assert client.get(f"/admin/client/photo/{name}").status_code == 403


def test_unknown_photo_name_is_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/client/photo/../../secret_key").status_code == 404


def test_text_file_named_png_is_refused(app, client, login_as):
    login_as("admin")
    response = upload(client, b"<?php echo 'bukan gambar'; ?>", "foto.png")
    assert field_errors(response.get_data(as_text=True), "photo")
    with app.app_context():
        assert db.session.scalar(select(Client.id)) is None


def test_oversize_photo_is_refused_with_its_size(app, client, login_as, monkeypatch):
    login_as("admin")
    monkeypatch.setitem(app.config, "PHOTO_MAX_BYTES", 10 * 1024)
    big = png_bytes()
    big += os.urandom(30 * 1024)  # still a valid PNG header, 30 KB of trailing data
    response = upload(client, big, "foto.png")
    errors = field_errors(response.get_data(as_text=True), "photo")
    assert errors and "melebihi batas 10 KB" in errors[0]
    with app.app_context():
        assert db.session.scalar(select(Client.id)) is None
