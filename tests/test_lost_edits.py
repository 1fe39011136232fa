"""No silently lost edit: two people open the same record's form and both save; the second
is refused with who changed what and when, keeps their input on the form, and the database
keeps the first save. A single user saving twice in a row is never refused."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, time, timedelta, timezone
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import event, update

from models import (
    Attendance,
    AuditEntry,
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
from services.dates import today as panti_today

from .conftest import (
    PASSWORD,
    flashed_errors,
    make_class,
    make_client,
    make_staff,
    make_user,
)


class _FormReader(HTMLParser):
    """The values a browser would submit from each POST form of a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.inside = False
        self._select: str | None = None
        self._first: str | bool | None = None
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
            self._select, self._first = name, None
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value") or ""
            if "selected" in a:
                values.append((self._select, a.get("value") or ""))
                self._first = False
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if isinstance(self._first, str):  # none selected: a browser sends the first
                self.forms[-1].append((self._select, self._first))
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            for newline in ("\r\n", "\n"):  # a browser drops the one after <textarea>
                if text.startswith(newline):
                    text = text[len(newline):]
                    break
            self.forms[-1].append((self._textarea, text))
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


# --- inline child rows: a plan's goals ------------------------------------------------------

def _plan_of_own_client(app, worker_username: str) -> tuple[int, int, list[int]]:
    """A client of ``worker_username`` with a plan of two goals: (plan, client, goal ids)."""
    with app.app_context():
        worker = db.session.query(User).filter_by(username=worker_username).one().staff
        person = make_client("Budi Santoso", stage="planning", social_worker=worker)
        plan = ServicePlan(client=person, social_worker=worker, problems="Tidak punya KTP",
                           formulation="Bimbingan sosial",
                           goals=[PlanGoal(position=1, goal="Punya KTP", owner="both"),
                                  PlanGoal(position=2, goal="Ikut pelatihan", owner="client")])
        db.session.add(plan)
        db.session.commit()
        return plan.id, person.id, [goal.id for goal in plan.goals]


def test_a_goal_changed_meanwhile_refuses_the_plan_form(app):
    # The social worker has the plan open on the office PC and on a laptop.
    office = Browser(app, "peksos", "social_worker")
    laptop = Browser(app, "peksos", "social_worker")
    plan_id, _client, (goal_id, _other) = _plan_of_own_client(app, "peksos")
    url = f"/admin/service_plan/edit/?id={plan_id}"
    office.open(url)
    laptop.open(url)
    assert office.values["goals-0-id"] == str(goal_id)

    assert office.save(**{"goals-0-goal": "Punya KTP dan KK"}).status_code == 302
    refused = laptop.save(**{"goals-0-goal": "Punya KTP elektronik",
                             "problems": "Tidak punya KTP dan rumah"})
    assert_refused(refused, by="peksos", field="Tujuan")
    values = form_values(refused)
    assert values["goals-0-goal"] == "Punya KTP elektronik"
    assert values["problems"] == "Tidak punya KTP dan rumah"
    with app.app_context():
        plan = db.session.get(ServicePlan, plan_id)
        assert [g.goal for g in plan.goals] == ["Punya KTP dan KK", "Ikut pelatihan"]
        assert plan.problems == "Tidak punya KTP"


def test_a_goal_added_or_removed_meanwhile_counts_as_a_change_of_the_plan(app):
    office = Browser(app, "peksos", "social_worker")
    laptop = Browser(app, "peksos", "social_worker")
    plan_id, _client, (_first, second_goal) = _plan_of_own_client(app, "peksos")
    url = f"/admin/service_plan/edit/?id={plan_id}"
    office.open(url)
    laptop.open(url)
    assert office.save(**{"del-goals-1": "y"}).status_code == 302  # removes the 2nd goal
    with app.app_context():
        assert db.session.get(PlanGoal, second_goal) is None
    refused = laptop.save(problems="Tidak punya KTP dan rumah")
    assert_refused(refused, by="peksos", field="Tujuan")
    with app.app_context():
        assert db.session.get(ServicePlan, plan_id).problems == "Tidak punya KTP"


