"""The screens' case data and the flow every screen goes through: create, see it listed,
edit, delete, all through the real forms.

Each screen (one ``Case`` builder per endpoint, in the ``test_screens_*`` module of its
domain) posts what a browser posts (related rows by id, AJAX many-to-many pickers as
comma-separated ids, dates YYYY-MM-DD, times HH:MM, checked boxes "y", select codes, "__None"
for an empty select) and the flow reads the list and details pages as a user reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from models import db
from tests.conftest import csrf_token, post_form
from tests.pages import assert_redirected, assert_shows, assert_stored, details, list_rows


@dataclass
class Case:
    """One screen's related rows, the posted forms and what the user should then see."""

    model: type
    create: dict  # the new form as a browser posts it
    stored: dict  # attribute -> value in the database after the create
    listed: dict  # list column -> text of the new row
    shown: dict  # details label -> text
    edit: dict  # the whole edit form, as posted
    edited: dict  # attribute -> value after the edit
    edited_listed: dict  # list column -> text after the edit


def screen(endpoint: str, role: str = "admin"):
    """Marks a ``Case`` builder with the endpoint it fills in and the role that does it."""
    def register(build: Callable[[dict], Case]) -> Callable[[dict], Case]:
        build.endpoint, build.role = endpoint, role
        return build

    return register


def screens(*builds: Callable[[dict], Case]) -> list:
    """The builders as test parameters, each named by its endpoint."""
    return [pytest.param(build, id=build.endpoint) for build in builds]


def _ids(model) -> set[int]:
    return set(db.session.scalars(select(model.id)))


def create_list_edit_delete(app, client, login_as, build: Callable[[dict], Case]) -> None:
    """Create through the new form, find it listed and in its details, edit it, delete it."""
    endpoint = build.endpoint
    who = login_as(build.role)
    with app.app_context():
        case = build(who)
        db.session.commit()
        before = _ids(case.model)
    base = f"/admin/{endpoint}/"

    # Create through the new form.
    assert_redirected(post_form(client, f"{base}new/", case.create), base)
    with app.app_context():
        new = _ids(case.model) - before
        assert len(new) == 1, f"expected one new {case.model.__name__}, got {new}"
        (row_id,) = new
        assert_stored(db.session.get(case.model, row_id), case.stored)

    rows = list_rows(client, base, flashed="Data berhasil dibuat.")
    assert row_id in rows, f"the new row is not listed: {rows}"
    assert_shows(rows[row_id], case.listed, f"{base} after create")
    assert_shows(details(client, f"{base}details/?id={row_id}"), case.shown,
                 f"{base}details/?id={row_id}")

    # Edit through the edit form (every field re-posted, as the browser does).
    assert_redirected(post_form(client, f"{base}edit/?id={row_id}", case.edit), base)
    with app.app_context():
        assert_stored(db.session.get(case.model, row_id), case.edited)
    rows = list_rows(client, base, flashed="Data berhasil disimpan.")
    assert row_id in rows, f"the edited row is not listed: {rows}"
    assert_shows(rows[row_id], case.edited_listed, f"{base} after edit")

    # Delete with the list page's delete form.
    response = client.post(f"{base}delete/", data={
        "id": row_id, "csrf_token": csrf_token(client, base), "url": base,
    })
    assert_redirected(response, base)
    assert row_id not in list_rows(client, base, flashed="1 data berhasil dihapus.")
    with app.app_context():
        assert db.session.get(case.model, row_id) is None
        assert _ids(case.model) == before
