"""Ids nested in another record (a client in a conference, a change posted to a KK, a scan
of a contract, an event of an attendance sheet, a picked id in a form) obey the same scope
as the list that would show them: 404 outside it, the database unchanged.

Each route is tried as the out-of-scope user (GET and POST) and, as a control that the URL
is right, as the record's owner (GET answers 200).
"""

from __future__ import annotations

import re
from datetime import date, time
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select

from models import (
    Attendance,
    CaseConference,
    CaseNote,
    ConferenceDecision,
    EmergencyChange,
    Enrollment,
    PlanGoal,
    RecreationActivity,
    ServiceContract,
    ServicePlan,
    TrainingSession,
    User,
    db,
)
from tests.conftest import (
    PASSWORD,
    csrf_token,
    field_errors,
    flashed_errors,
    make_class,
    make_client,
    make_user,
    post_form,
)
from tests.test_permissions import _snapshot

SECRET = "RAHASIA-KLIEN-LAIN"
MINE = "Keputusan klien saya"


def _world(app) -> dict[str, int]:
    """The logged-in roles' users and, for each, another user of the same role owning a
    record behind every nested-id route; returns the ids the routes need."""
    with app.app_context():
        me = make_user("social_worker", "peksos")
        other = make_user("social_worker", "peksoslain")
        teacher = make_user("instructor", "instruktur")
        other_teacher = make_user("instructor", "instrukturlain")
        carer = make_user("staff", "staf")
        other_carer = make_user("staff", "staflain")
        make_user("admin", "admin")
        mine = make_client("Klien Saya", social_worker_id=me.staff_id)
        theirs = make_client("Klien Peksos Lain", sex="P", social_worker_id=other.staff_id,
                             photo="foto-klien-lain.jpg")
        plans = {}
        for person, text in ((mine, "Formulasi saya"), (theirs, f"{SECRET} formulasi")):
            plans[person.id] = ServicePlan(
                client_id=person.id, problems=f"{SECRET} masalah", formulation=text,
                social_worker_id=person.social_worker_id,
                goals=[PlanGoal(position=1, goal=f"{SECRET} tujuan", owner="client")])
            db.session.add(plans[person.id])
        # KK A: both clients on the agenda, nobody attends; "peksos" reads it for their own
        # client only. KK B: only the other worker's client, who attends it.
        kk_a = CaseConference(date=date(2026, 3, 10), kind="periodic_review",
                              clients=[mine, theirs])
        kk_b = CaseConference(date=date(2026, 3, 17), kind="periodic_review", clients=[theirs],
                              attendees=[other.staff], summary=SECRET)
        db.session.add_all([kk_a, kk_b])
        db.session.flush()
        db.session.add_all([
            ConferenceDecision(conference_id=kk_a.id, client_id=mine.id, placement=MINE,
                               recommendation="continue"),
            ConferenceDecision(conference_id=kk_a.id, client_id=theirs.id,
                               placement=f"{SECRET} penempatan",
                               recommendation="termination",
                               termination_reason="goals_achieved", approval="pending"),
        ])
        change = EmergencyChange(client=theirs, date=date(2026, 3, 1), reason=SECRET,
                                 change="Rawat inap", previous_formulation="Sebelumnya",
                                 status="pending")
        contract = ServiceContract(client_id=theirs.id, social_worker_id=other.staff_id,
                                   kind="primary", problem=SECRET, goals=SECRET,
                                   start_date=date(2026, 2, 1), end_date=date(2026, 7, 31),
                                   status="draft", scan="pindaian-lain.pdf")
        note = CaseNote(client_id=theirs.id, kind="progress", date=date(2026, 2, 3),
                        content=SECRET)
        klass = make_class("Las Listrik", instructor=other_teacher.staff)
        session = TrainingSession(class_id=klass.id, date=date(2026, 2, 2),
                                  start_time=time(8), end_time=time(11), topic=SECRET)
        activity = RecreationActivity(kind="chess", title=SECRET, date=date(2026, 2, 5),
                                      start_time=time(15), end_time=time(16),
                                      leader_id=other_carer.staff_id, participants=[theirs])
        db.session.add_all([change, contract, note, session, activity,
                            Enrollment(class_id=klass.id, client_id=theirs.id,
                                       enrolled_on=date(2026, 1, 9))])
        db.session.flush()
        attendance = Attendance(session_id=session.id, client_id=theirs.id, code="S",
                                note=SECRET)
        db.session.add(attendance)
        db.session.commit()
        uploads = Path(app.config["UPLOAD_FOLDER"])
        for folder, name in (("contracts", contract.scan), ("photos", theirs.photo)):
            (uploads / folder).mkdir(parents=True, exist_ok=True)
            (uploads / folder / name).write_bytes(b"%PDF-1.4 " + SECRET.encode())
        del teacher, carer
        return {"kk_a": kk_a.id, "kk_b": kk_b.id, "mine": mine.id, "theirs": theirs.id,
                "plan": plans[theirs.id].id, "goal": plans[theirs.id].goals[0].id,
                "change": change.id, "contract": contract.id, "note": note.id,
                "session": session.id, "activity": activity.id, "attendance": attendance.id,
                "class": klass.id}