def test_a_kk_decision_meanwhile_refuses_the_plan_form_naming_the_head(app):
    worker = Browser(app, "peksos", "social_worker")
    head = Browser(app, "kepala", "head")
    plan_id, client_id, _goals = _plan_of_own_client(app, "peksos")
    with app.app_context():
        conference = CaseConference(date=panti_today(), start_time=time(13), end_time=time(14),
                                    kind="periodic_review",
                                    clients=[db.session.get(Client, client_id)])
        db.session.add(conference)
        db.session.commit()
        conference_id = conference.id
    worker.open(f"/admin/service_plan/edit/?id={plan_id}")
    head.open(f"/admin/conference/decision/?id={conference_id}&client_id={client_id}")
    saved = head.save(formulation="Rujuk ke BLK", recommendation="continue")
    assert saved.status_code == 302, page_text(saved)

    refused = worker.save(formulation="Bimbingan sosial dan mental")
    assert_refused(refused, by="kepala", field="Formulasi pelayanan")
    assert "Rujuk ke BLK" in refused.get_data(as_text=True)  # the note under the field
    assert form_values(refused)["formulation"] == "Bimbingan sosial dan mental"
    with app.app_context():
        assert db.session.get(ServicePlan, plan_id).formulation == "Rujuk ke BLK"


# --- the attendance sheet -------------------------------------------------------------------

def _sheet(app, instructor_username: str, n: int = 2) -> tuple[str, list[int]]:
    with app.app_context():
        teacher = db.session.query(User).filter_by(username=instructor_username).one().staff
        klass = make_class("Menjahit A", instructor=teacher)
        people = [make_client(f"Klien {i}") for i in range(n)]
        from models import Enrollment

        for person in people:
            db.session.add(Enrollment(training_class=klass, client=person,
                                      enrolled_on=panti_today() - timedelta(days=30)))
        session = TrainingSession(training_class=klass, date=panti_today(), start_time=time(8),
                                  end_time=time(9))
        db.session.add(session)
        db.session.commit()
        return (f"/admin/attendance_grid/record/?kind=training&id={session.id}",
                [person.id for person in people])


def _checked(response, client_id: int) -> str:
    match = re.search(rf'name="code-{client_id}" value="(\w?)"[^>]*checked',
                      response.get_data(as_text=True))
    return match.group(1) if match else ""


def _codes(app) -> dict[int, str]:
    with app.app_context():
        return {a.client_id: a.code for a in db.session.query(Attendance)}


def test_second_save_of_an_attendance_sheet_is_refused_with_who_and_whose_line(app):
    teacher = Browser(app, "instruktur", "instructor")
    office = Browser(app, "admin", "admin")
    url, (ani, budi) = _sheet(app, "instruktur")
    teacher.open(url)
    office.open(url)

    assert teacher.save(**{f"code-{ani}": "H"}).status_code == 302
    refused = office.save(**{f"code-{ani}": "A", f"code-{budi}": "S",
                             f"note-{budi}": "Demam"})
    assert refused.status_code == 200
    errors = page_text(refused)
    assert "Daftar hadir ini sudah diubah oleh instruktur" in errors, errors
    assert "Klien 0: H" in errors and "belum disimpan" in errors
    # Their own choices are still on the sheet.
    assert _checked(refused, ani) == "A" and _checked(refused, budi) == "S"
    assert form_values(refused)[f"note-{budi}"] == "Demam"
    assert _codes(app) == {ani: "H"}

    # Having seen it, they save again on purpose: now it goes through.
    office.values = form_values(refused)
    assert office.save().status_code == 302
    assert _codes(app) == {ani: "A", budi: "S"}


def test_a_sheet_saved_twice_by_its_leader_is_not_refused(app):
    teacher = Browser(app, "instruktur", "instructor")
    url, (ani, budi) = _sheet(app, "instruktur")
    for codes in ({f"code-{ani}": "H"}, {f"code-{ani}": "I", f"code-{budi}": "H"},
                  {f"code-{ani}": "", f"code-{budi}": "A"}):
        teacher.open(url)
        response = teacher.save(**codes)
        assert response.status_code == 302, page_text(response)
    assert _codes(app) == {budi: "A"}


# --- step pages: contract signing, KK decision, KK steps ------------------------------------

def _draft_contract(app, worker_username: str) -> int:
    with app.app_context():
        worker = db.session.query(User).filter_by(username=worker_username).one().staff
        person = make_client("Budi Santoso", stage="contract", social_worker=worker)
        contract = ServiceContract(client=person, social_worker=worker, kind="primary",
                                   status="draft", problem="Tidak punya KTP",
                                   goals="1. Punya KTP", start_date=panti_today(),
                                   end_date=panti_today() + timedelta(days=90), version=1)
        db.session.add(contract)
        db.session.commit()
        return contract.id


