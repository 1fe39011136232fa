"""AJAX pickers: search by name, only eligible rows, and the same rule on the posted id."""

from __future__ import annotations

import json
import re
from html import unescape

from sqlalchemy import func, select

from models import Client, TrainingClass, db
from services.conflicts import clients_busy_during
from services.dates import today as panti_today

from .conftest import field_errors, make_client, make_staff, post_form


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


# --- pickers offer only what the save accepts (services/eligibility.py) --------------------
def offered(client, endpoint: str, name: str, **context) -> set[int]:
    """Every id the picker offers for an empty search, page by page, with the form's
    ``context`` (what static/js/pickers.js sends along)."""
    ids: set[int] = set()
    extra = "".join(f"&{key}={value}" for key, value in context.items())
    for offset in range(0, 10_000, 100):
        page = client.get(f"/admin/{endpoint}/ajax/lookup/?name={name}&query="
                          f"&offset={offset}&limit=100{extra}").get_json()
        ids |= {int(row[0]) for row in page}
        if len(page) < 100:
            return ids
    raise AssertionError("the picker did not end")


def _eligible_for(class_id: int) -> set[int]:
    """The enrollment rule said again, straight in SQL: in the intervention stages, not in
    the class yet."""
    from models import Enrollment
    from models.choices import INTERVENTION_STAGES

    in_class = select(Enrollment.client_id).where(Enrollment.class_id == class_id)
    return set(db.session.scalars(select(Client.id).where(
        Client.stage.in_(INTERVENTION_STAGES), Client.id.not_in(in_class))))


def test_the_enrollment_picker_offers_exactly_the_clients_each_demo_class_accepts(
        app, client, login_as):
    from datetime import date

    from seed.demo import load_demo

    from .conftest import PASSWORD

    with app.app_context():
        load_demo(PASSWORD, today=date(2026, 11, 22))
        db.session.commit()
        classes = {klass.id: _eligible_for(klass.id) for klass in
                   db.session.scalars(select(TrainingClass))}
        served = set(db.session.scalars(select(Client.id)))
    post_form(client, "/login", {"username": "admin", "password": PASSWORD})
    assert len(classes) >= 2
    for class_id, eligible in classes.items():
        found = offered(client, "enrollment", "client", training_class=class_id)
        with app.app_context():  # and free at the class's times (tested on its own below)
            eligible -= clients_busy_during(db.session.get(TrainingClass, class_id),
                                            panti_today())
        assert found == eligible, f"class {class_id}"
        assert found and found != served  # some offered, some not
    # Another class's members are offered for this one: the rule is per class.
    assert len({frozenset(ids) for ids in classes.values()}) > 1


def test_the_enrollment_picker_leaves_out_clients_busy_at_the_class_times(
        app, client, login_as):
    """A client in an activity at the time of one of the class's coming meetings is not
    offered; posted anyway, the save names the clash."""
    from datetime import time, timedelta

    from models import RecreationActivity

    from .conftest import make_class

    login_as("admin")
    with app.app_context():
        today = panti_today()
        klass = make_class("Menjahit B", weekdays="12345")
        klass.start_date, klass.end_date = today, today + timedelta(days=30)
        ani = make_client("Ani", stage="intervention")
        bayu = make_client("Bayu", stage="intervention")
        meeting = today + timedelta(days=1)
        while meeting.isoweekday() > 5:
            meeting += timedelta(days=1)
        db.session.add(RecreationActivity(kind="chess", title="Catur bersama", date=meeting,
                                          start_time=time(9), end_time=time(10),
                                          participants=[ani]))
        db.session.commit()
        class_id, ani_id, bayu_id = klass.id, ani.id, bayu.id
    assert offered(client, "enrollment", "client", training_class=class_id) == {bayu_id}
    html = post_form(client, "/admin/enrollment/new/", {
        "training_class": str(class_id), "client": str(ani_id),
        "enrolled_on": today.strftime("%d/%m/%Y"), "left_on": ""}).get_data(as_text=True)
    assert "Catur bersama" in html


def _enrollment_world():
    from datetime import date

    from models import Enrollment

    from .conftest import make_class

    klass = make_class("Menjahit A")
    people = {name: make_client(name, stage=stage) for name, stage in (
        ("Ani", "intervention"), ("Bayu", "case_conference"), ("Cici", "assessment"),
        ("Dodi", "intervention"), ("Eka", "intervention"), ("Fajar", "resocialization"))}
    dodi = Enrollment(training_class=klass, client=people["Dodi"], enrolled_on=date(2026, 1, 5))
    db.session.add_all([dodi, Enrollment(training_class=klass, client=people["Eka"],
                                         enrolled_on=date(2026, 1, 5),
                                         left_on=date(2026, 2, 1))])
    db.session.commit()
    return klass.id, dodi.id, {name: person.id for name, person in people.items()}