DECISION = {"placement": "Ditimpa", "formulation": "Ditimpa orang lain", "next_review": "",
            "recommendation": "continue", "termination_reason": ""}

# (role that may not reach it, owner who may, method, URL, posted data, expected status).
ROUTES = [
    # A KK decision: the client id is nested in the conference's.
    ("social_worker", "social_worker", "GET",
     "/admin/conference/decision/?id={kk_a}&client_id={theirs}", None, 404),
    ("social_worker", None, "POST",
     "/admin/conference/decision/?id={kk_a}&client_id={theirs}", DECISION, 404),
    # An emergency change posted to a KK the user reads.
    ("social_worker", None, "POST", "/admin/conference/emergency/?id={kk_a}",
     {"change_id": "{change}", "confirm": "0"}, 404),
    ("social_worker", "social_worker", "GET", "/admin/conference/details/?id={kk_b}", None,
     404),
    ("social_worker", "social_worker", "GET", "/admin/conference/minutes/?id={kk_b}", None,
     404),
    ("social_worker", "social_worker", "GET", "/admin/conference/history/?id={kk_b}", None,
     404),
    ("social_worker", "social_worker", "GET", "/admin/conference/edit/?id={kk_b}", None, 404),
    ("social_worker", None, "POST", "/admin/conference/edit/?id={kk_b}",
     {"date": "2026-03-17", "kind": "periodic_review", "summary": "Ditimpa"}, 404),
    ("social_worker", None, "POST", "/admin/conference/delete/", {"id": "{kk_b}"}, 404),
    # A contract: signing, its scan, its steps, print and history.
    ("social_worker", "social_worker", "GET", "/admin/contract/sign/?id={contract}", None,
     404),
    ("social_worker", None, "POST", "/admin/contract/sign/?id={contract}",
     {"signed_date": "2026-02-02", "signed_by_client": "y", "signed_by_worker": "y"}, 404),
    ("social_worker", "social_worker", "GET", "/admin/contract/scan/?id={contract}", None,
     404),
    ("social_worker", "social_worker", "GET", "/admin/contract/print/?id={contract}", None,
     404),
    ("social_worker", "social_worker", "GET", "/admin/contract/history/?id={contract}", None,
     404),
    ("social_worker", None, "POST", "/admin/contract/step/?id={contract}", {"step": "cancel"},
     404),
    ("social_worker", None, "POST", "/admin/contract/amend/?id={contract}", {}, 404),
    ("social_worker", None, "POST", "/admin/contract/edit/?id={contract}",
     {"problem": "Ditimpa", "goals": "Ditimpa"}, 404),
    # A service plan, its goals and the contract drafted from it.
    ("social_worker", "social_worker", "GET", "/admin/service_plan/details/?id={plan}", None,
     404),
    ("social_worker", "social_worker", "GET", "/admin/service_plan/history/?id={plan}", None,
     404),
    ("social_worker", None, "POST", "/admin/service_plan/edit/?id={plan}",
     {"formulation": "Ditimpa", "goals-0-id": "{goal}", "goals-0-goal": "Ditimpa"}, 404),
    ("social_worker", None, "POST", "/admin/service_plan/draft-contract/?id={plan}", {}, 404),
    # An emergency change and a case note.
    ("social_worker", "social_worker", "GET", "/admin/emergency_change/details/?id={change}",
     None, 404),
    ("social_worker", "social_worker", "GET", "/admin/emergency_change/history/?id={change}",
     None, 404),
    ("social_worker", "social_worker", "GET", "/admin/case_note/history/?id={note}", None,
     404),
    # No access to case screens at all: 403.
    ("admin", None, "GET", "/admin/conference/decision/?id={kk_a}&client_id={theirs}", None,
     403),
    ("admin", None, "POST", "/admin/conference/decision/?id={kk_a}&client_id={theirs}",
     DECISION, 403),
    ("admin", None, "GET", "/admin/contract/scan/?id={contract}", None, 403),
    # Attendance: the event id of a sheet, the rows of another instructor's class.
    ("instructor", "instructor", "GET", "/admin/attendance_grid/record/?kind=training&id="
     "{session}", None, 404),
    ("instructor", None, "POST", "/admin/attendance_grid/record/?kind=training&id={session}",
     {"code-{theirs}": "H"}, 404),
    ("staff", "staff", "GET", "/admin/attendance_grid/record/?kind=recreation&id={activity}",
     None, 404),
    ("staff", None, "POST", "/admin/attendance_grid/record/?kind=recreation&id={activity}",
     {"code-{theirs}": "A"}, 404),
    ("social_worker", None, "GET", "/admin/attendance_grid/record/?kind=training&id="
     "{session}", None, 404),
    ("instructor", "instructor", "GET", "/admin/attendance/history/?id={attendance}", None,
     404),
    ("instructor", None, "POST", "/admin/attendance/edit/?id={attendance}",
     {"session": "{session}", "client": "{theirs}", "code": "H"}, 404),
    ("instructor", "instructor", "GET", "/admin/training_session/history/?id={session}",
     None, 404),
    ("instructor", "instructor", "GET", "/admin/export/download/attendance/?month=2026-02"
     "&class_id={class}", None, 404),
    # The client's photo and history: the instructor has no roster at all.
    ("instructor", None, "GET", "/admin/client/photo/foto-klien-lain.jpg", None, 403),
    ("instructor", None, "GET", "/admin/client/history/?id={theirs}", None, 403),
]
OWNER = {"social_worker": "peksoslain", "instructor": "instrukturlain", "staff": "staflain"}
OUTSIDER = {"social_worker": "peksos", "instructor": "instruktur", "staff": "staf",
            "admin": "admin"}