def test_second_signing_of_a_contract_is_refused(app):
    office = Browser(app, "peksos", "social_worker")
    laptop = Browser(app, "peksos", "social_worker")
    contract_id = _draft_contract(app, "peksos")
    url = f"/admin/contract/sign/?id={contract_id}"
    office.open(url)
    laptop.open(url)
    signed = office.save(signed_by_client="y", signed_by_worker="y",
                         guardian_signer="Sri Wahyuni")
    assert signed.status_code == 302, page_text(signed)

    refused = laptop.save(signed_by_client="y", signed_by_worker="y",
                          guardian_signer="Ani Lestari")
    assert_refused(refused, by="peksos", field="Keluarga/wali yang menandatangani")
    assert form_values(refused)["guardian_signer"] == "Ani Lestari"
    with app.app_context():
        contract = db.session.get(ServiceContract, contract_id)
        assert (contract.status, contract.guardian_signer) == ("signed", "Sri Wahyuni")


def _conference_about(app, *people: str) -> tuple[int, int]:
    """A KK today attended by ``people`` about a client: (conference id, client id)."""
    with app.app_context():
        staff = [db.session.query(User).filter_by(username=name).one().staff for name in people]
        person = make_client("Budi Santoso", stage="case_conference")
        conference = CaseConference(date=panti_today(), start_time=time(13), end_time=time(14),
                                    kind="periodic_review", clients=[person], attendees=staff)
        db.session.add(conference)
        db.session.commit()
        return conference.id, person.id


@pytest.mark.parametrize("existing", [True, False], ids=["correcting", "first-decision"])
def test_second_save_of_a_kk_decision_is_refused(app, existing):
    head = Browser(app, "kepala", "head")
    worker = Browser(app, "peksos", "social_worker")
    conference_id, client_id = _conference_about(app, "peksos")
    if existing:
        with app.app_context():
            db.session.add(ConferenceDecision(conference_id=conference_id, client_id=client_id,
                                              recommendation="continue", placement="Asrama"))
            db.session.commit()
    url = f"/admin/conference/decision/?id={conference_id}&client_id={client_id}"
    head.open(url)
    worker.open(url)
    saved = head.save(placement="Rumah kelompok", recommendation="placement")
    assert saved.status_code == 302, page_text(saved)

    refused = worker.save(placement="Asrama putra", next_review="")
    assert_refused(refused, by="kepala", field="Penempatan dalam program")
    assert form_values(refused)["placement"] == "Asrama putra"
    with app.app_context():
        decision = db.session.query(ConferenceDecision).one()
        assert (decision.placement, decision.recommendation) == ("Rumah kelompok", "placement")


def test_a_kk_step_on_an_emergency_change_decided_meanwhile_is_refused(app):
    from models import EmergencyChange

    head = Browser(app, "kepala", "head")
    worker = Browser(app, "peksos", "social_worker")
    plan_id, client_id, _goals = _plan_of_own_client(app, "peksos")
    with app.app_context():
        conference = CaseConference(date=panti_today(), start_time=time(13), end_time=time(14),
                                    kind="periodic_review",
                                    clients=[db.session.get(Client, client_id)])
        change = EmergencyChange(client_id=client_id, date=panti_today(), reason="Sakit",
                                 change="Rujuk ke RS", previous_formulation="Bimbingan sosial",
                                 status="pending")
        db.session.add_all([conference, change])
        db.session.commit()
        conference_id, change_id = conference.id, change.id
    details = f"/admin/conference/details/?id={conference_id}"
    step = f"/admin/conference/emergency/?id={conference_id}"
    head_page = head.client.get(details).get_data(as_text=True)
    worker_page = worker.client.get(details).get_data(as_text=True)

    def posted(page: str) -> dict[str, str]:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        seen = re.search(r'name="seen_version" value="([^"]+)"', page).group(1)
        return {"csrf_token": token, "seen_version": seen, "change_id": str(change_id)}

    assert worker.client.post(step, data={**posted(worker_page), "confirm": "0"}).status_code == 302
    refused = head.client.post(step, data={**posted(head_page), "confirm": "1"},
                               follow_redirects=True)
    errors = page_text(refused)
    assert "sudah diubah oleh peksos" in errors and "Status" in errors, errors
    with app.app_context():
        assert db.session.get(EmergencyChange, change_id).status == "cancelled"
        assert db.session.get(ServicePlan, plan_id).formulation == "Bimbingan sosial"


# --- both save at the same instant: the database's own check ----------------------------------

