"""The client form reads like the paper buku induk: titled sections side by side, and the
termination only once a termination is being recorded."""

from __future__ import annotations

import re
from datetime import date

from models import Client, db
from tests.conftest import make_client, post_form

SECTION = re.compile(r'<fieldset class="col-lg-6 form-section"([^>]*)><legend[^>]*>([^<]+)</legend>'
                     r'(.*?)</fieldset>', re.S)


def _sections(html: str) -> dict[str, tuple[str, list[str]]]:
    """legend → (the fieldset's attributes, the names of its inputs)."""
    return {legend: (attributes, re.findall(r'\sname="([a-z_]+)"', body))
            for attributes, legend, body in SECTION.findall(html)}


def test_the_registration_form_is_in_sections_without_the_termination_in_sight(
        client, login_as):
    login_as("admin")
    found = _sections(client.get("/admin/client/new/").get_data(as_text=True))
    assert list(found) == ["Identitas", "Asal &amp; rujukan", "Keluarga / wali",
                           "Penempatan &amp; pelayanan", "Terminasi"]
    assert found["Identitas"][1][:3] == ["register_number", "cohort", "full_name"]
    assert "guardian_phone" in found["Keluarga / wali"][1]
    attributes, fields = found["Terminasi"]
    assert fields == ["termination_date", "termination_reason"]
    assert " hidden" in attributes and 'data-shown-when="stage"' in attributes


def test_a_terminated_clients_form_shows_the_termination(app, client, login_as):
    with app.app_context():
        ended = make_client("Budi Santoso", stage="termination",
                            admission_date=date(2026, 1, 5), termination_date=date(2026, 6, 1),
                            termination_reason="goals_achieved")
        db.session.commit()
        ended_id = ended.id
    login_as("admin")
    found = _sections(client.get(f"/admin/client/edit/?id={ended_id}").get_data(as_text=True))
    assert " hidden" not in found["Terminasi"][0]
    assert "register_number" not in found["Identitas"][1]  # given once, never changed


def test_a_termination_message_is_never_out_of_sight(app, client, login_as):
    """Stage *Terminasi* without its date and reason: refused, the section shown with the
    message, nothing saved."""
    login_as("admin")
    url = "/admin/client/new/"
    response = post_form(client, url, {
        "full_name": "Sri Wahyuni", "sex": "P", "stage": "termination",
        "termination_date": "01/06/2026", "admission_date": "05/01/2026"})
    html = response.get_data(as_text=True)
    attributes, _fields = _sections(html)["Terminasi"]
    assert " hidden" not in attributes
    assert "Isi tanggal dan alasan terminasi bersama-sama." in html
    with app.app_context():
        assert db.session.query(Client).count() == 0
