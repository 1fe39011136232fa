"""Audit history: every change on record, through any path; the log can only be read."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from datetime import date, time
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from models import (
    AuditEntry,
    CaseConference,
    CaseNote,
    Client,
    GuidanceSchedule,
    PlanGoal,
    RecreationActivity,
    Room,
    ServicePlan,
    User,
    db,
)
from tests.conftest import PASSWORD, csrf_token, make_client, make_staff, make_user, post_form


def entries(**where) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEntry, key) == value)
    return list(db.session.scalars(query))


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_create_edit_delete_through_a_screen_are_recorded_with_before_and_after(
        app, client, login_as):
    who = login_as("admin")
    with app.app_context():
        budi = make_client("Budi Santoso", stage="admission", district_of_origin="Kota Bandung")
        db.session.commit()
        budi_id = budi.id
    form = client.get(f"/admin/client/edit/?id={budi_id}").get_data(as_text=True)
    assert "Budi Santoso" in form
    response = post_form(client, f"/admin/client/edit/?id={budi_id}", {
        "full_name": "Budi Santosa", "sex": "L",
        "admission_date": "2026-01-05", "district_of_origin": "Kabupaten Garut",
        "religion": "__None", "referral_source": "__None", "termination_reason": "__None",
    })
    assert response.status_code == 302
    with app.app_context():
        (update,) = entries(action="update", table_name="client")
        assert update.user_id == who["user_id"] and update.username == "admin"
        assert update.record_id == budi_id
        assert update.changes == {"full_name": ["Budi Santoso", "Budi Santosa"],
                                  "district_of_origin": ["Kota Bandung", "Kabupaten Garut"]}
        created = entries(action="create", table_name="client")
        assert created and created[0].username == "sistem"  # made outside any request

    # The record's history page shows it in the user's words.
    history = client.get(f"/admin/client/history/?id={budi_id}").get_data(as_text=True)
    table = text(history.split('data-testid="history"', 1)[1])
    assert "admin" in table and "Ubah" in table
    assert "Nama lengkap Budi Santoso → Budi Santosa" in table
    assert "Kabupaten/kota asal Kota Bandung → Kabupaten Garut" in table

    response = client.post("/admin/client/delete/", data={
        "id": budi_id, "csrf_token": csrf_token(client, "/admin/client/")})
    assert response.status_code == 302
    with app.app_context():
        (deleted,) = entries(action="delete", table_name="client")
        assert deleted.record_id == budi_id and deleted.username == "admin"
        assert deleted.changes["full_name"] == ["Budi Santosa", None]
        assert deleted.record_label == "2026-0001 — Budi Santosa"


def test_many_to_many_changes_are_recorded_as_the_related_ids(app, client, login_as):
    login_as("admin")
    with app.app_context():
        ani = make_client("Ani Lestari", sex="P")
        budi = make_client("Budi Santoso")
        schedule = GuidanceSchedule(guidance_type="social_group", title="Bimbingan kelompok",
                                    weekday=2, start_time=time(9),
                                    end_time=time(10), clients=[ani])
        db.session.add(schedule)
        db.session.commit()
        schedule.clients.append(budi)
        db.session.commit()
        (update,) = entries(action="update", table_name="guidance_schedule")
        assert update.changes == {"clients": [[ani.id], sorted([ani.id, budi.id])]}
        schedule_id = schedule.id
    history = text(client.get(f"/admin/guidance/history/?id={schedule_id}").get_data(
        as_text=True))
    assert "2026-0001 — Ani Lestari → 2026-0001 — Ani Lestari, 2026-0002 — Budi Santoso" \
        in history


def test_password_changes_are_recorded_masked(app, client, login_as):
    login_as("admin")
    with app.app_context():
        rina = make_user("staff", "rina")
        rina_id = rina.id
    response = post_form(client, f"/admin/user/edit/?id={rina_id}", {
        "username": "rina", "role": "staff", "is_active_account": "y",
        "new_password": "Tulip-Merah-di-Taman-77"})
    assert response.status_code == 302
    with app.app_context():
        (update,) = entries(action="update", table_name="user_account")
        assert update.changes == {"password_hash": ["••••••", "••••••"]}
        stored = db.session.scalars(select(AuditEntry.changes)).all()
        hashes = [u.password_hash for u in db.session.scalars(select(User))]
        assert not any(h in repr(stored) for h in hashes)


def test_a_command_is_named_as_the_actor(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "budi.admin", "--role", "admin",
                                 "--password", "Kopi-Tubruk-Pagi-2026"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        (created,) = entries(action="create", table_name="user_account")
        assert created.username == "flask create-user" and created.user_id is None
        assert created.changes["username"] == [None, "budi.admin"]
        assert created.changes["password_hash"] == [None, "••••••"]


def test_a_rolled_back_change_leaves_no_history(app):
    with app.app_context():
        make_client("Budi Santoso")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_bulk_insert_is_recorded_and_bulk_update_refused(app):
    with app.app_context():
        klien = make_client("Budi Santoso")
        db.session.commit()
        db.session.execute(insert(CaseNote), [
            {"client_id": klien.id, "kind": "progress", "date": date(2026, 2, i),
             "content": f"Minggu {i}"} for i in range(1, 4)])
        (bulk,) = entries(table_name="case_note")
        assert bulk.action == "create" and bulk.changes == {"rows": [None, 3]}
        with pytest.raises(RuntimeError, match="bypass the audit log"):
            db.session.execute(update(Client).values(full_name="X"))
        db.session.rollback()


def test_logins_logouts_and_refusals_are_logged(app, client, login_as):
    who = login_as("instructor")
    client.get("/admin/client/")  # instructors may not open the roster
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    client.post("/login", data={"username": "instructor", "password": "salah-sandi-123",
                                "csrf_token": csrf_token(client, "/login")})
    with app.app_context():
        actions = [(e.action, e.username) for e in entries()
                   if e.action not in ("create", "update")]
        assert actions == [("login", "instructor"), ("denied", "instructor"),
                           ("logout", "instructor"), ("login_failed", "instructor")]
        (denied,) = entries(action="denied")
        assert denied.detail == "GET /admin/client/" and denied.user_id == who["user_id"]


def test_audit_log_is_read_only_for_every_role(app, client, login_as):
    login_as("head")
    with app.app_context():
        make_client("Budi Santoso")
        db.session.commit()
        entry_id = db.session.scalar(select(func.min(AuditEntry.id)))
        count = db.session.scalar(select(func.count()).select_from(AuditEntry))
    listing = client.get("/admin/audit/").get_data(as_text=True)
    assert "Buku induk klien" in listing and "Tambah" in listing
    assert client.get("/admin/audit/new/").status_code in (302, 403)
    assert client.get(f"/admin/audit/edit/?id={entry_id}").status_code in (302, 403)
    token = csrf_token(client, "/admin/audit/")
    client.post("/admin/audit/delete/", data={"id": entry_id, "csrf_token": token})
    client.post("/admin/audit/action/", data={"action": "delete", "rowid": entry_id,
                                              "csrf_token": token})
    with app.app_context():
        assert db.session.get(AuditEntry, entry_id) is not None
        # Only the refusals themselves were added.
        added = db.session.scalars(select(AuditEntry.action).where(AuditEntry.id > entry_id)
                                   .where(AuditEntry.action != "login")).all()
        assert set(added) <= {"denied", "create"} and len(added) >= count - 1


def test_admin_sees_that_case_content_changed_but_not_what_it_says(app, client, login_as):
    login_as("admin")
    with app.app_context():
        worker = make_staff("Siti Rahayu", "social_worker")
        klien = make_client("Budi Santoso", social_worker_id=worker.id)
        db.session.add(CaseNote(client_id=klien.id, kind="progress", date=date(2026, 2, 1),
                                content="Rahasia: riwayat keluarga"))
        db.session.commit()
        entry_id = db.session.scalar(select(AuditEntry.id)
                                     .where(AuditEntry.table_name == "case_note"))
    page = client.get(f"/admin/audit/details/?id={entry_id}").get_data(as_text=True)
    assert "Rahasia" not in page
    assert "hanya untuk peran yang berwenang" in page

    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("head")  # the head reads case content, so sees the values
    page = client.get(f"/admin/audit/details/?id={entry_id}").get_data(as_text=True)
    assert "Rahasia: riwayat keluarga" in text(page)


def test_xss_payload_in_a_name_is_escaped_in_list_details_and_history(app, client, login_as):
    login_as("admin")
    payload = '<script>alert("x")</script>'
    with app.app_context():
        klien = make_client(payload)
        db.session.commit()
        klien.full_name = payload + "2"
        db.session.commit()
        klien_id = klien.id
        entry_id = db.session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == "update", AuditEntry.table_name == "client"))
    for url in ("/admin/client/", f"/admin/client/details/?id={klien_id}",
                f"/admin/client/history/?id={klien_id}", "/admin/audit/",
                f"/admin/audit/details/?id={entry_id}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert" in html, url


def test_history_of_a_record_the_user_may_not_see_is_404(app, client, login_as):
    login_as("social_worker")
    with app.app_context():
        other = make_staff("Rudi Hartono", "social_worker")
        klien = make_client("Budi Santoso", social_worker_id=other.id)
        note = CaseNote(client_id=klien.id, kind="progress", date=date(2026, 2, 1),
                        content="Rahasia")
        db.session.add(note)
        db.session.commit()
        note_id = note.id
    for url in (f"/admin/case_note/history/?id={note_id}",
                f"/admin/case_note/details/?id={note_id}",
                f"/admin/case_note/edit/?id={note_id}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Rahasia" not in response.get_data(as_text=True)


def test_login_as_fixture_password_is_not_in_the_log(app, login_as):
    login_as("admin")
    with app.app_context():
        assert PASSWORD not in repr(db.session.scalars(select(AuditEntry.changes)).all())


def test_a_created_record_has_its_id_and_its_history_says_so(app, client, login_as):
    login_as("admin")
    response = post_form(client, "/admin/room/new/", {
        "name": "Asrama Melati", "kind": "dormitory", "sex": "P", "capacity": "12"})
    assert response.status_code == 302
    with app.app_context():
        (created,) = entries(action="create", table_name="room")
        room_id = db.session.scalar(select(Room.id))
        assert created.record_id == room_id
    history = text(client.get(f"/admin/room/history/?id={room_id}").get_data(as_text=True))
    assert "Tambah" in history and "Asrama Melati" in history


def test_what_the_database_changes_on_a_deletion_is_on_each_affected_record(
        app, client, login_as):
    """Deleting a staff member clears the social worker of their clients (ON DELETE SET
    NULL); deleting a client takes them off an activity (a CASCADE on the link table).
    Each affected record's history shows it, attributed to who deleted."""
    login_as("admin")
    with app.app_context():
        siti = make_staff("Siti Rahayu")
        budi = make_client("Budi Santoso", social_worker=siti)
        ani = make_client("Ani Lestari", sex="P", social_worker=siti)
        outing = RecreationActivity(kind="outing", title="Jalan sehat", date=date(2026, 2, 1),
                                    start_time=time(7), end_time=time(9),
                                    participants=[budi, ani])
        db.session.add(outing)
        db.session.commit()
        siti_id, budi_id, ani_id, outing_id = siti.id, budi.id, ani.id, outing.id
    token = csrf_token(client, "/admin/staff/")
    assert client.post("/admin/staff/delete/", data={"id": siti_id, "csrf_token": token}
                       ).status_code == 302
    with app.app_context():
        cleared = entries(action="update", table_name="client")
        assert sorted(e.record_id for e in cleared) == sorted([budi_id, ani_id])
        assert all(e.changes == {"social_worker_id": [siti_id, None]} and
                   e.username == "admin" for e in cleared)
    history = text(client.get(f"/admin/client/history/?id={budi_id}").get_data(as_text=True))
    # The staff record is gone; the history names them as the log recorded them.
    assert "Pekerja sosial Siti Rahayu → —" in history

    token = csrf_token(client, "/admin/client/")
    assert client.post("/admin/client/delete/", data={"id": ani_id, "csrf_token": token}
                       ).status_code == 302
    with app.app_context():
        (shortened,) = entries(action="update", table_name="recreation_activity")
        assert shortened.record_id == outing_id
        assert shortened.changes == {"participants": [sorted([budi_id, ani_id]), [budi_id]]}