@contextmanager
def saved_by_someone_else_first(app, table: str, change, who: str = "admin2"):
    """Just before the request writes ``table``, another user's transaction commits
    ``change(connection)`` (with its audit entry): the moment between the form's version
    check and the write, which only the database can guard."""
    with app.app_context():
        engine = db.engine
    fired = []

    def sneak_in(conn, cursor, statement, parameters, context, executemany):
        words = statement.split()
        if fired or len(words) < 3 or words[0] not in ("UPDATE", "INSERT"):
            return
        if table not in (words[1].strip('"'), words[2].strip('"')):
            return
        fired.append(statement)
        with engine.begin() as other:
            record_id = change(other)
            other.execute(AuditEntry.__table__.insert().values(
                at=datetime.now(timezone.utc), action="update" if words[0] == "UPDATE"
                else "create", username=who, table_name=table, record_id=record_id,
                changes={"address": ["Jl. Lama 1", "Jl. Kilat 7"]} if table == "client"
                else {"code": [None, "I"]}))

    event.listen(engine, "before_cursor_execute", sneak_in)
    try:
        yield fired
    finally:
        event.remove(engine, "before_cursor_execute", sneak_in)


def test_a_save_at_the_same_instant_is_refused_by_the_database_not_a_500(app, two_admins):
    first, second = two_admins
    with app.app_context():
        budi_id = make_client("Budi Santoso", stage="admission", address="Jl. Lama 1").id
        db.session.commit()
    url = f"/admin/client/edit/?id={budi_id}"
    second.open(url)

    def other_save(conn):
        conn.execute(update(Client).where(Client.id == budi_id).values(
            address="Jl. Kilat 7", row_version=Client.row_version + 1))
        return budi_id

    with saved_by_someone_else_first(app, "client", other_save) as fired:
        refused = second.save(address="Jl. Sudirman 9")
    assert fired, "the other save did not happen"
    assert_refused(refused, by="admin2", field="Alamat")
    assert form_values(refused)["address"] == "Jl. Sudirman 9"
    with app.app_context():
        assert db.session.get(Client, budi_id).address == "Jl. Kilat 7"


def test_a_sheet_saved_at_the_same_instant_is_refused_not_a_500(app):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            pytest.skip("SQLite: a sheet is saved under the write lock taken before it is "
                        "read (services/transactions.py), so no save can land in between")
    office = Browser(app, "admin", "admin")
    with app.app_context():
        make_user("instructor", "instruktur")  # leads the session; saves through the database
    url, (ani, budi) = _sheet(app, "instruktur")
    office.open(url)
    session_id = int(url.rsplit("=", 1)[1])

    def other_save(conn):
        return conn.execute(Attendance.__table__.insert().values(
            session_id=session_id, client_id=ani, code="I", row_version=1,
            created_at=datetime.now(timezone.utc), updated_at=datetime.now(timezone.utc))
            .returning(Attendance.id)).scalar_one()

    with saved_by_someone_else_first(app, "attendance", other_save, who="instruktur") as fired:
        refused = office.save(**{f"code-{ani}": "H", f"code-{budi}": "H"})
    assert fired, "the other save did not happen"
    assert refused.status_code == 200
    errors = page_text(refused)
    assert "Daftar hadir ini sudah diubah oleh instruktur" in errors and "Klien 0: I" in errors
    assert _checked(refused, ani) == "H" and _checked(refused, budi) == "H"
    assert _codes(app) == {ani: "I"}


def test_a_login_at_the_same_instant_as_a_change_of_the_account_is_a_409_not_a_500(app):
    with app.app_context():
        user_id = make_user("admin", "rina").id
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def other_save(conn):
        conn.execute(update(User).where(User.id == user_id).values(
            row_version=User.row_version + 1))
        return user_id

    with saved_by_someone_else_first(app, "user_account", other_save) as fired:
        response = browser.post("/login", data={"username": "rina", "password": PASSWORD,
                                                "csrf_token": token})
    assert fired
    assert response.status_code == 409
    assert "baru saja diubah orang lain" in page_text(response)
    # Not half logged in: the login's record was rolled back, so is the session.
    assert browser.get("/admin/").status_code == 302


# --- the migration ----------------------------------------------------------------------------

