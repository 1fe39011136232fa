"""The permission matrix, route by route: every role × every endpoint × GET/POST.

Expected outcomes come from ``services/permissions.py`` (the matrix the views read) and from
ROUTE_KINDS below, which classifies every kind of route. A route nobody classified fails
``test_every_route_is_classified``, so a new view cannot ship unprotected.
"""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import select

from models import (
    AftercareVisit,
    Attendance,
    AuditEntry,
    CaseConference,
    CaseNote,
    ClientDocument,
    DocumentType,
    EmergencyChange,
    Enrollment,
    EvaluationActivity,
    GuidanceSchedule,
    Holiday,
    Intake,
    NetworkPartner,
    OutreachPerson,
    OutreachVisit,
    Placement,
    PlanGoal,
    RecreationActivity,
    Referral,
    ServiceContract,
    ServicePlan,
    Setting,
    StaffReport,
    Termination,
    TrainingSession,
    User,
    WorkerEvaluation,
    db,
)
from services.permissions import (
    FROM_RECORDS,
    MATRIX,
    ROLE_ORDER,
    markdown_table,
    readers,
    rules_table,
    writers,
)
from services.scopes import policy_rows, scope_texts
from services.stays import READMIT_ROLES
from tests.conftest import (
    PASSWORD,
    csrf_token,
    make_class,
    make_client,
    make_room,
    make_user,
)

# What each Flask-Admin route does: read (list, details, history), write (forms, delete,
# bulk actions, pickers, inline edits), or nothing (exports live elsewhere).
ROUTE_KINDS = {
    "index_view": "read",
    "details_view": "read",
    "history_view": "read",
    "photo": "read",
    "create_view": "write",
    "edit_view": "write",
    "delete_view": "write",
    "action_view": "write",
    "ajax_lookup": "write",
    "ajax_update": "write",
    "export": "none",
    # Custom screens: the calendar, the attendance summary, the grid's list of events, a
    # client's move page (which moves a role may make there is services/lifecycle.py's).
    "index": "read",
    # One event's attendance sheet: read by the head and whoever leads the event, saved by
    # the leader (or the admin).
    "record": "sheet",
    # A report of the export centre: each follows the screen its rows come from (the
    # world's URL asks for the roster).
    "download": "report",
    # Confirming a previewed roster import.
    "confirm": "write",
    # The steps of a service contract and the plan it is drafted from.
    "sign_view": "write",
    "attach_view": "write",
    "transition_view": "write",
    "step_view": "write",  # a termination's closing (the head's steps are refused to others)
    "amend_view": "write",
    "draft_contract_view": "write",
    "print_view": "read",
    "scan_view": "read",
    "attention_view": "read",
    # The case conference's rules: decisions, emergency changes, the head's approvals.
    "decision_view": "write",
    "emergency_decision_view": "write",
    "in_force_view": "write",
    "approve_view": "head",
    "terminations_view": "read",
    "review_due_view": "read",
    # The assessments due, and one client's assessment report (A4).
    "assessment_due_view": "read",
    # A candidate's selection (a POST naming no step is a bad request).
    "selection_view": "read",
    # Registering a person met on an outreach visit (the world's form names none: 404).
    "enrol_view": "write",
    # A document's scan (the world's has no file on disk: 404 for those who may see it).
    "file_view": "read",
    "assessment_report_view": "read",
    "progress_report_view": "read",  # Formulir 2 of one client and month (A4)
    "problem_solving_report_view": "read",  # Formulir 3 of one client (A4)
    "letter_view": "read",  # a referral's letter (A4)
    "case_file_view": "read",  # a client's case file, each part by its own screen's roles
    "blank_view": "read",  # a form of the seeds printed blank
    "interview_view": "read",  # an interview note as the seeds' interview record
    "minutes_view": "read",
    # Admitting a person again: the admin or the head (services/stays.py); the world's
    # client is still in the panti, so the step is refused with a message (302).
    "readmit_view": "readmit",
}
# Who leads the event of the world's attendance sheet (a training session of the
# instructor's class): the other scoped roles get 404, as for an event that does not exist.
SHEET_LEADERS = {"admin", "head", "instructor"}
# Routes outside the model screens.
OTHER_ROUTES = {
    "static": "public",
    "admin.static": "public",
    "auth.login": "public",
    "root": "public",
    "favicon": "public",
    "admin.index": "any user",
    "auth.logout": "any user",
    "auth.change_password": "any user",
}


