"""The client form reads like the paper buku induk: titled sections side by side, and the
stage and the termination nowhere (they are moves of the stage machine)."""

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


def test_the_registration_form_is_in_sections_without_stage_or_termination(client, login_as):
    """The stage and the termination are moves (the "Pindah tahap" page), not fields."""
    login_as("admin")
    html = client.get("/admin/client/new/").get_data(as_text=True)
    found = _sections(html)
    assert list(found) == ["Identitas", "Asal &amp; rujukan", "Keluarga / wali",
                           "Penempatan &amp; pelayanan"]
    assert found["Identitas"][1][:2] == ["cohort", "full_name"]  # no number: given at admission
    assert "guardian_phone" in found["Keluarga / wali"][1]
    assert found["Penempatan &amp; pelayanan"][1] == ["admission_date", "social_worker", "room"]
    assert not re.search(r'name="(stage|termination_date|termination_reason)"', html)


def test_a_posted_stage_or_termination_is_ignored(app, client, login_as):
    """A stage sent anyway (an old form, a script) does not move the client."""
    with app.app_context():
        budi = make_client("Budi Santoso", stage="assessment", admission_date=date(2026, 1, 5))
        db.session.commit()
        budi_id = budi.id
    login_as("admin")
    edit = client.get(f"/admin/client/edit/?id={budi_id}").get_data(as_text=True)
    assert "register_number" not in _sections(edit)["Identitas"][1]  # given once
    post_form(client, f"/admin/client/edit/?id={budi_id}", {
        "full_name": "Budi Santoso", "sex": "L", "stage": "aftercare",
        "termination_date": "01/06/2026", "termination_reason": "goals_achieved",
        "admission_date": "05/01/2026"})
    with app.app_context():
        budi = db.session.get(Client, budi_id)
        assert (budi.stage, budi.termination_date) == ("assessment", None)
