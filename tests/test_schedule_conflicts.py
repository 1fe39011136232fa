"""Double-booking is refused: the same staff member, place or client at overlapping times,
across training sessions, guidance meetings, recreation and case conferences."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from models import (
    AuditEntry,
    CaseConference,
    Enrollment,
    GuidanceSchedule,
    RecreationActivity,
    Staff,
    TrainingClass,
    TrainingSession,
    db,
)
from services.conflicts import describe, find_conflicts
from services.dates import today as panti_today
from services.schedule import ALL_KINDS, Booking
from services.training import generate_sessions

from .conftest import csrf_token, field_errors, make_class, make_client, make_staff, post_form

TUESDAY = date(2026, 3, 3)


def _existing(kind: str, staff: Staff, client_id: int) -> None:
    """One event of ``kind`` on TUESDAY 08:00–10:00 in the Aula, led by ``staff``, with the
    client. The guidance schedule is weekly (Tuesdays): its meetings repeat."""
    if kind == "training":
        klass = make_class("Menjahit A", instructor=staff)
        klass.location = "Aula"
        db.session.add_all([
            Enrollment(class_id=klass.id, client_id=client_id, enrolled_on=date(2026, 1, 5)),
            TrainingSession(class_id=klass.id, date=TUESDAY, start_time=time(8),
                            end_time=time(10)),
        ])
    elif kind == "guidance":
        db.session.add(GuidanceSchedule(
            guidance_type="social_group", title="Bimbingan kelompok", weekday=2,
            start_time=time(8), end_time=time(10), staff_id=staff.id, location="Aula",
            clients=[_client(client_id)]))
    elif kind == "recreation":
        db.session.add(RecreationActivity(
            kind="angklung", title="Latihan angklung", date=TUESDAY, start_time=time(8),
            end_time=time(10), leader_id=staff.id, place="Aula",
            participants=[_client(client_id)]))
    else:
        db.session.add(CaseConference(
            date=TUESDAY, start_time=time(8), end_time=time(10), kind="periodic_review",
            location="Aula", chair_id=staff.id, clients=[_client(client_id)]))
    db.session.commit()


def _client(client_id: int):
    from models import Client

    return db.session.get(Client, client_id)


@pytest.mark.parametrize("resource", ["staff", "place", "client"])
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_each_kind_conflicts_on_staff_place_and_client_but_not_at_the_boundary(
        app, ctx, kind, resource):
    staff = make_staff("Ujang Sudrajat", "instructor")
    other_staff = make_staff("Rina Kartikasari", "caregiver")
    person, other_person = make_client("Budi Santoso"), make_client("Asep Saepudin")
    _existing(kind, staff, person.id)
    candidate_kind = ALL_KINDS[(ALL_KINDS.index(kind) + 1) % len(ALL_KINDS)]
    shares = {
        "staff": ({staff.id: staff.name}, "Ruang Konseling", {other_person.id}),
        "place": ({other_staff.id: other_staff.name}, "  aula ", {other_person.id}),
        "client": ({other_staff.id: other_staff.name}, "Ruang Konseling", {person.id}),
    }[resource]

    def candidate(start, end):
        return Booking(candidate_kind, None, (candidate_kind, None), "Kegiatan baru", TUESDAY,
                       start, end, shares[0], shares[1], frozenset(shares[2]))

    conflicts = find_conflicts([candidate(time(9), time(11))])
    assert [c.other.kind for c in conflicts] == [kind]
    found = conflicts[0]
    assert (bool(found.staff), bool(found.place), bool(found.clients)) == (
        resource == "staff", resource == "place", resource == "client")
    message = describe(conflicts)[0]
    assert "03/03/2026 08:00–10:00" in message
    assert {"staff": "petugas yang sama (Ujang Sudrajat)", "place": "tempat yang sama",
            "client": "klien yang sama (Budi Santoso)"}[resource] in message
    # One ends at 10:00, the next starts at 10:00: allowed. A week later: the weekly
    # guidance meets again, the others do not.
    assert find_conflicts([candidate(time(10), time(11))]) == []
    later = [Booking(candidate_kind, None, (candidate_kind, None), "x", TUESDAY +
                     timedelta(days=7), time(9), time(11), shares[0], shares[1],
                     frozenset(shares[2]))]
    assert len(find_conflicts(later)) == (1 if kind == "guidance" else 0)


def _login_admin(login_as):
    return login_as("admin")


def test_session_form_names_the_conflict_next_to_the_time_and_saves_nothing(
        app, client, login_as):
    _login_admin(login_as)
    with app.app_context():
        teacher = make_staff("Ujang Sudrajat", "instructor")
        klass = make_class("Las Dasar", instructor=teacher)
        db.session.add(GuidanceSchedule(guidance_type="social_individual", title="Konseling",
                                        date=TUESDAY, start_time=time(9), end_time=time(10),
                                        staff_id=teacher.id, location="Ruang Konseling"))
        db.session.commit()
        class_id = klass.id
    form = {"training_class": str(class_id), "date": "2026-03-03", "start_time": "08:00",
            "end_time": "11:00", "topic": "Las listrik"}
    response = post_form(client, "/admin/training_session/new/", form)
    # The conflict, then the free slots (tests/test_conflicts_at_once.py).
    assert field_errors(response.get_data(as_text=True), "start_time")[:-1] == [
        "Bentrok dengan Bimbingan «Konseling» 03/03/2026 09:00–10:00: petugas yang sama "
        "(Ujang Sudrajat)."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TrainingSession)) == 0
    form.update(start_time="10:00", end_time="12:00")  # starts as the counselling ends
    assert post_form(client, "/admin/training_session/new/", form).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TrainingSession)) == 1


def test_recreation_in_a_busy_room_is_refused_unless_overlap_is_allowed_with_a_reason(
        app, client, login_as):
    _login_admin(login_as)
    with app.app_context():
        teacher = make_staff("Ujang Sudrajat", "instructor")
        leader = make_staff("Rina Kartikasari", "caregiver")
        klass = make_class("Las Dasar", instructor=teacher)
        klass.location = "Aula Serbaguna"
        db.session.add(TrainingSession(class_id=klass.id, date=TUESDAY, start_time=time(8),
                                       end_time=time(11)))
        db.session.commit()
        leader_id = leader.id
    form = {"kind": "outing", "title": "Wisata ke Kebun Raya", "date": "2026-03-03",
            "start_time": "07:00", "end_time": "15:00", "place": "aula serbaguna",
            "leader": str(leader_id)}
    html = post_form(client, "/admin/recreation/new/", form).get_data(as_text=True)
    assert field_errors(html, "start_time")[:-1] == [
        "Bentrok dengan Pelatihan «Las Dasar» 03/03/2026 08:00–11:00: tempat yang sama "
        "(aula serbaguna)."]
    html = post_form(client, "/admin/recreation/new/",
                     {**form, "allow_overlap": "y"}).get_data(as_text=True)
    assert field_errors(html, "overlap_reason") == [
        "Tuliskan alasan kegiatan ini boleh bersamaan dengan jadwal lain (mis. wisata seluruh "
        "panti)."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RecreationActivity)) == 0
    response = post_form(client, "/admin/recreation/new/",
                         {**form, "allow_overlap": "y",
                          "overlap_reason": "Wisata seluruh panti, kelas diliburkan"})
    assert response.status_code == 302
    with app.app_context():
        activity = db.session.scalar(select(RecreationActivity))
        assert activity.allow_overlap and activity.overlap_reason.startswith("Wisata")
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.table_name == "recreation_activity"))
        assert entry.changes["allow_overlap"] == [None, True]


def test_conference_about_a_client_in_class_is_refused(app, client, login_as):
    login_as("head")
    with app.app_context():
        klass = make_class("Menjahit A")
        person = make_client("Budi Santoso")
        db.session.add_all([
            Enrollment(class_id=klass.id, client_id=person.id, enrolled_on=date(2026, 1, 5)),
            TrainingSession(class_id=klass.id, date=TUESDAY, start_time=time(8),
                            end_time=time(11))])
        db.session.commit()
        person_id = person.id
    form = {"date": "2026-03-03", "start_time": "10:00", "end_time": "12:00",
            "kind": "periodic_review", "location": "Ruang Rapat", "clients": str(person_id)}
    html = post_form(client, "/admin/conference/new/", form).get_data(as_text=True)
    assert field_errors(html, "start_time")[:-1] == [
        "Bentrok dengan Pelatihan «Menjahit A» 03/03/2026 08:00–11:00: klien yang sama "
        "(Budi Santoso)."]
    form.update(start_time="11:00", end_time="12:30")
    assert post_form(client, "/admin/conference/new/", form).status_code == 302


def _future_class(name: str, teacher=None, weekdays="1", start=time(8), end=time(11)):
    """A class running from next Monday for eight weeks (conflicts are checked from today)."""
    today = panti_today()
    monday = today + timedelta(days=8 - today.isoweekday())
    klass = make_class(name, instructor=teacher, weekdays=weekdays, start=start, end=end)
    klass.start_date, klass.end_date = monday, monday + timedelta(weeks=8)
    db.session.flush()
    return klass


def test_weekly_guidance_on_the_weekday_of_the_instructors_class_is_refused(
        app, client, login_as):
    _login_admin(login_as)
    with app.app_context():
        teacher = make_staff("Ujang Sudrajat", "instructor")
        klass = _future_class("Bengkel Motor", teacher)
        db.session.commit()
        teacher_id, first_day = teacher.id, klass.start_date
    form = {"guidance_type": "social_group", "title": "Bimbingan kelompok", "weekday": "1",
            "date": "", "start_time": "10:30", "end_time": "12:00", "staff": str(teacher_id),
            "location": "Ruang Konseling"}
    html = post_form(client, "/admin/guidance/new/", form).get_data(as_text=True)
    [message, slots] = field_errors(html, "start_time")
    assert slots.startswith("Waktu kosong berikutnya")
    assert message.startswith(f"Bentrok dengan Pelatihan «Bengkel Motor» "
                              f"{first_day:%d/%m/%Y} 08:00–11:00 dan 8 kali lagi sampai "
                              f"{first_day + timedelta(weeks=8):%d/%m/%Y}: petugas yang sama")
    form["weekday"] = "2"  # Tuesdays are free
    assert post_form(client, "/admin/guidance/new/", form).status_code == 302


def test_changing_a_classs_instructor_to_a_busy_one_is_refused(app, client, login_as):
    _login_admin(login_as)
    with app.app_context():
        busy = make_staff("Dedi Supriadi", "instructor")
        _future_class("Las Dasar", busy, weekdays="3")
        klass = _future_class("Menjahit B", None, weekdays="3", start=time(9), end=time(12))
        db.session.commit()
        klass_id, busy_id, skill_id = klass.id, busy.id, klass.skill_type_id
        values = {"name": "Menjahit B", "skill_type": str(skill_id),
                  "instructor": str(busy_id), "location": "Ruang Jahit",
                  "start_date": klass.start_date.isoformat(),
                  "end_date": klass.end_date.isoformat(), "weekdays": "3",
                  "start_time": "09:00", "end_time": "12:00", "capacity": "10"}
    html = post_form(client, f"/admin/training_class/edit/?id={klass_id}", values
                     ).get_data(as_text=True)
    assert "petugas yang sama (Dedi Supriadi)" in field_errors(html, "start_time")[0]
    with app.app_context():
        assert db.session.get(TrainingClass, klass_id).instructor_id is None


def test_enrollment_rules(app, client, login_as):
    """Two classes at overlapping times, a client not in intervention, and the boundary."""
    _login_admin(login_as)
    with app.app_context():
        mornings = _future_class("Las Dasar", weekdays="1", start=time(8), end=time(11))
        overlapping = _future_class("Menjahit A", weekdays="1", start=time(10), end=time(12))
        after = _future_class("Sablon", weekdays="1", start=time(11), end=time(13))
        person = make_client("Budi Santoso")
        newcomer = make_client("Asep Saepudin", stage="assessment")
        db.session.add(Enrollment(class_id=mornings.id, client_id=person.id,
                                  enrolled_on=mornings.start_date))
        db.session.commit()
        ids = (overlapping.id, after.id, person.id, newcomer.id)
        start = mornings.start_date.isoformat()
    overlapping_id, after_id, person_id, newcomer_id = ids
    form = {"training_class": str(overlapping_id), "client": str(person_id),
            "enrolled_on": start, "left_on": ""}
    html = post_form(client, "/admin/enrollment/new/", form).get_data(as_text=True)
    [message] = field_errors(html, "client")
    assert message.startswith("Bentrok dengan Pelatihan «Las Dasar»")
    assert "klien yang sama (Budi Santoso)" in message
    html = post_form(client, "/admin/enrollment/new/",
                     {**form, "client": str(newcomer_id)}).get_data(as_text=True)
    assert field_errors(html, "client") == [
        "Asep Saepudin berada pada tahap 3. Asesmen; hanya klien pada tahap intervensi atau "
        "konferensi kasus yang dapat mengikuti kelas."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1
    response = post_form(client, "/admin/enrollment/new/",
                         {**form, "training_class": str(after_id)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 2


def test_generation_skips_a_conflicting_date_and_says_why(app, client, login_as):
    _login_admin(login_as)
    with app.app_context():
        teacher = make_staff("Ujang Sudrajat", "instructor")
        klass = make_class("Las Dasar", instructor=teacher, weekdays="2")
        klass.start_date, klass.end_date = date(2026, 2, 24), date(2026, 3, 10)
        db.session.add(RecreationActivity(kind="chess", title="Turnamen catur", date=TUESDAY,
                                          start_time=time(10), end_time=time(12),
                                          leader_id=teacher.id, place="Ruang Rekreasi"))
        db.session.commit()
        class_id = klass.id
    response = client.post("/admin/training_class/action/", data={
        "action": "generate_sessions", "rowid": str(class_id),
        "csrf_token": csrf_token(client, "/admin/training_class/")}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "2 pertemuan baru dibuat untuk 1 kelas." in html
    assert "Las Dasar: 1 pertemuan tidak dibuat karena bentrok (03/03/2026)." in html
    assert ("Bentrok dengan Rekreasi «Turnamen catur» 03/03/2026 10:00–12:00: petugas yang "
            "sama (Ujang Sudrajat).") in html.replace("&laquo;", "«").replace("&raquo;", "»")
    with app.app_context():
        days = list(db.session.scalars(select(TrainingSession.date).order_by(
            TrainingSession.date)))
        assert days == [date(2026, 2, 24), date(2026, 3, 10)]
        # The command says the same.
        result = generate_sessions(db.session.get(TrainingClass, class_id))
        assert result.created == [] and len(result.skipped) == 1