def _kind(endpoint: str) -> str | None:
    if endpoint in OTHER_ROUTES:
        return OTHER_ROUTES[endpoint]
    screen, _dot, method = endpoint.partition(".")
    if screen in MATRIX:
        return ROUTE_KINDS.get(method)
    return None


def test_every_route_is_classified(app):
    unclassified = [rule.endpoint for rule in app.url_map.iter_rules()
                    if _kind(rule.endpoint) is None]
    assert unclassified == [], f"routes missing from the permission matrix: {unclassified}"
    screens = {view.endpoint for view in app.extensions["admin"][0]._views}
    assert screens - {"admin"} == set(MATRIX), "every screen has a row in the matrix"


def test_the_written_matrix_is_the_enforced_one(app):
    doc = (Path(__file__).resolve().parent.parent / "docs" / "permissions.md").read_text()
    names = {view.endpoint: str(view.name) for view in app.extensions["admin"][0]._views}
    with app.test_request_context():
        assert markdown_table(names, scope_texts()) in doc, \
            "docs/permissions.md is stale: paste `python -m services.permissions` into it"
        assert rules_table(policy_rows()) in doc, "docs/permissions.md: the rules are stale"


def test_no_screen_shows_a_password_hash_or_unlisted_details(app):
    for view in app.extensions["admin"][0]._views:
        if not hasattr(view, "model"):
            continue  # the home page and the custom screens have no model columns
        assert view.column_details_list, f"{view.endpoint}: details columns not listed"
        shown = {*view.column_details_list, *(view.column_list or ()),
                 *(view.column_searchable_list or ()), *(view.form_columns or ())}
        assert "password_hash" not in {str(name) for name in shown}, view.endpoint
        assert not view.column_editable_list, f"{view.endpoint}: no inline edits"
        assert not view.can_export, f"{view.endpoint}: exports go through the export centre"


# --- a small world where each scoped role owns one record of each screen --------------------