ROWS_AT_0006 = [
    "INSERT INTO staff (id, name, position, is_core_member, active, created_at, updated_at) "
    "VALUES (1, 'Siti', 'social_worker', true, true, :now, :now)",
    "INSERT INTO room (id, name, kind, sex, capacity, active, created_at, updated_at) "
    "VALUES (1, 'Anggrek', 'dormitory', 'L', 10, true, :now, :now)",
    "INSERT INTO register_number (number, issued_at) VALUES ('2026-0001', :now)",
    "INSERT INTO client (id, register_number, full_name, sex, stage, social_worker_id, room_id, "
    "created_at, updated_at) VALUES (1, '2026-0001', 'Budi', 'L', 'planning', 1, 1, :now, :now)",
    "INSERT INTO recreation_activity (id, kind, title, date, start_time, end_time, "
    "allow_overlap, created_at, updated_at) VALUES (1, 'music', 'Angklung', '2026-02-02', "
    "'09:00', '10:00', false, :now, :now)",
    "INSERT INTO recreation_participant (activity_id, client_id) VALUES (1, 1)",
    "INSERT INTO attendance (id, activity_id, client_id, code, created_at, updated_at) "
    "VALUES (1, 1, 1, 'H', :now, :now)",
    "INSERT INTO service_plan (id, client_id, problems, created_at, updated_at) "
    "VALUES (1, 1, 'Tidak punya KTP', :now, :now)",
    "INSERT INTO plan_goal (id, plan_id, position, goal, owner, created_at, updated_at) "
    "VALUES (1, 1, 1, 'Punya KTP', 'both', :now, :now)",
    "INSERT INTO case_conference (id, date, kind, created_at, updated_at) "
    "VALUES (1, '2026-02-03', 'periodic_review', :now, :now)",
    "INSERT INTO conference_client (conference_id, client_id) VALUES (1, 1)",
    "INSERT INTO conference_attendee (conference_id, staff_id) VALUES (1, 1)",
]


def test_migration_0010_keeps_every_row_and_versions_them_1(tmp_path):
    """Upgrade a database populated at 0006 through 0010 (SQLite with foreign keys ON, or
    PostgreSQL), then downgrade 0010 and upgrade again: every row stays, each at version 1."""
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade
    from flask_migrate import upgrade as migrate_up
    from sqlalchemy import create_engine, inspect, text

    from app import ROOT, create_app

    from .conftest import test_database_url

    scripts = ScriptDirectory(str(ROOT / "migrations"))
    before_0010 = scripts.get_revision("0010_record_versions").down_revision

    url = test_database_url() or f"sqlite:///{tmp_path / 'm.db'}"
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS versions_check CASCADE"))
            conn.execute(text("CREATE SCHEMA versions_check"))
        url += ("&" if "?" in url else "?") + "options=-csearch_path%3Dversions_check"
        engine.dispose()
        engine = create_engine(url)
    migrated = create_app({"TESTING": True, "SECRET_KEY": "x",
                           "SQLALCHEMY_DATABASE_URI": url})
    tables = ("staff", "room", "client", "recreation_activity", "recreation_participant",
              "attendance", "service_plan", "plan_goal", "case_conference",
              "conference_client", "conference_attendee")

    def counts() -> dict[str, int]:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}

    try:
        with migrated.app_context():
            migrate_up(revision="0006_kk_decisions")
            with db.engine.begin() as conn:
                for statement in ROWS_AT_0006:
                    conn.execute(text(statement), {"now": datetime.now(timezone.utc)})
            before = counts()
            assert set(before.values()) == {1}
            migrate_up(revision="0010_record_versions")
            assert counts() == before
            with engine.connect() as conn:
                for table in ("client", "attendance", "plan_goal", "case_conference"):
                    assert conn.execute(text(f"SELECT row_version FROM {table}")).all() == [(1,)]
            downgrade(revision=before_0010)
            assert counts() == before
            assert "row_version" not in {c["name"] for c in inspect(engine).get_columns("client")}
            migrate_up(revision="0010_record_versions")
            assert counts() == before
    finally:
        with migrated.app_context():
            db.engine.dispose()
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA versions_check CASCADE"))
        engine.dispose()


def test_a_list_changed_meanwhile_refuses_the_form(app):
    """A KK's attendees are a many-to-many list: changing only them is a change of the KK."""
    head = Browser(app, "kepala", "head")
    worker = Browser(app, "peksos", "social_worker")
    conference_id, _client = _conference_about(app, "peksos")
    with app.app_context():
        psychologist = make_staff("Dewi Psikolog", "psychologist")
        db.session.commit()
        extra = psychologist.id
    url = f"/admin/conference/edit/?id={conference_id}"
    head.open(url)
    worker.open(url)
    attendees = head.values["attendees"]
    saved = head.save(attendees=f"{attendees},{extra}")
    assert saved.status_code == 302, page_text(saved)

    refused = worker.save(summary="Dibahas rencana penyaluran")
    assert_refused(refused, by="kepala", field="Peserta rapat")
    assert form_values(refused)["summary"] == "Dibahas rencana penyaluran"
    with app.app_context():
        conference = db.session.get(CaseConference, conference_id)
        assert conference.summary is None and len(conference.attendees) == 2