def _login(client, username: str) -> None:
    response = post_form(client, "/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def _fill(text: str, ids: dict[str, int]) -> str:
    return text.format(**ids)


@pytest.mark.parametrize("role", sorted(OUTSIDER))
def test_nested_ids_outside_the_scope_answer_404_and_change_nothing(app, client, role):
    ids = _world(app)
    _login(client, OUTSIDER[role])
    token = csrf_token(client, "/password")
    wrong = []
    for outsider, _owner, method, url, data, status in ROUTES:
        if outsider != role:
            continue
        url = _fill(url, ids)
        with app.app_context():
            before = _snapshot()
        if method == "GET":
            response = client.get(url)
        else:
            form = {_fill(k, ids): _fill(v, ids) for k, v in data.items()}
            response = client.post(url, data={"csrf_token": token, **form})
        body = response.get_data(as_text=True)
        response.close()
        if response.status_code != status:
            wrong.append(f"{method} {url}: {response.status_code}, expected {status}")
        if SECRET in body:
            wrong.append(f"{method} {url} shows the other worker's record")
        with app.app_context():
            if _snapshot() != before:
                wrong.append(f"{method} {url} changed the database")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("role", sorted(OWNER))
def test_the_same_urls_open_for_the_records_owner(app, client, role):
    """The control: every GET above is a working URL, answering 200 to its owner."""
    ids = _world(app)
    _login(client, OWNER[role])
    for _outsider, owner, method, url, _data, _status in ROUTES:
        if owner == role and method == "GET":
            with client.get(_fill(url, ids)) as response:  # a file download: close it
                assert response.status_code == 200, url


def test_a_social_worker_who_did_not_attend_neither_reads_nor_writes_another_decision(
        app, client):
    ids = _world(app)
    _login(client, "peksos")
    details = unescape(client.get(f"/admin/conference/details/?id={ids['kk_a']}")
                       .get_data(as_text=True))
    rows = dict(re.findall(r'data-client="(\d+)">(.*?)</tr>', details, re.S))
    assert "client_id=" in rows[str(ids["mine"])]          # may record their own client's
    assert "client_id=" not in rows[str(ids["theirs"])]    # no link to another's decision
    assert "belum ada" in rows[str(ids["theirs"])]
    # Their own client's decision opens and saves.
    own = f"/admin/conference/decision/?id={ids['kk_a']}&client_id={ids['mine']}"
    assert MINE in client.get(own).get_data(as_text=True)
    assert post_form(client, own, {**DECISION, "placement": "Tetap di panti"}
                     ).status_code == 302
    # The termination recommended for the other worker's client is not listed for them.
    waiting = client.get("/admin/conference/terminations/").get_data(as_text=True)
    assert "Klien Peksos Lain" not in waiting
    with app.app_context():
        plan = db.session.scalar(select(ServicePlan).where(
            ServicePlan.client_id == ids["theirs"]))
        assert plan.formulation == f"{SECRET} formulasi"
        assert db.session.scalar(select(ConferenceDecision.placement).where(
            ConferenceDecision.client_id == ids["theirs"])) == f"{SECRET} penempatan"


def _conference_form(ids, **extra) -> dict[str, str]:
    return {"date": "2026-03-10", "kind": "periodic_review", "location": "",
            "clients": f"{ids['mine']},{ids['theirs']}", "summary": "", "decisions": "",
            **extra}


def test_a_social_worker_cannot_make_themselves_attendee_or_chair(app, client):
    ids = _world(app)
    _login(client, "peksos")
    with app.app_context():
        me = db.session.scalar(select(User.staff_id).where(User.username == "peksos"))
    message = ("Pimpinan dan peserta rapat ditetapkan oleh pimpinan panti; kembalikan isian "
               "ini seperti semula.")
    url = f"/admin/conference/edit/?id={ids['kk_a']}"
    with app.app_context():
        before = _snapshot()
    html = post_form(client, url, _conference_form(ids, attendees=str(me))).get_data(
        as_text=True)
    assert field_errors(html, "attendees") == [message]
    html = post_form(client, url, _conference_form(ids, chair=str(me))).get_data(as_text=True)
    assert field_errors(html, "chair") == [message]
    # Nor by creating a conference of their own about the other worker's client.
    html = post_form(client, "/admin/conference/new/",
                     _conference_form(ids, date="2026-04-07", attendees=str(me))
                     ).get_data(as_text=True)
    assert field_errors(html, "attendees") == [message]
    with app.app_context():
        assert _snapshot() == before
    # Without attendees the new conference is saved, and adds no reading right.
    assert post_form(client, "/admin/conference/new/",
                     _conference_form(ids, date="2026-04-07")).status_code == 302
    with app.app_context():
        new_id = db.session.scalar(select(CaseConference.id).where(
            CaseConference.date == date(2026, 4, 7)))
    assert client.get(f"/admin/conference/decision/?id={new_id}&client_id={ids['theirs']}"
                      ).status_code == 404
    # Editing other fields keeps the attendees the head set and is allowed.
    assert post_form(client, url, _conference_form(ids, location="Aula")).status_code == 302

    # The head sets the attendees; an attendee then reads every decision of that meeting.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    make = app.test_client()
    with app.app_context():
        make_user("head", "kepala")
    _login(make, "kepala")
    assert post_form(make, url, _conference_form(ids, location="Aula", attendees=str(me))
                     ).status_code == 302
    _login(client, "peksos")
    decision = client.get(f"/admin/conference/decision/?id={ids['kk_a']}"
                          f"&client_id={ids['theirs']}")
    assert decision.status_code == 200 and SECRET in decision.get_data(as_text=True)


def test_instructor_attendance_form_offers_and_accepts_only_their_classes_clients(
        app, client):
    ids = _world(app)
    with app.app_context():
        teacher = db.session.scalar(select(User).where(User.username == "instruktur"))
        klass = make_class("Menjahit A", instructor=teacher.staff)
        pupil = make_client("Murid Saya")
        db.session.add(Enrollment(class_id=klass.id, client_id=pupil.id,
                                  enrolled_on=date(2026, 1, 9)))
        session = TrainingSession(class_id=klass.id, date=date(2026, 2, 4),
                                  start_time=time(8), end_time=time(11))
        db.session.add(session)
        db.session.commit()
        pupil_id, session_id = pupil.id, session.id
    _login(client, "instruktur")
    found = client.get("/admin/attendance/ajax/lookup/?name=client&query=").get_json()
    assert [row[0] for row in found] == [pupil_id]
    assert client.get("/admin/attendance/ajax/lookup/?name=client&query=Lain").get_json() == []
    sessions = client.get("/admin/attendance/ajax/lookup/?name=session&query=").get_json()
    assert [row[0] for row in sessions] == [session_id]
    with app.app_context():
        before = _snapshot()
    html = post_form(client, "/admin/attendance/new/", {
        "session": str(session_id), "client": str(ids["theirs"]), "code": "H"}
    ).get_data(as_text=True)
    assert field_errors(html, "client") == [
        "Pilihan tidak valid atau tidak lagi tersedia. Silakan pilih ulang."]
    assert "Klien Peksos Lain" not in html
    html = post_form(client, "/admin/attendance/new/", {
        "session": str(ids["session"]), "client": str(pupil_id), "code": "H"}
    ).get_data(as_text=True)
    assert field_errors(html, "session") == [
        "Pilihan tidak valid atau tidak lagi tersedia. Silakan pilih ulang."]
    with app.app_context():
        assert _snapshot() == before
    assert post_form(client, "/admin/attendance/new/", {
        "session": str(session_id), "client": str(pupil_id), "code": "H"}).status_code == 302


def test_a_plan_form_cannot_reach_another_plans_goal(app, client):
    """A goal id posted in one's own plan form never edits a goal of another plan."""
    ids = _world(app)
    _login(client, "peksos")
    with app.app_context():
        own_plan = db.session.scalar(select(ServicePlan.id).where(
            ServicePlan.client_id == ids["mine"]))
        before = db.session.get(PlanGoal, ids["goal"]).goal
    response = post_form(client, f"/admin/service_plan/edit/?id={own_plan}", {
        "client": str(ids["mine"]), "problems": "Masalah", "formulation": "Formulasi saya",
        "goals-0-id": str(ids["goal"]), "goals-0-position": "1", "goals-0-goal": "Ditimpa",
        "goals-0-owner": "client"})
    assert response.status_code == 302
    with app.app_context():
        goal = db.session.get(PlanGoal, ids["goal"])
        assert goal.goal == before
        assert db.session.get(ServicePlan, goal.plan_id).client_id == ids["theirs"]
        # The posted row became a new goal of the plan the form belongs to.
        assert db.session.scalar(select(PlanGoal.plan_id).where(
            PlanGoal.goal == "Ditimpa")) == own_plan


# --- who may give an account which role ---------------------------------------------------

def _account_form(**extra) -> dict[str, str]:
    return {"username": "kepala.baru", "role": "head", "is_active_account": "y",
            "new_password": "Melati-Putih-di-Bukit-42", **extra}


GRANT_MESSAGE = ("Peran {role} hanya dapat diberikan atau diubah oleh pimpinan panti (atau di "
                 "server dengan perintah flask create-user).")


@pytest.mark.parametrize("role, label", [("head", "Pimpinan"),
                                         ("social_worker", "Pekerja sosial")])
def test_the_admin_cannot_create_an_account_that_reads_case_content(app, client, login_as,
                                                                     role, label):
    login_as("admin")
    with app.app_context():
        before = _snapshot()
    html = post_form(client, "/admin/user/new/", _account_form(role=role)).get_data(
        as_text=True)
    assert field_errors(html, "role") == [GRANT_MESSAGE.format(role=label)]
    with app.app_context():
        assert _snapshot() == before
    # Roles without case content are the admin's to give.
    assert post_form(client, "/admin/user/new/", _account_form(
        username="staf.baru", role="staff")).status_code == 302


def test_the_admin_cannot_edit_an_account_into_head_nor_take_over_a_heads(app, client,
                                                                          login_as):
    login_as("admin")
    with app.app_context():
        head = make_user("head", "kepala")
        rina = make_user("staff", "rina")
        head_id, rina_id = head.id, rina.id
        before = _snapshot()
    # An account the admin manages cannot be made a head…
    html = post_form(client, f"/admin/user/edit/?id={rina_id}", _account_form(
        username="rina", new_password="")).get_data(as_text=True)
    assert field_errors(html, "role") == [GRANT_MESSAGE.format(role="Pimpinan")]
    # …and a head's account can be neither opened for editing, nor reset, nor deleted.
    edit = f"/admin/user/edit/?id={head_id}"
    page = client.get(edit, follow_redirects=True).get_data(as_text=True)
    assert any(GRANT_MESSAGE.format(role="Pimpinan") in m for m in flashed_errors(page))
    token = csrf_token(client, "/admin/user/")
    response = client.post(edit, data={"csrf_token": token, **_account_form(
        username="kepala", new_password="Ambil-Alih-Akun-2026")})
    assert response.status_code == 302
    client.post("/admin/user/delete/", data={"csrf_token": token, "id": head_id})
    client.post("/admin/user/action/", data={"csrf_token": token, "action": "delete",
                                             "rowid": head_id})
    with app.app_context():
        assert _snapshot() == before
        assert db.session.get(User, head_id).check_password(PASSWORD)


def test_the_head_grants_every_role(app, client, login_as):
    login_as("head")
    assert post_form(client, "/admin/user/new/", _account_form()).status_code == 302
    with app.app_context():
        created = db.session.scalar(select(User).where(User.username == "kepala.baru"))
        assert created.role == "head"
        rina = make_user("staff", "rina")
        rina_id = rina.id
    assert post_form(client, f"/admin/user/edit/?id={rina_id}", _account_form(
        username="rina", role="social_worker", new_password="")).status_code == 302
    with app.app_context():
        assert db.session.get(User, rina_id).role == "social_worker"


def test_create_user_on_the_server_may_grant_head(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "kepala.pertama", "--role",
                                 "head", "--password", "Melati-Putih-di-Bukit-42"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User.role).where(
            User.username == "kepala.pertama")) == "head"


