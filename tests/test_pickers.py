"""AJAX pickers: search by name, only eligible rows, and the same rule on the posted id."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from models import Client, db

from .conftest import field_errors, make_staff, post_form


def lookup(client, endpoint: str, name: str, query: str) -> list:
    response = client.get(f"/admin/{endpoint}/ajax/lookup/?name={name}&query={query}")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def test_social_worker_picker_offers_only_active_social_workers(app, client, login_as):
    login_as("admin")
    with app.app_context():
        make_staff("Dedi Supriadi", "social_worker")
        make_staff("Dewi Lestari", "nurse")
        make_staff("Dendi Pensiun", "social_worker", active=False)
        db.session.commit()
    names = [text for _id, text in lookup(client, "client", "social_worker", "De")]
    assert names == ["Dedi Supriadi (Pekerja sosial)"]


def test_posting_an_id_the_picker_would_not_offer_is_refused(app, client, login_as):
    login_as("admin")
    with app.app_context():
        nurse = make_staff("Dewi Lestari", "nurse")
        db.session.commit()
        nurse_id = nurse.id
    response = post_form(client, "/admin/client/new/", {
        "full_name": "Asep", "sex": "L", "stage": "admission", "social_worker": nurse_id})
    assert field_errors(response.get_data(as_text=True), "social_worker")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 0


def test_session_picker_finds_by_class_name_and_date(app, client, login_as):
    from datetime import date

    from models import TrainingSession

    from .conftest import make_class

    login_as("admin")
    with app.app_context():
        klass = make_class("Las Dasar")
        db.session.add(TrainingSession(training_class=klass, date=date(2026, 2, 2),
                                       start_time=klass.start_time, end_time=klass.end_time))
        db.session.commit()
    assert [t for _i, t in lookup(client, "attendance", "session", "Las")] == [
        "Las Dasar — 02/02/2026"]
    assert len(lookup(client, "attendance", "session", "02/02/2026")) == 1
    assert lookup(client, "attendance", "session", "Menjahit") == []


def test_a_room_id_no_longer_offered_is_refused_not_dropped(app, client, login_as):
    """A select list (not only an AJAX picker) answers an unknown id with a message instead
    of saving the client without a room."""
    login_as("admin")
    response = post_form(client, "/admin/client/new/", {
        "full_name": "Budi Santoso", "sex": "L", "stage": "approach",
        "admission_date": "05/01/2026", "religion": "__None", "referral_source": "__None",
        "termination_reason": "__None", "room": "999999"})
    assert field_errors(response.get_data(as_text=True), "room") == [
        "Pilihan tidak valid atau tidak lagi tersedia. Silakan pilih ulang."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 0