def _world(app) -> dict[str, int]:
    """One record per screen, owned by the role-holding users; returns endpoint → id."""
    with app.app_context():
        users = {role: make_user(role) for role in ROLE_ORDER}
        staff_of = {role: user.staff_id for role, user in users.items()}
        room = make_room()
        klien = make_client("Budi Santoso", social_worker_id=staff_of["social_worker"],
                            room_id=room.id)
        klass = make_class("Menjahit A", instructor=users["instructor"].staff)
        session = TrainingSession(class_id=klass.id, date=date(2026, 2, 2),
                                  start_time=time(8), end_time=time(11))
        enrollment = Enrollment(class_id=klass.id, client_id=klien.id,
                                enrolled_on=date(2026, 1, 10))
        db.session.add_all([session, enrollment])
        db.session.flush()
        attendance = Attendance(session_id=session.id, client_id=klien.id, code="H")
        guidance = GuidanceSchedule(guidance_type="social_group", title="Bimbingan kelompok",
                                    weekday=2, start_time=time(9), end_time=time(10),
                                    staff_id=staff_of["staff"], clients=[klien])
        recreation = RecreationActivity(kind="angklung", title="Latihan angklung",
                                        date=date(2026, 2, 4), start_time=time(15),
                                        end_time=time(16), leader_id=staff_of["staff"])
        partner = NetworkPartner(name="Puskesmas Cibeber", kind="health")
        contract = ServiceContract(client_id=klien.id, kind="primary", problem="Masalah",
                                   goals="Tujuan", start_date=date(2026, 2, 1),
                                   end_date=date(2026, 7, 31),
                                   social_worker_id=staff_of["social_worker"])
        conference = CaseConference(date=date(2026, 3, 10), kind="periodic_review",
                                    clients=[klien])
        note = CaseNote(client_id=klien.id, kind="progress", date=date(2026, 2, 3),
                        content="Catatan rahasia")
        emergency = EmergencyChange(client=klien, date=date(2026, 3, 1), reason="Sakit",
                                    change="Rawat inap", status="pending")
        plan = ServicePlan(client_id=klien.id, problems="Belum punya keterampilan",
                           social_worker_id=staff_of["social_worker"],
                           goals=[PlanGoal(goal="Mampu menjahit", owner="client")])
        holiday = Holiday(date=date(2026, 8, 17), name="Hari Kemerdekaan")
        kind = DocumentType(name="KTP")
        intake = Intake(number=4, starts_on=date(2026, 2, 2))
        visit = OutreachVisit(date=date(2026, 2, 5), place_kind="terminal",
                              place="Terminal Cicaheum", persons=[OutreachPerson(name="Ujang")])
        document = ClientDocument(client_id=klien.id, document_type=kind, number="KTP-1",
                                  file="tidak-ada.pdf", original_name="ktp.pdf")
        referral = Referral(client_id=klien.id, partner=partner, referred_on=date(2026, 2, 6),
                            reason="Periksa kesehatan")
        ended = make_client("Tuti Alawiyah", social_worker_id=staff_of["social_worker"],
                            stage="aftercare", admission_date=date(2025, 6, 1),
                            termination_date=date(2026, 1, 5),
                            termination_reason="goals_achieved")
        aftercare = AftercareVisit(client_id=ended.id, planned_on=date(2026, 2, 5))
        placement = Placement(client_id=ended.id, kind="family", address="Garut",
                              start_date=date(2026, 1, 2))
        termination = Termination(client_id=ended.id, letter_date=date(2026, 1, 5))
        # Written by the instructor: the staff member sees none of theirs (404 for them).
        report = StaffReport(client_id=klien.id, author_id=staff_of["instructor"],
                             kind="skill", date=date(2026, 2, 3), class_id=klass.id,
                             skill_level="skilled", content="Rapi")
        evaluation = WorkerEvaluation(staff_id=staff_of["social_worker"],
                                      evaluated_on=date(2026, 6, 30),
                                      period_start=date(2026, 1, 1), period_end=date(2026, 6, 30),
                                      activities=[EvaluationActivity(activity="Asesmen",
                                                                     rating="good")])
        db.session.add_all([attendance, guidance, recreation, partner, contract, conference,
                            note, holiday, plan, emergency, document, visit, intake,
                            evaluation, referral, aftercare, placement,
                            termination, report])
        db.session.commit()
        return {
            "client": klien.id, "room": room.id, "training_class": klass.id,
            "training_session": session.id, "enrollment": enrollment.id,
            "attendance": attendance.id, "guidance": guidance.id, "recreation": recreation.id,
            "partner": partner.id, "contract": contract.id, "conference": conference.id,
            "case_note": note.id, "holiday": holiday.id, "skill_type": klass.skill_type_id,
            "staff": staff_of["admin"], "user": users["admin"].id,
            "audit": db.session.scalar(select(AuditEntry.id).limit(1)),
            "attendance_grid": session.id, "attendance_summary": 0, "calendar": 0,
            "dashboard": 0,
            "export": 0, "client_import": 0, "service_plan": plan.id,
            "setting": _setting_id(), "emergency_change": emergency.id,
            "client_stage": klien.id, "client_document": document.id,
            "document_type": kind.id, "outreach": visit.id, "intake": intake.id,
            "worker_evaluation": evaluation.id, "referral": referral.id,
            "aftercare": aftercare.id, "placement": placement.id,
            "termination": termination.id, "staff_report": report.id,
        }


def _setting_id() -> int:
    from services.contracts import RIGHTS_KEY

    setting = Setting(key=RIGHTS_KEY, value="Hak dan kewajiban yang sudah disimpan.")
    db.session.add(setting)
    db.session.commit()
    return setting.id


# Screens whose records are never added (or never edited) through a form: Flask-Admin
# redirects those forms.
NO_CREATE = {"setting"}
NO_EDIT = {"emergency_change"}


def _snapshot() -> dict[str, list]:
    """Every row of every table but the audit log (refusals are logged there)."""
    return {
        table.name: sorted(map(repr, db.session.execute(table.select()).all()))
        for table in db.metadata.sorted_tables if table.name != "audit_log"
    }


