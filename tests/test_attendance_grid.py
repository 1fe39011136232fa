"""The attendance grid: a whole session in one submit, corrections, refusals, access."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from models import (
    Attendance,
    AuditEntry,
    Client,
    Enrollment,
    GuidanceSchedule,
    RecreationActivity,
    TrainingSession,
    User,
    db,
)
from services.dates import today as panti_today

from .conftest import csrf_token, make_class, make_client, make_user
from .test_list_queries import counting_queries

MONDAY = date(2026, 2, 2)


def _session_with(n: int, instructor_staff_id: int, day: date = MONDAY, name="Menjahit A"):
    """A class taught by the given staff member, ``n`` enrolled clients and one session."""
    from models import Staff

    klass = make_class(name, instructor=db.session.get(Staff, instructor_staff_id),
                       capacity=max(n, 1))
    clients = [make_client(f"Klien {name} {i:02d}") for i in range(n)]
    for person in clients:
        db.session.add(Enrollment(training_class=klass, client=person,
                                  enrolled_on=date(2026, 1, 5)))
    session = TrainingSession(training_class=klass, date=day, start_time=time(8),
                              end_time=time(11))
    db.session.add(session)
    db.session.commit()
    return session.id, [c.id for c in clients]


def _grid(session_id: int, kind="training", day: date | None = None) -> str:
    url = f"/admin/attendance_grid/record/?kind={kind}&id={session_id}"
    return url + (f"&date={day.isoformat()}" if day else "")


def _errors(html: str) -> list[str]:
    box = re.search(r'data-testid="errors">(.*?)</div>', html, re.S)
    if not box:
        return []
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", box.group(1), re.S)]


def _checked(html: str, client_id: int) -> str:
    match = re.search(rf'name="code-{client_id}" value="(\w?)"[^>]*checked', html)
    return match.group(1) if match else ""


def _codes() -> dict[int, tuple[str, str | None]]:
    return {a.client_id: (a.code, a.note) for a in db.session.scalars(select(Attendance))}


def test_one_submit_saves_the_whole_session_and_lists_show_it(app, client, login_as):
    me = login_as("instructor")
    with app.app_context():
        session_id, ids = _session_with(3, me["staff_id"])
    page = client.get(_grid(session_id)).get_data(as_text=True)
    assert "Klien Menjahit A 00" in page and "Klien Menjahit A 02" in page
    response = client.post(_grid(session_id), data={
        "csrf_token": csrf_token(client, _grid(session_id)),
        f"code-{ids[0]}": "H", f"code-{ids[1]}": "S", f"note-{ids[1]}": "Demam, ke Puskesmas",
        f"code-{ids[2]}": "A",
    })
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kehadiran disimpan: 1 hadir, 0 izin, 1 sakit, 1 alpa." in unescape(shown)
    assert [_checked(shown, i) for i in ids] == ["H", "S", "A"]
    assert 'value="Demam, ke Puskesmas"' in shown
    with app.app_context():
        assert _codes() == {ids[0]: ("H", None), ids[1]: ("S", "Demam, ke Puskesmas"),
                            ids[2]: ("A", None)}
    listing = unescape(client.get("/admin/attendance/").get_data(as_text=True))
    assert listing.count("Klien Menjahit A 0") == 3 and "S — sakit" in listing
    summary = client.get("/admin/attendance_summary/?month=2026-02").get_data(as_text=True)
    row = re.search(r"<td>Menjahit A</td>(.*?)</tr>", summary, re.S).group(1)
    assert re.findall(r">([^<]+)</td>", row) == ["1", "0", "1", "1", "3", "33,3%"]


def test_saving_runs_the_same_number_of_queries_for_5_or_40_clients(app, client, login_as):
    me = login_as("instructor")
    counts = []
    for n, name in ((5, "Kelas Kecil"), (40, "Kelas Besar")):
        with app.app_context():
            session_id, ids = _session_with(n, me["staff_id"], name=name)
        data = {"csrf_token": csrf_token(client, _grid(session_id)),
                **{f"code-{i}": "H" for i in ids}}
        with counting_queries(app) as statements:
            assert client.post(_grid(session_id), data=data).status_code == 302
        counts.append(len(statements))
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Attendance).where(
                Attendance.session_id == session_id)) == n
    assert counts[0] == counts[1], counts
    # Logged-in user, event, roster with codes, presence check, INSERT, audit INSERT.
    assert counts[0] <= 6, counts


def test_reopening_shows_the_codes_and_a_correction_is_audited(app, client, login_as):
    me = login_as("instructor")
    with app.app_context():
        session_id, ids = _session_with(2, me["staff_id"])
    url = _grid(session_id)
    client.post(url, data={"csrf_token": csrf_token(client, url),
                           f"code-{ids[0]}": "A", f"code-{ids[1]}": "H"})
    client.post(url, data={"csrf_token": csrf_token(client, url),
                           f"code-{ids[0]}": "I", f"note-{ids[0]}": "Surat izin keluarga",
                           f"code-{ids[1]}": "H"})
    page = client.get(url).get_data(as_text=True)
    assert _checked(page, ids[0]) == "I" and _checked(page, ids[1]) == "H"
    with app.app_context():
        # One entry per save, naming the lines it changed (not one per row).
        saves = db.session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "attendance").order_by(AuditEntry.id)).all()
        assert [(s.parent_table, s.parent_id, s.changes) for s in saves] == [
            ("training_session", session_id, {str(ids[0]): [None, "A"],
                                              str(ids[1]): [None, "H"]}),
            ("training_session", session_id, {str(ids[0]): ["A", "I — Surat izin keluarga"]})]
        assert {s.username for s in saves} == {"instructor"}
        assert db.session.scalar(select(func.count()).select_from(Attendance)) == 2


def test_blank_code_removes_an_earlier_record(app, client, login_as):
    me = login_as("instructor")
    with app.app_context():
        session_id, ids = _session_with(1, me["staff_id"])
    url = _grid(session_id)
    client.post(url, data={"csrf_token": csrf_token(client, url), f"code-{ids[0]}": "H"})
    client.post(url, data={"csrf_token": csrf_token(client, url), f"code-{ids[0]}": ""})
    with app.app_context():
        assert _codes() == {}
        assert db.session.scalar(select(AuditEntry.changes).where(
            AuditEntry.table_name == "attendance").order_by(AuditEntry.id.desc())) == {
            str(ids[0]): ["H", None]}


@pytest.mark.parametrize("case", ["future", "not_enrolled", "twice", "bad_code", "note_only"])
def test_refusals_name_the_problem_and_save_nothing(app, client, login_as, case):
    me = login_as("instructor")
    day = panti_today() + timedelta(days=3) if case == "future" else MONDAY
    with app.app_context():
        session_id, ids = _session_with(2, me["staff_id"], day=day)
        outsider = make_client("Orang Luar").id
        db.session.commit()
    url = _grid(session_id)
    data = {"csrf_token": csrf_token(client, url), f"code-{ids[0]}": "H"}
    if case == "not_enrolled":
        data[f"code-{outsider}"] = "H"
    if case == "twice":
        data = MultiDict([*data.items(), (f"code-{ids[1]}", "H"), (f"code-{ids[1]}", "A")])
    if case == "bad_code":
        data[f"code-{ids[1]}"] = "X"
    if case == "note_only":
        data.update({f"code-{ids[1]}": "", f"note-{ids[1]}": "Terlambat"})  # blank radio
    response = client.post(url, data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    expected = {
        "future": f"Kehadiran tidak dapat dicatat untuk kegiatan yang belum berlangsung "
                  f"({day:%d/%m/%Y}).",
        "not_enrolled": f"Klien nomor {outsider} tidak terdaftar pada kegiatan ini; "
                        "kehadirannya tidak dapat dicatat.",
        "twice": "Kehadiran Klien Menjahit A 01 terkirim dua kali; simpan ulang.",
        "bad_code": "Kode kehadiran Klien Menjahit A 01 harus H, I, S atau A.",
        "note_only": "Pilih kode kehadiran Klien Menjahit A 01 sebelum mengisi catatan.",
    }[case]
    assert _errors(html) == [expected]
    if case != "future":  # what was typed is still on the screen
        assert _checked(html, ids[0]) == "H"
    with app.app_context():
        assert _codes() == {}


def test_the_database_refuses_a_second_record_for_the_same_client(app, ctx):
    from sqlalchemy.exc import IntegrityError

    user = make_user("instructor")
    session_id, ids = _session_with(1, user.staff_id)
    db.session.add(Attendance(session_id=session_id, client_id=ids[0], code="H"))
    db.session.commit()
    db.session.add(Attendance(session_id=session_id, client_id=ids[0], code="A"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Attendance(client_id=ids[0], code="H"))  # belongs to no event
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_another_instructors_session_is_refused(app, client, login_as):
    login_as("instructor")
    with app.app_context():
        other = make_user("instructor", "instruktur2")
        session_id, ids = _session_with(2, other.staff_id)
    url = _grid(session_id)
    assert client.get(url).status_code == 404  # as for an event that does not exist
    token = csrf_token(client, "/password")
    assert client.post(url, data={"csrf_token": token, f"code-{ids[0]}": "H"}).status_code == 404
    index = client.get("/admin/attendance_grid/?day=2026-02-02").get_data(as_text=True)
    assert "Menjahit A" not in index
    with app.app_context():
        assert _codes() == {}


def test_head_reads_a_sheet_without_a_save_button(app, client, login_as):
    with app.app_context():
        teacher = make_user("instructor")
        session_id, ids = _session_with(1, teacher.staff_id)
        db.session.add(Attendance(session_id=session_id, client_id=ids[0], code="S"))
        db.session.commit()
    login_as("head")
    page = client.get(_grid(session_id)).get_data(as_text=True)
    assert _checked(page, ids[0]) == "S" and "disabled" in page
    assert "Simpan kehadiran" not in page
    token = csrf_token(client, "/password")
    assert client.post(_grid(session_id), data={"csrf_token": token,
                                                f"code-{ids[0]}": "H"}).status_code == 403


def test_guidance_meeting_and_recreation_use_the_same_grid(app, client, login_as):
    me = login_as("staff")
    with app.app_context():
        people = [make_client("Asep"), make_client("Dadang")]
        schedule = GuidanceSchedule(guidance_type="mental_spiritual", title="Pengajian",
                                    weekday=2, start_time=time(19), end_time=time(20),
                                    staff_id=me["staff_id"], clients=people)
        outing = RecreationActivity(kind="angklung", title="Latihan angklung",
                                    date=date(2026, 2, 5), start_time=time(15),
                                    end_time=time(16), leader_id=me["staff_id"],
                                    participants=people[:1])
        db.session.add_all([schedule, outing])
        db.session.commit()
        ids = [p.id for p in people]
        schedule_id, outing_id = schedule.id, outing.id
    tuesday = date(2026, 2, 3)
    url = _grid(schedule_id, "guidance", tuesday)
    assert client.get(_grid(schedule_id, "guidance", date(2026, 2, 4))).status_code == 404
    page = client.get(url).get_data(as_text=True)
    assert "Pengajian" in page and "Asep" in page and "Dadang" in page
    client.post(url, data={"csrf_token": csrf_token(client, url),
                           f"code-{ids[0]}": "H", f"code-{ids[1]}": "I"})
    url = _grid(outing_id, "recreation")
    client.post(url, data={"csrf_token": csrf_token(client, url), f"code-{ids[0]}": "H"})
    with app.app_context():
        rows = db.session.execute(select(Attendance.client_id, Attendance.code,
                                         Attendance.guidance_id, Attendance.guidance_date,
                                         Attendance.activity_id)
                                  .order_by(Attendance.id)).all()
        assert [tuple(r) for r in rows] == [
            (ids[0], "H", schedule_id, tuesday, None), (ids[1], "I", schedule_id, tuesday, None),
            (ids[0], "H", None, None, outing_id)]
    index = client.get("/admin/attendance_grid/?day=2026-02-03").get_data(as_text=True)
    week = " ".join(re.sub(r"<[^>]+>", " ", index.split('data-testid="week"')[1]).split())
    assert "03/02/2026 19:00–20:00 Bimbingan Pengajian 2 / 2" in week
    assert "05/02/2026 15:00–16:00 Rekreasi Latihan angklung 1 / 1" in week


def test_a_client_cannot_be_present_at_two_overlapping_events(app, client, login_as):
    me = login_as("instructor")
    with app.app_context():
        session_id, ids = _session_with(1, me["staff_id"])
        user = db.session.scalar(select(User).where(User.username == "instructor"))
        schedule = GuidanceSchedule(guidance_type="social_individual", title="Konseling",
                                    date=MONDAY, start_time=time(10), end_time=time(10, 30),
                                    staff_id=user.staff_id)
        db.session.add(schedule)
        db.session.flush()
        db.session.add(Attendance(guidance_id=schedule.id, guidance_date=MONDAY,
                                  client_id=ids[0], code="H"))
        db.session.commit()
    url = _grid(session_id)
    response = client.post(url, data={"csrf_token": csrf_token(client, url),
                                      f"code-{ids[0]}": "H"})
    assert _errors(response.get_data(as_text=True)) == [
        "Klien Menjahit A 00 sudah tercatat hadir di «Konseling» 10:00–10:30 pada jam yang "
        "sama."]
    # Izin for the class is fine: the client was at the counselling session.
    response = client.post(url, data={"csrf_token": csrf_token(client, url),
                                      f"code-{ids[0]}": "I", f"note-{ids[0]}": "Konseling"})
    assert response.status_code == 302


def test_single_record_form_keeps_the_same_presence_rule(app, client, login_as):
    from .conftest import field_errors, post_form

    me = login_as("instructor")
    with app.app_context():
        session_id, ids = _session_with(1, me["staff_id"])
        activity = RecreationActivity(kind="chess", title="Catur", date=MONDAY,
                                      start_time=time(10), end_time=time(12),
                                      participants=[])
        db.session.add(activity)
        db.session.flush()
        db.session.add(Attendance(activity_id=activity.id, client_id=ids[0], code="H"))
        db.session.commit()
    html = post_form(client, "/admin/attendance/new/", {
        "session": str(session_id), "client": str(ids[0]), "code": "H", "note": ""}
    ).get_data(as_text=True)
    assert field_errors(html, "client") == [
        "Klien Menjahit A 00 sudah tercatat hadir di «Catur» 10:00–12:00 pada jam yang sama."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1


def test_todays_sessions_on_the_home_page_open_their_sheet(app, client, login_as):
    me = login_as("instructor")
    with app.app_context():
        session_id, _ids = _session_with(2, me["staff_id"], day=panti_today())
    home = client.get("/admin/").get_data(as_text=True)
    assert f'href="/admin/attendance_grid/record/?kind=training&amp;id={session_id}"' in home


def test_a_sheet_save_is_one_audit_entry_and_each_records_history_shows_its_line(
        app, client, login_as):
    """The log grows with the saves people make, not with rows: 25 codes are one entry;
    each attendance record's history page still shows the changes of its own line (the
    sheet's and the single-record form's)."""
    me = login_as("instructor")
    with app.app_context():
        session_id, ids = _session_with(25, me["staff_id"])
    url = _grid(session_id)
    client.post(url, data={"csrf_token": csrf_token(client, url),
                           **{f"code-{i}": "H" for i in ids}})
    client.post(url, data={"csrf_token": csrf_token(client, url),
                           **{f"code-{i}": "H" for i in ids}, f"code-{ids[3]}": "S",
                           f"note-{ids[3]}": "Demam"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attendance)) == 25
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.table_name == "attendance")) == 2
        record = db.session.scalar(select(Attendance.id).where(
            Attendance.client_id == ids[3]))
        untouched = db.session.scalar(select(Attendance.id).where(
            Attendance.client_id == ids[4]))
    history = client.get(f"/admin/attendance/history/?id={record}").get_data(as_text=True)
    table = " ".join(unescape(re.sub(r"<[^>]+>", " ", history.split(
        'data-testid="history"', 1)[1])).split())
    rows = re.findall(r"Kehadiran (\S+(?: — \w+)?) → (\S+(?: — \w+)?)", table)
    assert rows == [("H", "S — Demam"), ("—", "H")], table
    other = client.get(f"/admin/attendance/history/?id={untouched}").get_data(as_text=True)
    assert len(re.findall(r"→", other)) == 1  # only the first save touched its line


def test_the_audit_log_shows_a_sheet_save_line_by_line(app, client, login_as):
    me = login_as("instructor")
    with app.app_context():
        session_id, ids = _session_with(2, me["staff_id"])
        names = {i: str(db.session.get(Client, i)) for i in ids}
    url = _grid(session_id)
    client.post(url, data={"csrf_token": csrf_token(client, url), f"code-{ids[0]}": "H",
                           f"code-{ids[1]}": "A"})
    client.post("/logout", data={"csrf_token": csrf_token(client, url)})
    login_as("head")
    log = " ".join(unescape(re.sub(r"<[^>]+>", " ", client.get("/admin/audit/").get_data(
        as_text=True))).split())
    assert "Ubah Kehadiran Menjahit A — 02/02/2026 Kehadiran 2 klien Daftar hadir " \
        "02/02/2026" in log
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry.id).where(
            AuditEntry.table_name == "attendance"))
    details = " ".join(unescape(re.sub(r"<[^>]+>", " ", client.get(
        f"/admin/audit/details/?id={entry}").get_data(as_text=True))).split())
    assert f"{names[ids[0]]} : — → H" in details and f"{names[ids[1]]} : — → A" in details