def test_the_enrollment_picker_follows_the_chosen_class_and_the_save_agrees(
        app, client, login_as):
    from models import Enrollment

    login_as("admin")
    with app.app_context():
        class_id, dodi_enrollment, ids = _enrollment_world()
    named = {person_id: name for name, person_id in ids.items()}

    def names(**context) -> set[str]:
        return {named[i] for i in offered(client, "enrollment", "client", **context)}

    assert names(training_class=class_id) == {"Ani", "Bayu"}  # Eka left: her row stays
    assert names() == {"Ani", "Bayu", "Dodi", "Eka"}  # no class chosen yet: stage only
    assert names(training_class=class_id, id=dodi_enrollment) == {"Ani", "Bayu", "Dodi"}
    assert names(training_class="x") == names()  # a bad value is no class

    form = {"training_class": str(class_id), "enrolled_on": "12/01/2026", "left_on": ""}
    for name, message in (
            ("Dodi", "Dodi sudah terdaftar di kelas ini."),
            ("Cici", "Cici berada pada tahap 3. Asesmen; hanya klien pada tahap intervensi "
                     "atau konferensi kasus yang dapat mengikuti kelas.")):
        html = post_form(client, "/admin/enrollment/new/",
                         {**form, "client": str(ids[name])}).get_data(as_text=True)
        assert field_errors(html, "client") == [message]
    response = post_form(client, "/admin/enrollment/new/", {**form, "client": str(ids["Ani"])})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 3


def test_the_enrollment_form_sends_its_class_to_the_picker(client, login_as):
    login_as("admin")
    html = client.get("/admin/enrollment/new/").get_data(as_text=True)
    picker = re.search(r'<input[^>]*id="client"[^>]*>', html).group(0)
    assert 'data-picker-context="training_class"' in picker
    assert "/static/js/pickers.js" in html


def _logged_in(app, role: str, username: str, staff_id: int):
    """A second browser, logged in as a new ``role`` account of the staff member."""
    from models import Staff

    from .conftest import PASSWORD, make_user

    with app.app_context():
        make_user(role, username, db.session.get(Staff, staff_id))
    browser = app.test_client()
    response = post_form(browser, "/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_the_plan_picker_offers_only_clients_without_a_plan(app, client, login_as):
    from models import ServicePlan

    who = login_as("social_worker")
    with app.app_context():
        mine = [make_client(name, social_worker_id=who["staff_id"])
                for name in ("Ani", "Bayu", "Cici")]
        other = make_staff("Peksos Lain")
        theirs = make_client("Dodi", social_worker_id=other.id)
        plan = ServicePlan(client=mine[0], social_worker_id=who["staff_id"], problems="Ada")
        db.session.add_all([plan, ServicePlan(client=mine[1], problems="Ada")])
        db.session.commit()
        plan_id, other_id = plan.id, other.id
        ids = {c.full_name: c.id for c in (*mine, theirs)}
    named = {person_id: name for name, person_id in ids.items()}
    assert {named[i] for i in offered(client, "service_plan", "client")} == {"Cici"}
    # Editing Ani's plan, Ani stays on offer.
    assert {named[i] for i in offered(client, "service_plan", "client", id=plan_id)} == {
        "Ani", "Cici"}
    colleague = _logged_in(app, "social_worker", "peksos.lain", staff_id=other_id)
    assert {named[i] for i in offered(colleague, "service_plan", "client")} == {"Dodi"}


def test_a_social_workers_new_plan_has_their_staff_record_picked(app, client, login_as):
    who = login_as("social_worker")
    html = client.get("/admin/service_plan/new/").get_data(as_text=True)
    picker = re.search(r'<input[^>]*id="social_worker"[^>]*>', html).group(0)
    assert f'value="{who["staff_id"]}"' in picker
    assert "Pegawai Socialworker" in unescape(picker)  # its label shows, not only the id


def test_an_emptied_multiple_picker_saves_nobody_picked(app, client, login_as):
    """Select2 posts one blank value when every client is taken off a multiple picker (a
    recreation without participants yet): saved without participants, not refused as an
    invalid pick."""
    from models import RecreationActivity

    login_as("admin")
    with app.app_context():
        leader_id = make_staff("Dewi Kusuma", "caregiver").id
        db.session.commit()
    response = post_form(client, "/admin/recreation/new/", {
        "kind": "angklung", "title": "Latihan angklung", "date": "07/02/2026",
        "start_time": "15:00", "end_time": "16:30", "place": "Aula",
        "leader": str(leader_id), "participants": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[-600:]
    with app.app_context():
        saved = db.session.query(RecreationActivity).one()
        assert saved.title == "Latihan angklung" and list(saved.participants) == []