def _url(rule, record_id: int, view, ids: dict[str, int]) -> str:
    url = rule.rule.replace("<export_type>", "csv").replace("<path:filename>", "tidak-ada.jpg")
    url = url.replace("<report>", "roster").replace("<form>", "formulir-2")
    method = rule.endpoint.partition(".")[2]
    if method in ("details_view", "edit_view", "history_view", "print_view", "scan_view",
                  "letter_view", "case_file_view", "interview_view",
                  "file_view", "attach_view",
                  "sign_view", "transition_view", "step_view", "amend_view", "draft_contract_view",
                  "minutes_view", "emergency_decision_view", "in_force_view", "readmit_view"):
        url += f"?id={record_id}"
    if method == "record":
        url += f"?kind=training&id={record_id}"
    if rule.endpoint in ("client_stage.index", "client_stage.selection_view"):
        url += f"?id={record_id}"  # a client's move and selection pages
    if method in ("assessment_report_view", "progress_report_view",
                  "problem_solving_report_view"):
        url += f"?client_id={ids['client']}"
    if method == "decision_view":
        url += f"?id={record_id}&client_id={ids['client']}"
    if method == "ajax_lookup":
        name = next(iter(view.form_ajax_refs or {"none": None}))
        url += f"?name={name}&query=a"
    return url


# The world's staff report is the instructor's: a staff member, who sees only their own,
# finds it nowhere (as a record that does not exist).
NOT_THEIRS = {("staff_report", "staff")}
RECORD_ROUTES = {"details_view", "edit_view", "history_view"}


