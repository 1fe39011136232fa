"""The case conference's rules: decisions per client, the periodic review, emergency changes
with three core members, the head's approval of terminations, summaries and minutes."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from html import unescape

from sqlalchemy import func, select

from models import (
    CaseConference,
    CaseNote,
    Client,
    ConferenceDecision,
    EmergencyChange,
    ServicePlan,
    db,
)
from services.conferences import put_in_force, review_due
from services.dates import today as panti_today
from services.versions import token

from .conftest import csrf_token, field_errors, make_client, make_staff, post_form


def _conference(day: date, clients, attendees=(), chair=None) -> int:
    conference = CaseConference(date=day, start_time=time(13), end_time=time(15),
                                kind="periodic_review", location="Ruang Rapat",
                                clients=list(clients), attendees=list(attendees), chair=chair)
    db.session.add(conference)
    db.session.commit()
    return conference.id


def test_review_due_list_at_the_90_day_boundary(app, ctx):
    today = date(2026, 6, 1)
    due_today = make_client("Asep Saepudin", stage="intervention")
    late = make_client("Bunga Lestari", stage="intervention", sex="P")
    make_client("Cecep Hidayat", stage="planning", admission_date=today - timedelta(
        days=60))
    assessing = make_client("Dadang Sunarya", stage="assessment")
    for person, days in ((due_today, 90), (late, 91)):
        conference_id = _conference(today - timedelta(days=days), [person])
        db.session.add(ConferenceDecision(conference_id=conference_id, client_id=person.id,
                                          recommendation="continue"))
    db.session.commit()
    due = review_due(today)
    assert [(d.client.full_name, d.overdue_days) for d in due] == [
        ("Cecep Hidayat", 32),  # never had a KK: due since assessment ended (28 days)
        ("Bunga Lestari", 1),   # last decision 91 days ago
        ("Asep Saepudin", 0),   # 90 days ago: due today, not late
    ]
    assert due[1].last_decision == today - timedelta(days=91)
    assert assessing.id not in {d.client.id for d in due}


def test_review_due_page_shows_a_social_worker_their_own_clients(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        make_client("Klien Saya", stage="intervention", social_worker_id=me["staff_id"])
        make_client("Klien Lain", stage="intervention")
        db.session.commit()
    html = client.get("/admin/conference/review-due/").get_data(as_text=True)
    table = re.search(r'data-testid="review-due">(.*?)</table>', html, re.S).group(1)
    assert "Klien Saya" in table and "belum pernah" in table and "Klien Lain" not in table


def _plan_for(person, formulation="Pelatihan menjahit dan bimbingan sosial"):
    plan = ServicePlan(client_id=person.id, problems="Menggelandang", formulation=formulation)
    db.session.add(plan)
    db.session.commit()


def test_emergency_change_needs_three_core_members_and_waits_for_the_next_kk(
        app, client, login_as):
    _record_emergency(app, client, login_as)


def _record_emergency(app, client, login_as) -> tuple[int, int]:
    """A social worker records an emergency change (refused with two core members, accepted
    with three); the head then finds it on the next KK. Returns (that KK, the change)."""
    me = login_as("social_worker")
    with app.app_context():
        person = make_client("Budi Santoso", social_worker_id=me["staff_id"])
        _plan_for(person)
        core = [make_staff(f"Anggota Inti {i}", is_core_member=True) for i in range(3)]
        other = make_staff("Bukan Inti")
        db.session.commit()
        person_id, core_ids, other_id = person.id, [c.id for c in core], other.id
    form = {"client": str(person_id), "date": (panti_today() - timedelta(days=1)).isoformat(),
            "reason": "Dirawat di rumah sakit karena demam berdarah",
            "change": "Pelatihan dihentikan sementara; perawatan di RSUD",
            "agreed_by": f"{core_ids[0]},{core_ids[1]},{other_id}"}
    html = post_form(client, "/admin/emergency_change/new/", form).get_data(as_text=True)
    assert field_errors(html, "agreed_by") == [
        "Perubahan darurat perlu kesepakatan sedikitnya 3 anggota inti KK; baru 2 anggota "
        "inti yang menyetujui."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EmergencyChange)) == 0
        assert db.session.scalar(select(ServicePlan.formulation)) == \
            "Pelatihan menjahit dan bimbingan sosial"
    form["agreed_by"] = ",".join(map(str, core_ids))
    assert post_form(client, "/admin/emergency_change/new/", form).status_code == 302
    with app.app_context():
        change = db.session.scalar(select(EmergencyChange))
        assert change.status == "pending" and len(change.agreed_by) == 3
        plan = db.session.scalar(select(ServicePlan))
        assert plan.formulation == "Pelatihan dihentikan sementara; perawatan di RSUD"
        assert change.previous_formulation == "Pelatihan menjahit dan bimbingan sosial"
        # The next KK (today) shows it on its agenda; an earlier one does not.
        earlier = _conference(panti_today() - timedelta(days=5), [])
        next_kk = _conference(panti_today(), [], attendees=[], chair=None)
        change_id = change.id
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    login_as("head")
    pending = re.search(r'data-testid="pending-changes">(.*?)</table>',
                        client.get(f"/admin/conference/details/?id={next_kk}")
                        .get_data(as_text=True), re.S).group(1)
    assert "Budi Santoso" in pending and "Dirawat di rumah sakit" in pending
    before = client.get(f"/admin/conference/details/?id={earlier}").get_data(as_text=True)
    assert "Dirawat di rumah sakit" not in before
    return next_kk, change_id


def test_cancelling_an_emergency_change_restores_the_plan_and_confirming_keeps_it(
        app, client, login_as):
    next_kk, change_id = _record_emergency(app, client, login_as)
    url = f"/admin/conference/details/?id={next_kk}"
    client.post(f"/admin/conference/emergency/?id={next_kk}", data={
        "csrf_token": csrf_token(client, url), "change_id": str(change_id), "confirm": "0"})
    with app.app_context():
        change = db.session.get(EmergencyChange, change_id)
        assert (change.status, change.decided_at_id) == ("cancelled", next_kk)
        assert db.session.scalar(select(ServicePlan.formulation)) == \
            "Pelatihan menjahit dan bimbingan sosial"
        # The client joined the meeting's agenda; a second decision is refused.
        assert [c.full_name for c in db.session.get(CaseConference, next_kk).clients] == [
            "Budi Santoso"]
        person = db.session.scalar(select(Client))
        second = EmergencyChange(client=person, date=panti_today(), reason="Kabur",
                                 change="Dicari bersama keluarga", status="pending")
        db.session.add(second)
        from services.conferences import apply_emergency

        apply_emergency(second)
        db.session.commit()
        second_id = second.id
    response = client.post(f"/admin/conference/emergency/?id={next_kk}", data={
        "csrf_token": csrf_token(client, url), "change_id": str(change_id), "confirm": "1"},
        follow_redirects=True)
    assert "Perubahan darurat ini sudah diputus KK." in unescape(response.get_data(as_text=True))
    client.post(f"/admin/conference/emergency/?id={next_kk}", data={
        "csrf_token": csrf_token(client, url), "change_id": str(second_id), "confirm": "1"})
    with app.app_context():
        assert db.session.get(EmergencyChange, second_id).status == "confirmed"
        assert db.session.scalar(select(ServicePlan.formulation)) == "Dicari bersama keluarga"


def test_decision_updates_the_plan_and_a_termination_waits_for_the_head(
        app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        person = make_client("Budi Santoso", social_worker_id=me["staff_id"])
        outsider = make_client("Tidak Diagendakan", social_worker_id=me["staff_id"])
        _plan_for(person)
        kk = _conference(date(2026, 3, 10), [person])
        person_id, outsider_id = person.id, outsider.id
    url = f"/admin/conference/decision/?id={kk}&client_id={person_id}"
    assert client.get(f"/admin/conference/decision/?id={kk}&client_id={outsider_id}"
                      ).status_code == 404
    html = unescape(post_form(client, url, {
        "placement": "", "formulation": "", "next_review": "", "recommendation": "termination",
        "termination_reason": ""}).get_data(as_text=True))
    assert "Rekomendasi terminasi perlu alasan terminasi." in html
    html = unescape(post_form(client, url, {
        "next_review": "31/31/2026", "recommendation": "dipecat"}).get_data(as_text=True))
    assert "Tanggal 31/31/2026 tidak ada di kalender." in html and "Pilihan tidak valid." in html
    post_form(client, url, {
        "placement": "Kembali ke keluarga", "formulation": "Terminasi dan bimbingan lanjut",
        "next_review": "", "recommendation": "termination",
        "termination_reason": "goals_achieved"})
    with app.app_context():
        decision = db.session.scalar(select(ConferenceDecision))
        assert (decision.recommendation, decision.approval) == ("termination", "pending")
        assert db.session.get(Client, person_id).stage == "intervention"  # not yet
        assert db.session.scalar(select(ServicePlan.formulation)) == \
            "Terminasi dan bimbingan lanjut"
        decision_id = decision.id
    # The social worker may not approve it.
    token = csrf_token(client, "/admin/conference/terminations/")
    assert client.post("/admin/conference/approve/", data={
        "csrf_token": token, "decision_id": str(decision_id), "approve": "1"}).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    login_as("head")
    listing = unescape(client.get("/admin/conference/terminations/").get_data(as_text=True))
    row = re.search(rf'data-decision="{decision_id}">(.*?)</tr>', listing, re.S).group(1)
    assert "Budi Santoso" in row and "Tujuan pelayanan tercapai" in row
    # The decision and the summary's readiness beside it; approving asks to confirm.
    assert "Terminasi dan bimbingan lanjut" in row and "Kembali ke keluarga" in row
    assert "Belum ada ringkasan" in row
    assert 'name="confirmed" value="1"' in row and "required" in row
    response = client.post("/admin/conference/approve/", data={
        "csrf_token": csrf_token(client, "/admin/conference/terminations/"),
        "decision_id": str(decision_id), "approve": "1"}, follow_redirects=True)
    assert ("Terminasi Budi Santoso belum disetujui: centang dulu bahwa Anda sudah membaca "
            "keputusan KK dan ringkasan kasusnya.") in unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Client, person_id).stage == "intervention"
        assert db.session.get(ConferenceDecision, decision_id).approval == "pending"
    client.post("/admin/conference/approve/", data={
        "csrf_token": csrf_token(client, "/admin/conference/terminations/"),
        "decision_id": str(decision_id), "approve": "1", "confirmed": "1"})
    with app.app_context():
        person = db.session.get(Client, person_id)
        assert (person.stage, person.termination_reason) == ("termination", "goals_achieved")
        assert person.termination_date == panti_today()
        assert db.session.get(ConferenceDecision, decision_id).approval == "approved"


def test_agenda_flags_a_case_summary_not_ready_the_day_before(app, client, login_as):
    login_as("head")
    with app.app_context():
        ready, late, missing = (make_client(n) for n in ("Siap Ringkasan", "Terlambat",
                                                          "Tanpa Ringkasan"))
        day = date(2026, 3, 10)
        db.session.add_all([
            CaseNote(client_id=ready.id, kind="case_summary", date=day - timedelta(days=1),
                     content="Ringkasan kasus"),
            CaseNote(client_id=late.id, kind="case_summary", date=day,
                     content="Ditulis pada hari rapat"),
        ])
        kk = _conference(day, [ready, late, missing])
        ids = {"ready": ready.id, "late": late.id, "missing": missing.id}
    html = client.get(f"/admin/conference/details/?id={kk}").get_data(as_text=True)
    rows = dict(re.findall(r'data-client="(\d+)">(.*?)</tr>', html, re.S))
    assert "Siap — buka ringkasan" in rows[str(ids["ready"])]
    assert 'href="/admin/case_note/details/?id=' in rows[str(ids["ready"])]
    assert "summary-missing" not in rows[str(ids["ready"])]
    assert "summary-missing" in rows[str(ids["late"])]
    assert "summary-missing" in rows[str(ids["missing"])]


def test_minutes_print_view(app, client, login_as):
    login_as("head")
    with app.app_context():
        person = make_client("Budi Santoso")
        chair = make_staff("Drs. Bambang Sutrisno, M.Si.", "head", is_core_member=True)
        guest = make_staff("Relawan Kampus")
        kk = _conference(date(2026, 3, 10), [person], attendees=[chair, guest], chair=chair)
        number = person.register_number
        db.session.add(ConferenceDecision(conference_id=kk, client_id=person.id,
                                          placement="Magang di bengkel",
                                          recommendation="placement",
                                          next_review=date(2026, 6, 8)))
        db.session.commit()
    html = unescape(client.get(f"/admin/conference/minutes/?id={kk}").get_data(as_text=True))
    assert "NOTULEN KONFERENSI KASUS" in html
    attendees = re.search(r'data-testid="attendees">(.*?)</td>', html, re.S).group(1)
    assert "Drs. Bambang Sutrisno, M.Si. (anggota inti)" in attendees
    assert "Relawan Kampus" in attendees and "Relawan Kampus (anggota inti)" not in attendees
    decisions = re.search(r'data-testid="decisions">(.*?)</table>', html, re.S).group(1)
    assert "Budi Santoso" in decisions and number in decisions
    assert "Magang di bengkel" in decisions
    assert "Rekomendasi penyaluran" in decisions and "08/06/2026" in decisions


def test_a_social_worker_reads_only_their_own_clients_decisions_unless_they_attended(
        app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        mine = make_client("Klien Saya", social_worker_id=me["staff_id"])
        theirs = make_client("Klien Peksos Lain")
        kk = _conference(date(2026, 3, 10), [mine, theirs])
        for person, text in ((mine, "Keputusan untuk klien saya"),
                             (theirs, "Keputusan rahasia klien lain")):
            db.session.add(ConferenceDecision(conference_id=kk, client_id=person.id,
                                              placement=text, recommendation="continue"))
        db.session.commit()
    minutes = client.get(f"/admin/conference/minutes/?id={kk}").get_data(as_text=True)
    assert "Keputusan untuk klien saya" in minutes
    assert "Keputusan rahasia klien lain" not in minutes
    with app.app_context():
        from models import Staff

        conference = db.session.get(CaseConference, kk)
        conference.attendees.append(db.session.get(Staff, me["staff_id"]))
        db.session.commit()
    minutes = client.get(f"/admin/conference/minutes/?id={kk}").get_data(as_text=True)
    assert "Keputusan rahasia klien lain" in minutes  # they were at the meeting


def test_the_agreement_picker_marks_core_members_and_the_form_says_how_many(
        app, client, login_as):
    login_as("social_worker")
    with app.app_context():
        core = make_staff("Dra. Wulan Sari", is_core_member=True)
        plain = make_staff("Dewi Anggraini")
        make_staff("Wahyu Andalan", is_core_member=True, active=False)
        db.session.commit()
        core_id, plain_id = core.id, plain.id
    found = client.get("/admin/emergency_change/ajax/lookup/?name=agreed_by&query=an"
                       ).get_json()
    # Core members first and marked; inactive staff not offered.
    assert found == [[core_id, "Dra. Wulan Sari — anggota inti"],
                     [plain_id, "Dewi Anggraini"]]
    html = unescape(client.get("/admin/emergency_change/new/").get_data(as_text=True))
    assert "Perlu kesepakatan sedikitnya 3 anggota inti KK" in html


def test_a_decision_before_the_kk_date_is_a_draft_until_that_date(
        app, client, login_as, monkeypatch):
    me = login_as("social_worker")
    with app.app_context():
        today = panti_today()
        person = make_client("Budi Santoso", social_worker_id=me["staff_id"])
        _plan_for(person, "Formulasi lama")
        earlier = _conference(today - timedelta(days=120), [person])
        db.session.add(ConferenceDecision(conference_id=earlier, client_id=person.id,
                                          recommendation="continue"))
        day = today + timedelta(days=8)
        kk = _conference(day, [person])
        person_id = person.id
    shown = day.strftime("%d/%m/%Y")
    url = f"/admin/conference/decision/?id={kk}&client_id={person_id}"
    form_page = unescape(client.get(url).get_data(as_text=True))
    assert f"KK ini baru pada {shown}" in form_page and "Belum siap" in form_page
    response = post_form(client, url, {
        "placement": "Kembali ke keluarga", "formulation": "Formulasi baru",
        "next_review": (day + timedelta(days=90)).strftime("%d/%m/%Y"),
        "recommendation": "termination", "termination_reason": "goals_achieved"},
        follow_redirects=True)
    html = unescape(response.get_data(as_text=True))
    assert f"disimpan sebagai draf; berlaku mulai {shown}" in html
    assert f"Draf sampai {shown}" in html and "Berlakukan" not in html
    assert "(draf, belum berlaku)" in unescape(
        client.get(f"/admin/conference/minutes/?id={kk}").get_data(as_text=True))

    def unchanged():
        decision = db.session.scalar(select(ConferenceDecision).where(
            ConferenceDecision.conference_id == kk))
        assert (decision.draft, decision.approval) == (True, None)
        assert db.session.scalar(select(ServicePlan.formulation)) == "Formulasi lama"
        assert db.session.get(Client, person_id).stage == "intervention"
        return decision

    with app.app_context():
        decision = unchanged()
        decision_id, seen = decision.id, token(decision.row_version)
        # The draft does not count as the client's last review.
        assert person_id in {d.client.id for d in review_due(day)}
    listing = client.get("/admin/conference/terminations/").get_data(as_text=True)
    assert "Budi Santoso" not in listing  # nothing sent to the head
    details = f"/admin/conference/details/?id={kk}"
    response = client.post(f"/admin/conference/in-force/?id={kk}", data={
        "csrf_token": csrf_token(client, details), "decision_id": str(decision_id),
        "seen_version": seen}, follow_redirects=True)
    assert (f"KK ini baru pada {shown}; keputusannya berlaku mulai tanggal itu."
            in unescape(response.get_data(as_text=True)))
    with app.app_context():
        unchanged()

    # The KK's day comes: the draft is shown as due and put in force with one click.
    monkeypatch.setattr("services.conferences.panti_today", lambda: day)
    html = unescape(client.get(details).get_data(as_text=True))
    assert "Draf, belum diberlakukan" in html and "Berlakukan" in html
    seen = re.search(rf'name="decision_id" value="{decision_id}">\s*<input type="hidden" '
                     r'name="seen_version" value="([^"]+)"', html).group(1)
    response = client.post(f"/admin/conference/in-force/?id={kk}", data={
        "csrf_token": csrf_token(client, details), "decision_id": str(decision_id),
        "seen_version": seen}, follow_redirects=True)
    assert "Keputusan KK untuk Budi Santoso kini berlaku." in unescape(
        response.get_data(as_text=True))
    with app.app_context():
        decision = db.session.get(ConferenceDecision, decision_id)
        assert (decision.draft, decision.approval) == (False, "pending")
        plan = db.session.scalar(select(ServicePlan))
        assert plan.formulation == "Formulasi baru"
        assert db.session.get(Client, person_id).stage == "intervention"  # the head decides
        assert person_id not in {d.client.id for d in review_due(day)}
        # Idempotent: a decision in force is not applied again over a later change.
        plan.formulation = "Diubah sesudah KK"
        assert put_in_force(decision) is False
        db.session.commit()
        assert db.session.scalar(select(ServicePlan.formulation)) == "Diubah sesudah KK"
    assert "Budi Santoso" in client.get("/admin/conference/terminations/").get_data(
        as_text=True)


def test_a_decision_saved_on_the_kk_date_takes_effect_at_once(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        person = make_client("Budi Santoso", social_worker_id=me["staff_id"])
        _plan_for(person, "Formulasi lama")
        kk = _conference(panti_today(), [person])
        person_id = person.id
    post_form(client, f"/admin/conference/decision/?id={kk}&client_id={person_id}", {
        "formulation": "Formulasi baru", "next_review": "", "recommendation": "continue",
        "termination_reason": ""})
    with app.app_context():
        assert db.session.scalar(select(ConferenceDecision.draft)) is False
        assert db.session.scalar(select(ServicePlan.formulation)) == "Formulasi baru"
