"""The step pages (contract signing, a KK decision) type dates as every other form does:
dd/mm/yyyy with the picker, the same messages next to the field, the text kept after a
refused save."""

from __future__ import annotations

import re
from datetime import date, time
from html import unescape

from models import CaseConference, ConferenceDecision, ServiceContract, db
from tests.test_contracts import _draft, _plan, _sign

from .conftest import make_client, post_form


def _input(html: str, name: str) -> str:
    """The <input> tag of field ``name``."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input {name}"
    return match.group(0)


def _errors_next_to(html: str, name: str) -> list[str]:
    """The messages printed right after field ``name``'s input."""
    tail = html.split(_input(html, name), 1)[1]
    right_after = re.match(r'(\s*<div class="text-danger">.*?</div>)*', tail).group(0)
    return [unescape(m) for m in re.findall(r'<div class="text-danger">(.*?)</div>', right_after)]


def _is_picker(tag: str) -> None:
    assert 'data-role="datepicker"' in tag and 'data-date-format="DD/MM/YYYY"' in tag
    assert 'placeholder="dd/mm/yyyy"' in tag and 'type="text"' in tag


def test_contract_signing_date_is_typed_dd_mm_yyyy(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        plan_id, _person = _plan(me["staff_id"])
    contract_id = _draft(client, plan_id)
    page = client.get(f"/admin/contract/sign/?id={contract_id}").get_data(as_text=True)
    _is_picker(_input(page, "signed_date"))
    assert "daterangepicker.js" in page and "admin/js/form.js" in page  # the picker starts
    assert re.search(r'value="\d\d/\d\d/\d{4}"', _input(page, "signed_date"))  # today

    html = _sign(client, contract_id, signed_date="2026-13-45").get_data(as_text=True)
    assert _errors_next_to(html, "signed_date") == ["Tanggal 2026-13-45 tidak ada di kalender."]
    # Refused for another reason: the date stays as typed, day first.
    html = _sign(client, contract_id, signed_date="15/05/2026",
                 signed_by_worker="").get_data(as_text=True)
    assert "Kontrak harus ditandatangani klien dan pekerja sosial." in unescape(html)
    assert 'value="15/05/2026"' in _input(html, "signed_date")
    with app.app_context():
        assert db.session.get(ServiceContract, contract_id).status == "draft"

    assert _sign(client, contract_id, signed_date="15/05/2026").status_code == 302
    with app.app_context():
        contract = db.session.get(ServiceContract, contract_id)
        assert (contract.status, contract.signed_date) == ("signed", date(2026, 5, 15))
    details = client.get(f"/admin/contract/details/?id={contract_id}").get_data(as_text=True)
    assert "15/05/2026" in details


def test_kk_decision_next_review_is_typed_dd_mm_yyyy(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        person = make_client("Budi Santoso", social_worker_id=me["staff_id"])
        conference = CaseConference(date=date(2026, 3, 10), start_time=time(13),
                                    end_time=time(15), kind="periodic_review",
                                    location="Ruang Rapat", clients=[person])
        db.session.add(conference)
        db.session.commit()
        kk_id, person_id = conference.id, person.id
    url = f"/admin/conference/decision/?id={kk_id}&client_id={person_id}"
    _is_picker(_input(client.get(url).get_data(as_text=True), "next_review"))

    html = post_form(client, url, {"next_review": "2026-13-45", "recommendation": "continue",
                                   "termination_reason": ""}
                     ).get_data(as_text=True)
    assert _errors_next_to(html, "next_review") == ["Tanggal 2026-13-45 tidak ada di kalender."]
    html = post_form(client, url, {"next_review": "15/05/2026", "recommendation": "termination",
                                   "termination_reason": ""}).get_data(as_text=True)
    assert "Rekomendasi terminasi perlu alasan terminasi." in unescape(html)
    assert 'value="15/05/2026"' in _input(html, "next_review")
    with app.app_context():
        assert db.session.query(ConferenceDecision).count() == 0

    response = post_form(client, url, {"next_review": "15/05/2026",
                                       "recommendation": "continue", "termination_reason": ""})
    assert response.status_code == 302
    with app.app_context():
        (decision,) = db.session.query(ConferenceDecision).all()
        assert decision.next_review == date(2026, 5, 15)
    # Opened again: the stored date is shown day first.
    assert 'value="15/05/2026"' in _input(client.get(url).get_data(as_text=True), "next_review")