def _expected(role: str, screen: str, method: str, http: str, view) -> set[int]:
    """The statuses a role may get on a screen's route."""
    kind = ROUTE_KINDS[method]
    if role not in readers(screen):
        return {403}
    if (screen, role) in NOT_THEIRS and method in RECORD_ROUTES:
        return {404}
    if kind == "none":
        return {404}
    if kind == "head":  # the head's own act: no other role, whatever it may write
        if role != "head":
            return {403}
        return {404} if http == "GET" else {302, 404}
    if kind == "report":
        return {200} if role in readers("client") else {403}
    if kind == "readmit":
        return {302} if role in READMIT_ROLES else {403}
    if kind == "sheet":
        if role not in SHEET_LEADERS:
            return {404}
        if http == "POST" and role not in writers(screen):
            return {403}
        return {200} if http == "GET" else {302}
    if kind == "read":
        if method == "selection_view" and http == "POST":
            return {400}
        if method in ("photo", "scan_view", "file_view", "interview_view") or (
                screen == "audit" and method == "history_view"):
            # No such file / log rows have no history / the world's note is no interview.
            return {404}
        return {200}
    if role not in writers(screen):
        return {403}
    if (method == "create_view" and screen in NO_CREATE) or (
            method == "edit_view" and screen in NO_EDIT):
        return {302}
    if method == "ajax_lookup":
        return {200} if view.form_ajax_refs else {404}
    if method == "ajax_update":
        return {404}  # no screen has inline edits
    if method in ("emergency_decision_view", "in_force_view", "enrol_view"):
        return {404}  # the form names no emergency change or decision: none to decide
    if http == "GET":
        return {200}
    return {200, 302}  # a form re-shown with its errors, or saved and redirected


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_role_against_every_screen_route(app, client, role):
    ids = _world(app)
    client.post("/login", data={"username": role.replace("_", ""), "password": PASSWORD,
                                "csrf_token": csrf_token(client, "/login")})
    views = {view.endpoint: view for view in app.extensions["admin"][0]._views}
    token = csrf_token(client, "/password")
    wrong = []
    post_routes = []
    for rule in app.url_map.iter_rules():
        screen, _dot, method = rule.endpoint.partition(".")
        if screen not in MATRIX:
            continue
        url = _url(rule, ids[screen], views[screen], ids)
        if "GET" in rule.methods:
            want = _expected(role, screen, method, "GET", views[screen])
            got = client.get(url).status_code
            if got not in want:
                wrong.append(f"GET {url}: {got}, expected {sorted(want)}")
        if "POST" in rule.methods:
            post_routes.append((rule, url, screen, method))

    # POSTs: refused ones must leave the database exactly as it was (compared once after
    # all of them: a change names every refused URL, and the test says which one by itself
    # when run for that route alone).
    with app.app_context():
        before = _snapshot()
    refused = []
    for _rule, url, screen, method in post_routes:
        want = _expected(role, screen, method, "POST", views[screen])
        if want != {403}:
            continue
        refused.append(url)
        data = {"csrf_token": token, "id": ids[screen], "rowid": ids[screen],
                "action": "delete", "list_form_pk": ids[screen], "name": "X"}
        got = client.post(url, data=data).status_code
        if got != 403:
            wrong.append(f"POST {url}: {got}, expected 403")
    with app.app_context():
        if _snapshot() != before:
            wrong.append(f"a refused POST changed the database; refused: {refused}")
    # Allowed POSTs (an empty form: re-shown with errors, never a 500) run last, since a
    # permitted delete removes the record the other checks use.
    for _rule, url, screen, method in post_routes:
        want = _expected(role, screen, method, "POST", views[screen])
        if want == {403} or method in ("delete_view", "action_view"):
            continue
        got = client.post(url, data={"csrf_token": token}).status_code
        if got not in want:
            wrong.append(f"POST {url}: {got}, expected {sorted(want)}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_menu_lists_exactly_the_screens_a_role_may_open(app, client, role):
    with app.app_context():
        make_user(role)
    client.post("/login", data={"username": role.replace("_", ""), "password": PASSWORD,
                                "csrf_token": csrf_token(client, "/login")})
    html = client.get("/admin/").get_data(as_text=True)
    menu = html.split('<nav', 1)[1].split('</nav>', 1)[0]
    linked = set(re.findall(r'href="/admin/(\w+)/"', menu))
    assert linked == {screen for screen in MATRIX
                      if role in readers(screen) and screen not in FROM_RECORDS}


def test_any_user_pages_need_a_login_and_public_ones_do_not(app, client):
    assert client.get("/login").status_code == 200
    for url in ("/admin/", "/password"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith(
            "/login")
    with app.app_context():
        assert db.session.scalar(select(User)) is None


@pytest.mark.parametrize("token", [None, "token-palsu"])
def test_every_post_route_refuses_a_missing_or_wrong_csrf_token(app, client, token):
    """Logged in with a role that may write there, a POST without a valid token changes
    nothing — deletes and bulk actions included."""
    ids = _world(app)
    views = {view.endpoint: view for view in app.extensions["admin"][0]._views}
    current, before, posted = None, None, []
    checked = 0

    def nothing_changed():
        # Compared once per login (a login itself writes to the user table): every POST
        # made under it was refused, so the rows are as they were after the login.
        with app.app_context():
            assert _snapshot() == before, \
                f"a POST without a valid token changed the database: {posted}"

    for rule in app.url_map.iter_rules():
        screen, _dot, method = rule.endpoint.partition(".")
        if screen not in MATRIX or "POST" not in rule.methods:
            continue
        role = next(iter(sorted(writers(screen))), "admin")
        if role != current:
            if current is not None:
                nothing_changed()
                client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
            client.post("/login", data={"username": role.replace("_", ""),
                                        "password": PASSWORD,
                                        "csrf_token": csrf_token(client, "/login")})
            current, posted = role, []
            with app.app_context():
                before = _snapshot()
        data = {"id": ids[screen], "rowid": ids[screen], "action": "delete", "name": "X",
                "list_form_pk": ids[screen]}
        if token is not None:
            data["csrf_token"] = token
        client.post(_url(rule, ids[screen], views[screen], ids), data=data)
        posted.append(f"{role} {rule.rule}")
        checked += 1
    nothing_changed()
    assert checked >= 17 * 5  # new, edit, delete, action, inline update of every screen


def test_own_work_screens_show_those_roles_only_their_own_records():
    """``OWN_WORK`` (which lets the admin grant those roles) says what the visibility
    policy says: on those screens those roles see only the records they wrote."""
    from services.permissions import OWN_WORK
    from services.scopes import scope_texts

    texts = scope_texts()
    for screen, roles in OWN_WORK.items():
        for role in roles:
            assert texts[(screen, role)] == "own reports", (screen, role)
