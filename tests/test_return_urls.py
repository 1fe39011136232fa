"""Flask-Admin's ``url=`` return address: a local path is followed, anything else is not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Client, db
from tests.conftest import csrf_token, make_client, post_form

OFF_SITE = ["http:evil.example", "HTTPS:evil.example/x", "//evil.example", "\\\\evil.example",
            "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
            "/\t/evil.example"]
NEW_CLIENT = {"full_name": "Ani Lestari", "sex": "P", "stage": "admission",
              "admission_date": "2026-01-05"}


def _budi(app) -> int:
    with app.app_context():
        budi = make_client("Budi Santoso")
        db.session.commit()
        return budi.id


@pytest.mark.parametrize("target", OFF_SITE)
def test_create_edit_and_delete_never_send_the_user_off_site(app, client, login_as, target):
    login_as("admin")
    budi_id = _budi(app)
    query = {"url": target}

    page = client.get("/admin/client/new/", query_string=query).get_data(as_text=True)
    assert "evil.example" not in page  # the "Batal" link goes back to the list
    created = post_form(client, "/admin/client/new/?" + _qs(query), NEW_CLIENT)
    assert created.headers["Location"] == "/admin/client/"

    edited = post_form(client, f"/admin/client/edit/?id={budi_id}&" + _qs(query),
                       {**NEW_CLIENT, "full_name": "Budi Santosa"})
    assert edited.headers["Location"] == "/admin/client/"

    deleted = client.post("/admin/client/delete/", query_string=query, data={
        "id": budi_id, "url": target, "csrf_token": csrf_token(client, "/admin/client/")})
    assert deleted.headers["Location"] == "/admin/client/"
    with app.app_context():  # every step did its work: only the redirect was refused
        assert db.session.scalars(select(Client.full_name)).all() == ["Ani Lestari"]


def test_a_local_return_address_is_still_followed(app, client, login_as):
    login_as("admin")
    budi_id = _budi(app)
    back = "/admin/client/?page=0&sort=1"
    edited = post_form(client, f"/admin/client/edit/?id={budi_id}&" + _qs({"url": back}),
                       {**NEW_CLIENT, "full_name": "Budi Santosa"})
    assert edited.headers["Location"] == back


def _qs(values: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(values)
