"""Records outside a user's scope: not listed, not counted, 404 by id on every path."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from models import (
    Attendance,
    CaseConference,
    CaseNote,
    Enrollment,
    GuidanceSchedule,
    RecreationActivity,
    ServiceContract,
    Staff,
    TrainingSession,
    db,
)
from tests.conftest import csrf_token, make_class, make_client, make_staff, post_form

MARK = "RAHASIA-ORANG-LAIN"


def _records(owner_staff_id: int, suffix: str) -> dict[str, int]:
    """One record per scoped screen, belonging to staff member ``owner_staff_id``."""
    klien = make_client(f"Klien {suffix}", social_worker_id=owner_staff_id)
    klass = make_class(f"Kelas {suffix}", instructor=db.session.get(Staff, owner_staff_id))
    session = TrainingSession(class_id=klass.id, date=date(2026, 2, 2), start_time=time(8),
                              end_time=time(11), topic=f"{MARK} {suffix}")
    enrollment = Enrollment(class_id=klass.id, client_id=klien.id, enrolled_on=date(2026, 1, 9))
    db.session.add_all([session, enrollment])
    db.session.flush()
    records = {
        "training_class": klass.id,
        "training_session": session.id,
        "enrollment": enrollment.id,
        "client": klien.id,
    }
    for key, record in {
        "attendance": Attendance(session_id=session.id, client_id=klien.id, code="S",
                                 note=f"{MARK} {suffix}"),
        "case_note": CaseNote(client_id=klien.id, kind="progress", date=date(2026, 2, 3),
                              content=f"{MARK} {suffix}"),
        "contract": ServiceContract(client_id=klien.id, kind="primary", problem=MARK,
                                    goals=f"{MARK} {suffix}", start_date=date(2026, 2, 1),
                                    end_date=date(2026, 7, 31)),
        "conference": CaseConference(date=date(2026, 3, 10), kind="periodic_review",
                                     clients=[klien], summary=f"{MARK} {suffix}"),
        "guidance": GuidanceSchedule(guidance_type="social_group", title=f"{MARK} {suffix}",
                                     weekday=3, start_time=time(9), end_time=time(10),
                                     staff_id=owner_staff_id),
        "recreation": RecreationActivity(kind="chess", title=f"{MARK} {suffix}",
                                         date=date(2026, 2, 5), start_time=time(15),
                                         end_time=time(16), leader_id=owner_staff_id),
    }.items():
        db.session.add(record)
        db.session.flush()
        records[key] = record.id
    return records


SCOPED = [
    ("social_worker", "case_note"), ("social_worker", "contract"),
    ("social_worker", "conference"),
    ("instructor", "training_class"), ("instructor", "training_session"),
    ("instructor", "enrollment"), ("instructor", "attendance"),
    ("staff", "guidance"), ("staff", "recreation"),
]


def _row_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'name="rowid" value="(\d+)"', html)} | {
        int(i) for i in re.findall(r'/details/\?id=(\d+)', html)}


@pytest.mark.parametrize("role, screen", SCOPED)
def test_another_users_record_is_invisible_on_every_path(app, client, login_as, role,
                                                         screen):
    who = login_as(role)
    with app.app_context():
        mine = _records(who["staff_id"], "saya")
        other = make_staff("Pegawai Lain", {"social_worker": "social_worker",
                                            "instructor": "instructor"}.get(role, "caregiver"))
        theirs = _records(other.id, "lain")
        db.session.commit()
    base = f"/admin/{screen}/"
    listing = client.get(base).get_data(as_text=True)
    assert _row_ids(listing) == {mine[screen]}, "only one's own record is listed"
    assert f"{MARK} lain" not in listing
    # Searching does not find it either.
    found = client.get(base, query_string={"search": "lain"}).get_data(as_text=True)
    assert theirs[screen] not in _row_ids(found)

    for path in ("details/", "edit/", "history/"):
        response = client.get(f"{base}{path}?id={theirs[screen]}")
        # 404 as for a missing record; 403 on edit when the role only reads this screen.
        assert response.status_code == (403 if path == "edit/" and role != "social_worker"
                                        and screen != "attendance" else 404), path
        assert f"{MARK} lain" not in response.get_data(as_text=True)

    token = csrf_token(client, base)
    response = client.post(f"{base}delete/", data={"id": theirs[screen], "csrf_token": token})
    assert response.status_code in (403, 404)
    client.post(f"{base}action/", data={"action": "delete", "rowid": theirs[screen],
                                        "csrf_token": token})
    with app.app_context():
        model = {"case_note": CaseNote, "contract": ServiceContract,
                 "conference": CaseConference, "training_session": TrainingSession,
                 "enrollment": Enrollment, "attendance": Attendance,
                 "guidance": GuidanceSchedule, "recreation": RecreationActivity}.get(screen)
        if model is not None:
            assert db.session.get(model, theirs[screen]) is not None


def test_a_social_worker_cannot_write_a_note_for_another_workers_client(app, client, login_as):
    who = login_as("social_worker")
    with app.app_context():
        other = make_staff("Rudi Hartono", "social_worker")
        theirs = make_client("Ani Lestari", sex="P", social_worker_id=other.id)
        mine = make_client("Budi Santoso", social_worker_id=who["staff_id"])
        db.session.commit()
        theirs_id, mine_id = theirs.id, mine.id
    # The picker offers only one's own clients…
    found = client.get("/admin/case_note/ajax/lookup/?name=client&query=").get_json()
    assert [row[0] for row in found] == [mine_id]
    # …and a posted id of someone else's client is refused with a message.
    html = post_form(client, "/admin/case_note/new/", {
        "client": str(theirs_id), "date": "2026-02-03", "kind": "progress", "aspect": "",
        "content": "Catatan"}).get_data(as_text=True)
    assert "Pilihan tidak valid atau tidak lagi tersedia" in html
    with app.app_context():
        assert db.session.query(CaseNote).count() == 0


def test_an_instructor_cannot_see_client_photos_or_the_roster(app, client, login_as):
    login_as("instructor")
    with app.app_context():
        klien = make_client("Budi Santoso", photo="abc.jpg")
        db.session.commit()
        klien_id = klien.id
    assert client.get("/admin/client/photo/abc.jpg").status_code == 403
    assert client.get(f"/admin/client/details/?id={klien_id}").status_code == 403
    assert client.get("/admin/client/").status_code == 403
