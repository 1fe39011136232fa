"""No silently lost edit: two people open the same record's form and both save; the second
is refused with who changed what and when, keeps their input on the form, and the database
keeps the first save. A single user saving twice in a row is never refused."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest

from models import (
    Attendance,
    CaseConference,
    Client,
    ConferenceDecision,
    PlanGoal,
    ServiceContract,
    ServicePlan,
    TrainingSession,
    User,
    db,
)

from .conftest import PASSWORD, flashed_errors, make_class, make_client, make_staff, make_user


class _FormReader(HTMLParser):
    """The values a browser would submit from each POST form of a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.inside = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.inside = True
            self.forms.append([])
        if not self.inside:
            return
        values, name = self.forms[-1], a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    values.append((name, a.get("value", "y")))
            elif kind not in ("submit", "button", "file"):
                values.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            values.append((self._select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.forms[-1].append((self._textarea,
                                   text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_values(response) -> dict[str, str]:
    """What the page's form that edits a record (it carries a version) would submit."""
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    for values in reader.forms:
        if any(name == "seen_version" for name, _value in values):
            return dict(values)
    raise AssertionError("no form carrying a version on the page")


class Browser:
    """One person at their own browser: opens a form (keeping what it showed), submits it."""

    def __init__(self, app, username: str, role: str):
        self.client = app.test_client()
        self.username = username
        with app.app_context():
            if db.session.query(User).filter_by(username=username).one_or_none() is None:
                make_user(role, username)
        page = self.client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = self.client.post("/login", data={"username": username,
                                                    "password": PASSWORD,
                                                    "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.url, self.values = "", {}

    def open(self, url: str) -> dict[str, str]:
        page = self.client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        self.url, self.values = url, form_values(page)
        return self.values

    def save(self, **changes: str):
        """Submit the opened form with ``changes`` typed in; returns the response."""
        data = {**self.values, **changes}
        return self.client.post(self.url, data=data)


def page_text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def field_value(response, name: str) -> str:
    """What the page's form shows in field ``name`` (input value or textarea text)."""
    return form_values(response)[name]


def assert_refused(response, *, by: str, field: str):
    """The second save is refused: the form again (not a redirect), the message names the
    first user and the changed field."""
    assert response.status_code == 200, response.status_code
    errors = " ".join(flashed_errors(response.get_data(as_text=True)))
    if not errors:
        errors = page_text(response)
    assert "sudah diubah oleh" in errors and by in errors, errors
    assert field in errors, errors
    assert "belum disimpan" in errors, errors


@pytest.fixture
def two_admins(app):
    return Browser(app, "admin", "admin"), Browser(app, "admin2", "admin")


# --- a record's edit form (every SecureModelView) ------------------------------------------

def test_second_save_of_a_client_is_refused_with_who_and_what(app, two_admins):
    first, second = two_admins
    with app.app_context():
        budi = make_client("Budi Santoso", stage="admission", address="Jl. Lama 1")
        db.session.commit()
        budi_id = budi.id
    url = f"/admin/client/edit/?id={budi_id}"
    first.open(url)
    second.open(url)

    assert first.save(address="Jl. Merdeka 5").status_code == 302
    refused = second.save(address="Jl. Sudirman 9", guardian_name="Sri Wahyuni")
    assert_refused(refused, by="admin", field="Alamat")
    html = refused.get_data(as_text=True)
    # Next to the field: who changed it and what it says now.
    assert "Diubah oleh admin" in html and "Jl. Merdeka 5" in html
    # Their own input is still on the form.
    assert field_value(refused, "address") == "Jl. Sudirman 9"
    assert field_value(refused, "guardian_name") == "Sri Wahyuni"
    with app.app_context():
        stored = db.session.get(Client, budi_id)
        assert (stored.address, stored.guardian_name) == ("Jl. Merdeka 5", None)

    # Having seen the other change, they may save again: now it is their decision.
    second.values = form_values(refused)
    assert second.save().status_code == 302
    with app.app_context():
        stored = db.session.get(Client, budi_id)
        assert (stored.address, stored.guardian_name) == ("Jl. Sudirman 9", "Sri Wahyuni")


def test_one_user_saving_twice_in_a_row_is_not_refused(app, two_admins):
    first, _second = two_admins
    with app.app_context():
        budi_id = make_client("Budi Santoso", stage="admission").id
        db.session.commit()
    url = f"/admin/client/edit/?id={budi_id}"
    for address in ("Jl. Satu 1", "Jl. Dua 2", "Jl. Tiga 3"):
        first.open(url)
        response = first.save(address=address, _continue_editing="1")
        assert response.status_code == 302, page_text(response)
    with app.app_context():
        assert db.session.get(Client, budi_id).address == "Jl. Tiga 3"
        assert db.session.get(Client, budi_id).row_version == 4