def test_one_rule_for_the_form_and_the_command(app):
    from services.accounts import AccountError, create_account, grantable_roles

    with app.test_request_context():
        admin = make_user("admin", "admin")
        head = make_user("head", "kepala")
        assert grantable_roles(admin) == {"admin", "instructor", "staff"}
        assert grantable_roles(head) == {"admin", "head", "social_worker", "instructor",
                                         "staff"}
        assert grantable_roles(None) == grantable_roles(head)  # the server's operator
        with pytest.raises(AccountError, match="hanya dapat diberikan"):
            create_account("kepala.lain", "head", "Melati-Putih-di-Bukit-42",
                           granted_by=admin)


def test_a_social_worker_who_did_not_attend_reads_no_minutes_of_the_kk(app, client):
    """KK A is open to "peksos" for their own client's decision; its summary and decisions
    texts speak of everyone discussed, so they stay hidden on every path — details, list
    search, edit form, history, minutes and the conference log — and a save leaves them."""
    import io

    from openpyxl import load_workbook

    from models import CaseConference

    ids = _world(app)
    with app.app_context():
        kk = db.session.get(CaseConference, ids["kk_a"])
        kk.summary, kk.decisions = f"{SECRET} ringkasan", f"{SECRET} keputusan"
        db.session.commit()
    _login(client, "peksos")
    details = client.get(f"/admin/conference/details/?id={ids['kk_a']}").get_data(as_text=True)
    assert SECRET not in details and "hanya untuk pimpinan rapat dan peserta KK" in details
    for url in (f"/admin/conference/minutes/?id={ids['kk_a']}",
                f"/admin/conference/history/?id={ids['kk_a']}",
                f"/admin/conference/edit/?id={ids['kk_a']}"):
        page = client.get(url)
        assert page.status_code == 200 and SECRET not in page.get_data(as_text=True), url
    assert 'name="summary"' not in client.get(
        f"/admin/conference/edit/?id={ids['kk_a']}").get_data(as_text=True)
    found = client.get(f"/admin/conference/?search={SECRET}").get_data(as_text=True)
    assert f"details/?id={ids['kk_a']}" not in found
    listed = client.get("/admin/conference/").get_data(as_text=True)
    assert f"details/?id={ids['kk_a']}" in listed  # the KK itself is still theirs to read

    response = post_form(client, f"/admin/conference/edit/?id={ids['kk_a']}", {
        **_conference_form(ids, summary="Ditimpa", decisions="Ditimpa"), "location": "Aula"})
    assert response.status_code == 302
    with app.app_context():
        kk = db.session.get(CaseConference, ids["kk_a"])
        assert (kk.location, kk.summary) == ("Aula", f"{SECRET} ringkasan")

    log = client.get("/admin/export/download/conferences/?month=2026-03")
    cells = [str(c) for row in load_workbook(io.BytesIO(log.data)).active.iter_rows(
        values_only=True) for c in row if c]
    assert not any(SECRET in c for c in cells)
    assert any("hanya untuk pimpinan rapat dan peserta KK" in c for c in cells)

    # The head reads the minutes.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    with app.app_context():
        make_user("head", "kepala")
    _login(client, "kepala")
    assert SECRET in client.get(f"/admin/conference/details/?id={ids['kk_a']}").get_data(
        as_text=True)