def test_plan_goals_are_on_the_plans_history_for_its_readers(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        budi = make_client("Budi Santoso", social_worker_id=me["staff_id"])
        plan = ServicePlan(client=budi, social_worker_id=me["staff_id"], problems="Tunawisma",
                           goals=[PlanGoal(goal="Mandiri secara ekonomi", owner="client")])
        db.session.add(plan)
        db.session.commit()
        plan_id, goal_id = plan.id, plan.goals[0].id
        plan.goals[0].achieved_result = "Bekerja di bengkel las"
        plan.goals.append(PlanGoal(goal="Kembali ke keluarga", owner="both"))
        db.session.commit()
        (created,) = entries(action="create", table_name="plan_goal", record_id=goal_id)
        assert (created.parent_table, created.parent_id) == ("service_plan", plan_id)
    history = text(client.get(f"/admin/service_plan/history/?id={plan_id}").get_data(
        as_text=True))
    assert ("Tujuan «Mandiri secara ekonomi»: Hasil yang dicapai — → Bekerja di bengkel las"
            in history)
    assert "Tujuan «Kembali ke keluarga»: Dikerjakan oleh — → Klien dan pekerja sosial" \
        in history
    # Another social worker cannot open the plan, so not its goals' history either.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("social_worker", "peksoslain")
    assert client.get(f"/admin/service_plan/history/?id={plan_id}").status_code == 404


# Run in a fresh interpreter: in this one the app fixture has long installed the hooks.
_INSTALL_PROBE = textwrap.dedent("""
    import json, sys
    from flask import Flask
    from sqlalchemy import event, select
    from sqlalchemy.orm import Session
    from services import audit
    from models import AuditEntry, Room, db

    def hooks():
        return [event.contains(target, name, hook) for target in (db.session, Session)
                for name, hook in audit._HOOKS]

    def rooms_on_record():
        return [entry.record_label for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "room"))]

    seen = {"after_import": hooks()}
    bare = Flask("bare")
    bare.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{sys.argv[1]}/bare.db"
    db.init_app(bare)
    with bare.app_context():
        db.create_all()
        db.session.add(Room(name="Melati", capacity=4))
        db.session.commit()
        seen["bare_app"] = rooms_on_record()

    from app import create_app
    app = create_app({"SECRET_KEY": "x", "UPLOAD_FOLDER": f"{sys.argv[1]}/uploads",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{sys.argv[1]}/app.db"})
    audit.install(db)  # a second call (another app in the process) adds nothing
    seen["after_create_app"] = hooks()
    with app.app_context():
        db.create_all()
        db.session.add(Room(name="Mawar", capacity=4))
        db.session.commit()
        seen["factory_app"] = rooms_on_record()
    print(json.dumps(seen))
""")


def test_create_app_installs_the_audit_hooks_and_importing_the_module_does_not(tmp_path):
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", _INSTALL_PROBE, str(tmp_path)], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["after_import"] == [False] * 6
    assert seen["bare_app"] == []  # a change made without create_app's hooks: no history
    # Hooked on the console's sessions (not every SQLAlchemy session), each hook once: one
    # entry for one new room, though install ran twice.
    assert seen["after_create_app"] == [True] * 3 + [False] * 3
    assert seen["factory_app"] == ["Mawar"]


def test_the_head_reads_a_kk_change_in_the_log(app, client, login_as):
    """The details of a KK's entry judge the minutes by that KK (not by the entry's id)."""
    login_as("head")
    with app.app_context():
        conference = CaseConference(date=date(2026, 3, 10), kind="periodic_review",
                                    summary="Ringkasan awal")
        db.session.add(conference)
        db.session.commit()
        assert conference.summary == "Ringkasan awal"  # loaded, as the edit form has it
        conference.summary = "Ringkasan akhir"
        db.session.commit()
        entry_id = db.session.scalar(select(AuditEntry.id).where(
            AuditEntry.table_name == "case_conference", AuditEntry.action == "update"))
        assert entry_id != conference.id
    html = unescape(client.get(f"/admin/audit/details/?id={entry_id}").get_data(as_text=True))
    assert re.search(r"Ringkasan</strong>: Ringkasan awal → Ringkasan akhir", html)
