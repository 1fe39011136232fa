"""Outreach (penjangkauan): a visit with the persons met, and a person met registered as a
client of stage 1 in one step, through the registration's rules and duplicate check."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

from sqlalchemy import func, select

from models import Client, DuplicateDecision, OutreachPerson, OutreachVisit, db
from services import lifecycle
from services.dates import today as panti_today

from .conftest import csrf_token, make_client, make_staff, post_form

DAY = panti_today() - timedelta(days=2)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _visit(app, client) -> int:
    with app.app_context():
        officer = make_staff("Dedi Supriadi", "social_worker").id
        db.session.commit()
    response = post_form(client, "/admin/outreach/new/", {
        "date": DAY.isoformat(), "place_kind": "intersection", "place": "Perempatan Cicaheum",
        "officers": str(officer), "actions": "Pendekatan dan motivasi",
        "persons-0-name": "Ujang Sukandi", "persons-0-estimated_age": "35",
        "persons-0-sex": "L", "persons-0-condition": "Mengemis, tanpa KTP",
        "persons-1-description": "Ibu berkerudung biru dengan balita",
        "persons-1-estimated_age": "30", "persons-1-sex": "P"})
    assert response.status_code == 302, _text(response.get_data(as_text=True))[-600:]
    with app.app_context():
        return db.session.scalar(select(OutreachVisit.id))


def _enrol(client, visit_id: int, person_id: int):
    page = client.get(f"/admin/outreach/details/?id={visit_id}").get_data(as_text=True)
    version = re.search(r'name="seen_version" value="([^"]*)"', page).group(1)
    return client.post("/admin/outreach/enrol/", data={
        "csrf_token": csrf_token(client, "/password"), "person_id": person_id,
        "seen_version": version})


def _person(app, named: bool) -> int:
    with app.app_context():
        return db.session.scalar(select(OutreachPerson.id).where(
            OutreachPerson.name.is_not(None) if named else OutreachPerson.name.is_(None)))


def test_a_visit_lists_who_was_met_and_a_person_becomes_a_client_in_one_step(
        app, client, login_as):
    login_as("social_worker")
    visit_id = _visit(app, client)
    listed = _text(client.get("/admin/outreach/").get_data(as_text=True))
    assert "Perempatan Cicaheum" in listed and "Perempatan / lampu merah" in listed
    details = _text(client.get(f"/admin/outreach/details/?id={visit_id}").get_data(
        as_text=True))
    assert "Ujang Sukandi 35 Laki-laki Mengemis, tanpa KTP Daftarkan sebagai klien" in details
    assert "Ibu berkerudung biru dengan balita 30 Perempuan" in details

    response = _enrol(client, visit_id, _person(app, named=True))
    assert response.status_code == 302
    with app.app_context():
        ujang = db.session.scalar(select(Client).where(Client.full_name == "Ujang Sukandi"))
        assert (ujang.stage, ujang.sex, ujang.referral_source) == ("approach", "L", "outreach")
        assert ujang.arrival_condition == (
            f"Ditemui saat penjangkauan {DAY:%d/%m/%Y} di Perempatan Cicaheum (Perempatan / "
            "lampu merah). Perkiraan umur 35 tahun. Mengemis, tanpa KTP")
        # A candidate: the register number comes with admission.
        assert ujang.register_number is None and response.headers["Location"].endswith(
            f"/admin/client/details/?id={ujang.id}")
        assert [(m.from_stage, m.to_stage) for m in lifecycle.timeline(ujang.id)] == [
            (None, "approach")]
        client_count = db.session.scalar(select(func.count()).select_from(Client))
    details = client.get(f"/admin/outreach/details/?id={visit_id}").get_data(as_text=True)
    assert f'href="/admin/client/details/?id={ujang.id}">Ujang Sukandi</a>' in details

    # Once only; and a person without a name cannot be registered from here.
    again = _text(client.get(_enrol(client, visit_id, _person(app, named=True)).headers[
        "Location"]).get_data(as_text=True))
    assert "Ujang Sukandi sudah didaftarkan sebagai calon klien." in again
    nameless = _text(client.get(_enrol(client, visit_id, _person(app, named=False)).headers[
        "Location"]).get_data(as_text=True))
    assert "Isi nama dan jenis kelamin orang ini dulu" in nameless
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == client_count


def _choice(client, visit_id: int, person_id: int, **choice):
    """Post the person's enrol form as the page shows it (the matches it lists) with the
    button pressed: ``same_as=<client id>`` or nothing (the "different person" button)."""
    page = client.get(f"/admin/outreach/details/?id={visit_id}").get_data(as_text=True)
    form = page.split(f'data-person="{person_id}"', 1)[1].split("</form>", 1)[0]
    return client.post("/admin/outreach/enrol/", data={
        "csrf_token": csrf_token(client, "/password"), "person_id": person_id,
        "seen_version": re.search(r'name="seen_version" value="([^"]*)"', form).group(1),
        "different_from": re.findall(r'name="different_from" value="(\d+)"', form),
        **choice})


def test_a_person_the_roster_may_already_hold_is_a_choice_recorded_either_way(
        app, client, login_as):
    """Brought in again after a sweep: the same name and about the same age (the estimate
    stands in for the birth date) is a likely match, shown under the person with the choice;
    a namesake twenty years older is not. "Different person" registers and records it."""
    who = login_as("social_worker")
    with app.app_context():
        earlier = make_client("Ujang Sukandi", stage="termination",
                              birth_date=date(panti_today().year - 36, 3, 3),
                              termination_date=date(2026, 1, 30),
                              termination_reason="refused_absconded")
        make_client("Ujang Sukandi", birth_date=date(panti_today().year - 56, 1, 1))
        db.session.commit()
        number, earlier_id = earlier.register_number, earlier.id
    visit_id = _visit(app, client)
    ujang = _person(app, named=True)
    page = _text(client.get(_enrol(client, visit_id, ujang).headers[
        "Location"]).get_data(as_text=True))
    assert (f"Mungkin sudah terdaftar: {number} — Ujang Sukandi. Pilih di bawah namanya: "
            "orang yang berbeda, atau orang yang sama yang diterima kembali.") in page
    shown = client.get(f"/admin/outreach/details/?id={visit_id}").get_data(as_text=True)
    panel = _text(shown.split('data-testid="likely-matches"', 1)[1].split("</div>", 1)[0])
    assert f"Mungkin orang ini sudah terdaftar: {number} — Ujang Sukandi · Nama sama" in panel
    assert 'data-testid="readmit"' not in shown  # a social worker does not re-admit
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 2
    assert _choice(client, visit_id, ujang).status_code == 302
    with app.app_context():
        new = db.session.scalar(select(OutreachPerson).where(OutreachPerson.id == ujang)).client
        assert (new.full_name, new.id != earlier_id, new.stay) == ("Ujang Sukandi", True, 1)
        decision = db.session.scalar(select(DuplicateDecision))
        assert (decision.client_id, decision.choice, decision.shown, decision.decided_by_id) \
            == (new.id, "different", f"{number} — Ujang Sukandi", who["user_id"])


def test_the_same_person_met_again_is_admitted_again_with_what_was_recorded(
        app, client, login_as):
    who = login_as("admin")
    with app.app_context():
        earlier = make_client("Ujang Sukandi", stage="termination",
                              birth_date=date(panti_today().year - 36, 3, 3),
                              termination_date=date(2026, 1, 30),
                              termination_reason="refused_absconded")
        db.session.commit()
        earlier_id = earlier.id
    visit_id = _visit(app, client)
    ujang = _person(app, named=True)
    done = _choice(client, visit_id, ujang, same_as=str(earlier_id))
    page = _text(client.get(done.headers["Location"]).get_data(as_text=True))
    assert "Ujang Sukandi diterima kembali: masa tinggal ke-2 dimulai pada tahap 1." in page
    with app.app_context():
        person = db.session.get(Client, earlier_id)
        assert db.session.scalar(select(func.count()).select_from(Client)) == 1
        assert (person.stay, person.stage, person.referral_source) == (2, "approach",
                                                                        "outreach")
        assert "Perempatan Cicaheum" in person.arrival_condition
        assert db.session.get(OutreachPerson, ujang).client_id == earlier_id
        decision = db.session.scalar(select(DuplicateDecision))
        assert (decision.client_id, decision.choice, decision.decided_by_id) == (
            earlier_id, "same", who["user_id"])
    # A client not among the person's matches is refused, nothing changed.
    with app.app_context():
        other = make_client("Rina Marlina", sex="P", stage="termination",
                            termination_date=date(2026, 1, 30),
                            termination_reason="own_will").id
        db.session.commit()
    _visit(app, client)
    with app.app_context():
        again = db.session.scalar(select(func.max(OutreachPerson.id)).where(
            OutreachPerson.name == "Ujang Sukandi"))
        visit_id = db.session.get(OutreachPerson, again).visit_id
    refused = _choice(client, visit_id, again, same_as=str(other))
    assert "Klien itu tidak termasuk kemiripan orang ini." in _text(
        client.get(refused.headers["Location"]).get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Client, other).stay == 1
        assert db.session.get(OutreachPerson, again).client_id is None


def test_who_reads_and_who_registers(app, client, login_as):
    login_as("social_worker")
    visit_id = _visit(app, client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    login_as("staff")
    assert client.get(f"/admin/outreach/details/?id={visit_id}").status_code == 200
    assert client.post("/admin/outreach/enrol/", data={
        "csrf_token": csrf_token(client, "/password"),
        "person_id": _person(app, named=True)}).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    login_as("instructor")
    assert client.get("/admin/outreach/").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 0
