"""The home page's worklist: the deadlines of one's own clients (everyone's for the head),
most urgent first, each a link to where it is done."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import event

from models import (
    CaseConference,
    CaseNote,
    Client,
    ConferenceDecision,
    ServiceContract,
    User,
    db,
)
from services.dates import format_date
from services.dates import today as panti_today

from .conftest import csrf_token, make_client, make_staff, post_form

TODAY = panti_today()


def _items(html: str) -> list[tuple[str, str, str]]:
    """(what, when, link) of each worklist item."""
    block = html.split('data-testid="worklist"', 1)[1].split("</ul>", 1)[0]
    found = []
    for link, what, when in re.findall(
            r'<a href="([^"]+)">(.*?)</a>\s*<span[^>]*data-testid="when">(.*?)</span>', block,
            re.S):
        found.append((" ".join(unescape(what).split()), unescape(when), unescape(link)))
    return found


def _contract_in_force(person) -> ServiceContract:
    """A signed preliminary contract covering today (what admission needs)."""
    return ServiceContract(client_id=person.id, kind="preliminary", problem="p", goals="g",
                           start_date=person.admission_date,
                           end_date=TODAY + timedelta(days=120), status="signed",
                           signed_date=person.admission_date,
                           social_worker_id=person.social_worker_id)


def _world(app) -> dict[str, int]:
    with app.app_context():
        mine = make_staff("Siti Rahayu", "social_worker")
        other = make_staff("Dewi Lestari", "social_worker")
        user = User(username="peksos", role="social_worker", staff=mine)
        user.set_password("kata-sandi-panjang-sekali")
        db.session.add(user)
        ids = {}
        for name, days, worker in (("Ahmad Yani", 29, mine), ("Budi Utomo", 28, mine),
                                   ("Cahya Nugraha", 40, other)):
            person = make_client(name, stage="assessment", social_worker_id=worker.id,
                                 admission_date=TODAY - timedelta(days=days))
            ids[name], ids[f"{name} no"] = person.id, person.register_number
            db.session.add(_contract_in_force(person))
        db.session.commit()
        return ids


def test_a_social_worker_sees_their_own_deadlines_most_urgent_first(app, client):
    ids = _world(app)
    post_form(client, "/login", {"username": "peksos", "password": "kata-sandi-panjang-sekali"})
    items = _items(client.get("/admin/").get_data(as_text=True))
    lacking = "Asesmen Fisik, Psikologis, Sosial, Vokasional"
    assert items == [
        (f"{lacking} — {ids['Ahmad Yani no']} Ahmad Yani", "terlambat 1 hari",
         "/admin/case_note/assessment-due/"),
        (f"{lacking} — {ids['Budi Utomo no']} Budi Utomo", "jatuh tempo hari ini",
         "/admin/case_note/assessment-due/"),
    ]  # Cahya is another worker's
    with app.app_context():
        for aspect in ("physical", "psychological", "social", "vocational"):
            db.session.add(CaseNote(client_id=ids["Ahmad Yani"], kind="assessment",
                                    aspect=aspect, date=TODAY, content="Temuan"))
        db.session.commit()
    items = _items(client.get("/admin/").get_data(as_text=True))
    assert [what for what, _when, _link in items] == [
        f"{lacking} — {ids['Budi Utomo no']} Budi Utomo"]


def test_the_head_sees_everyones_and_the_terminations_awaiting_approval(app, client,
                                                                         login_as):
    ids = _world(app)
    with app.app_context():
        conference = CaseConference(date=TODAY - timedelta(days=3), kind="periodic_review")
        db.session.add(conference)
        db.session.flush()
        db.session.add(ConferenceDecision(conference_id=conference.id,
                                          client_id=ids["Cahya Nugraha"],
                                          recommendation="termination",
                                          termination_reason="own_will", approval="pending"))
        db.session.commit()
    login_as("head")
    items = _items(client.get("/admin/").get_data(as_text=True))
    kk_day = format_date(TODAY - timedelta(days=3))
    assert (f"Persetujuan terminasi (KK {kk_day}, ringkasan kasus belum ada) — "
            f"{ids['Cahya Nugraha no']} Cahya Nugraha",
            "terlambat 3 hari", "/admin/conference/terminations/") in items
    assert {what.split(" — ")[1] for what, _when, _link in items} == {
        f"{ids[name + ' no']} {name}" for name in ("Ahmad Yani", "Budi Utomo",
                                                   "Cahya Nugraha")}


def test_case_summaries_for_a_coming_kk_are_due_the_day_before(app, client, login_as):
    """The social worker: each own client on a KK of the next two weeks without a case
    summary, due the day before, linked to a new note filled in for that client; the head:
    the KK's readiness. Both leave when the summaries are written."""
    ids = _world(app)
    kk_day = TODAY + timedelta(days=4)
    with app.app_context():
        conference = CaseConference(date=kk_day, kind="periodic_review")
        conference.clients = [db.session.get(Client, ids[name])
                              for name in ("Ahmad Yani", "Budi Utomo", "Cahya Nugraha")]
        far = CaseConference(date=TODAY + timedelta(days=20), kind="periodic_review")
        far.clients = [db.session.get(Client, ids["Ahmad Yani"])]  # beyond two weeks
        db.session.add_all([conference, far])
        # Budi's summary is ready; one written for an earlier KK counts as well (the rule:
        # any summary dated before the meeting's day).
        db.session.add(CaseNote(client_id=ids["Budi Utomo"], kind="case_summary",
                                date=TODAY - timedelta(days=1), content="Ringkasan"))
        db.session.commit()
        conference_id = conference.id
    post_form(client, "/login", {"username": "peksos", "password": "kata-sandi-panjang-sekali"})
    summaries = [item for item in _items(client.get("/admin/").get_data(as_text=True))
                 if item[0].startswith("Ringkasan kasus")]
    link = f"/admin/case_note/new/?client_id={ids['Ahmad Yani']}&kind=case_summary"
    assert summaries == [(f"Ringkasan kasus untuk KK {format_date(kk_day)} — "
                          f"{ids['Ahmad Yani no']} Ahmad Yani", "3 hari lagi", link)]
    form = client.get(link).get_data(as_text=True)
    assert re.search(r'<option selected value="case_summary">|<option value="case_summary" '
                     r'selected', form)
    assert f'value="{ids["Ahmad Yani"]}"' in form and "Ahmad Yani" in form
    # Another worker's client id in the link fills in nothing.
    other = client.get(f"/admin/case_note/new/?client_id={ids['Cahya Nugraha']}"
                       "&kind=nonsense").get_data(as_text=True)
    assert "Cahya Nugraha" not in other and 'value="nonsense"' not in other

    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("head")
    readiness = [item for item in _items(client.get("/admin/").get_data(as_text=True))
                 if item[0].startswith("Kesiapan KK")]
    assert readiness == [(f"Kesiapan KK {format_date(kk_day)}: 1 dari 3 ringkasan kasus siap",
                          "3 hari lagi", f"/admin/conference/details/?id={conference_id}")]
    with app.app_context():
        for name in ("Ahmad Yani", "Cahya Nugraha"):
            db.session.add(CaseNote(client_id=ids[name], kind="case_summary", date=TODAY,
                                    content="Ringkasan"))
        db.session.commit()
    assert not [item for item in _items(client.get("/admin/").get_data(as_text=True))
                if item[0].startswith(("Kesiapan KK", "Ringkasan kasus"))]


def test_the_head_sees_overdue_reviews_per_social_worker(app, client, login_as):
    """One item per social worker with how many of their clients are due, from the most
    overdue; its link lists exactly that worker's clients."""
    with app.app_context():
        siti, dewi = make_staff("Siti Rahayu"), make_staff("Dewi Lestari")
        people = {}
        for name, days, worker in (("Ahmad Yani", 200, siti), ("Budi Utomo", 150, siti),
                                   ("Cahya Nugraha", 140, dewi), ("Dedi Kurnia", 20, dewi)):
            person = make_client(name, stage="intervention", social_worker_id=worker.id,
                                 admission_date=TODAY - timedelta(days=days))
            people[name] = person
        db.session.commit()
        siti_id = siti.id
        # Due since the end of assessment (28 days after admission) when never reviewed.
        ahmad_since = people["Ahmad Yani"].admission_date + timedelta(days=28)
        cahya_since = people["Cahya Nugraha"].admission_date + timedelta(days=28)
    login_as("head")
    reviews = [item for item in _items(client.get("/admin/").get_data(as_text=True))
               if item[0].startswith("Peninjauan")]
    assert reviews == [
        ("Peninjauan rencana oleh KK: 2 klien Siti Rahayu",
         f"terlambat {(TODAY - ahmad_since).days} hari",
         f"/admin/conference/review-due/?worker={siti_id}"),
        ("Peninjauan rencana oleh KK: 1 klien Dewi Lestari",
         f"terlambat {(TODAY - cahya_since).days} hari", "/admin/conference/review-due/"
         f"?worker={siti_id + 1}"),
    ]
    page = client.get(reviews[0][2]).get_data(as_text=True)
    listed = page.split('data-testid="review-due"', 1)[1]
    assert "Ahmad Yani" in listed and "Budi Utomo" in listed
    assert "Cahya Nugraha" not in listed and "Dedi Kurnia" not in listed
    assert "Klien Siti Rahayu saja." in page


def test_the_home_page_runs_the_same_queries_whatever_the_caseload(app, client):
    _world(app)
    post_form(client, "/login", {"username": "peksos", "password": "kata-sandi-panjang-sekali"})
    counts, added = [], 0
    for extra in (1, 15):  # each without a contract in force: two items
        added += extra
        with app.app_context():
            worker = db.session.scalar(db.select(User)).staff_id
            for i in range(extra):
                make_client(f"Klien {i}", stage="assessment", social_worker_id=worker,
                            admission_date=TODAY - timedelta(days=30 + i))
            db.session.commit()
            engine = db.engine
        statements: list[int] = []

        def count(*_args, statements=statements):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            page = client.get("/admin/").get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(statements))
        assert len(_items(page)) == min(2 + 2 * added, 15)
    assert counts[0] == counts[1]


def test_an_instructor_sees_the_sheets_still_to_record_of_their_own_classes(app, client,
                                                                           login_as):
    """Today's sheet and the past ones not complete, each once, linked to the sheet; a
    complete sheet, another instructor's and one older than 30 days are not there."""
    from datetime import time

    from models import Attendance, Enrollment, TrainingSession

    from .conftest import make_class, make_user

    me = login_as("instructor")
    with app.app_context():
        other = make_user("instructor", "instruktur2")
        mine = make_class("Menjahit A", instructor=db.session.get(User, me["user_id"]).staff,
                          )
        theirs = make_class("Las B", instructor=other.staff)
        people = [make_client(f"Peserta {n}", admission_date=TODAY - timedelta(days=90))
                  for n in range(3)]
        sessions = {}
        for klass in (mine, theirs):  # running now, whatever year the suite runs in
            klass.start_date, klass.end_date = TODAY - timedelta(days=60), TODAY + timedelta(
                days=60)
            for person in people:
                db.session.add(Enrollment(training_class=klass, client=person,
                                          enrolled_on=TODAY - timedelta(days=60)))
            for days in (0, 2, 5, 40):
                session = TrainingSession(training_class=klass, date=TODAY - timedelta(days=days),
                                          start_time=time(8), end_time=time(10))
                db.session.add(session)
                sessions[(klass.name, days)] = session
        db.session.flush()
        done = sessions[("Menjahit A", 5)]
        db.session.add_all([Attendance(session_id=done.id, client_id=p.id, code="H")
                            for p in people])
        db.session.add(Attendance(session_id=sessions[("Menjahit A", 2)].id,
                                  client_id=people[0].id, code="S"))
        db.session.commit()
        today_id, late_id = sessions[("Menjahit A", 0)].id, sessions[("Menjahit A", 2)].id
    items = _items(client.get("/admin/").get_data(as_text=True))
    assert items == [
        ("Daftar hadir belum lengkap: Menjahit A 08:00 (1 dari 3 klien)", "terlambat 2 hari",
         f"/admin/attendance_grid/record/?kind=training&id={late_id}"),
        ("Daftar hadir: Menjahit A 08:00", "jatuh tempo hari ini",
         f"/admin/attendance_grid/record/?kind=training&id={today_id}"),
    ]


def test_the_admin_sees_clients_without_a_room_full_rooms_and_mous_ending(app, client,
                                                                          login_as):
    from models import NetworkPartner

    from .conftest import make_room

    login_as("admin")
    with app.app_context():
        room = make_room("Asrama Anggrek", capacity=1)
        make_client("Ahmad Yani", room_id=room.id, admission_date=TODAY - timedelta(days=9))
        make_client("Budi Utomo", room_id=room.id, admission_date=TODAY - timedelta(days=8))
        homeless = make_client("Cahya Nugraha", admission_date=TODAY - timedelta(days=3))
        make_client("Dedi Calon", stage="approach", admission_date=None)  # a candidate
        ending = NetworkPartner(name="Puskesmas Cibeber", kind="health",
                                mou_end=TODAY + timedelta(days=20))
        later = NetworkPartner(name="BLK Bandung", kind="government",
                               mou_end=TODAY + timedelta(days=200))
        db.session.add_all([ending, later])
        db.session.commit()
        ids = (homeless.id, homeless.register_number, room.id, ending.id)
    items = _items(client.get("/admin/").get_data(as_text=True))
    assert items == [
        (f"Kamar/asrama belum ditentukan — {ids[1]} Cahya Nugraha", "terlambat 3 hari",
         f"/admin/client/edit/?id={ids[0]}"),
        ("Kamar melebihi kapasitas: Asrama Anggrek (2 orang, kapasitas 1)",
         "jatuh tempo hari ini", f"/admin/room/details/?id={ids[2]}"),
        ("MoU berakhir: Puskesmas Cibeber", "20 hari lagi",
         f"/admin/partner/details/?id={ids[3]}"),
    ]


def test_the_admins_home_page_runs_the_same_queries_whatever_the_roster(app, client,
                                                                        login_as):
    login_as("admin")
    counts, roomless = [], 0
    for extra in (1, 16):
        roomless += extra
        with app.app_context():
            for i in range(extra):
                make_client(f"Klien {extra}-{i}", admission_date=TODAY - timedelta(days=5))
            db.session.commit()
            engine = db.engine
        statements: list[int] = []

        def count(*_args, statements=statements):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            page = client.get("/admin/").get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(statements))
        assert len(_items(page)) == min(roomless, 15)  # each: no room yet
    assert counts[0] == counts[1]


def test_each_week_of_an_intakes_first_month_asks_for_an_outreach_visit(app, client,
                                                                        login_as):
    """Week by week from the day the intake's recruitment starts: a week that began without a
    visit is due at its end (the one past: late), a week with a visit is not, a week not
    begun yet is not listed; an intake whose month is over asks nothing."""
    from models import Intake, OutreachVisit
    from services.dates import format_date

    login_as("admin")
    starts = TODAY - timedelta(days=15)  # weeks 1 and 2 are past, week 3 runs today
    with app.app_context():
        db.session.add_all([
            Intake(number=3, starts_on=TODAY - timedelta(days=60)),
            Intake(number=4, starts_on=starts),
            OutreachVisit(date=starts + timedelta(days=9), place_kind="terminal",
                          place="Terminal Cicaheum"),  # in week 2
        ])
        db.session.commit()

    def week(n: int) -> str:
        first = starts + timedelta(days=7 * (n - 1))
        return (f"Penjangkauan minggu ke-{n} angkatan 4 ({format_date(first)}–"
                f"{format_date(first + timedelta(days=6))})")

    with app.test_request_context():
        expected = [(week(1), "terlambat 9 hari", "/admin/outreach/new/"),
                    (week(3), "5 hari lagi", "/admin/outreach/new/")]
    assert _items(client.get("/admin/").get_data(as_text=True)) == expected
    with app.app_context():
        db.session.add(OutreachVisit(date=TODAY, place_kind="market", place="Pasar Kosambi"))
        db.session.commit()
    assert _items(client.get("/admin/").get_data(as_text=True)) == expected[:1]


def test_the_bell_on_every_page_counts_what_is_due_or_late(app, client):
    """The home page's items due today or late, counted on the bell of the other pages (no
    query of theirs: the count is kept when the home page is opened)."""
    _world(app)
    post_form(client, "/login", {"username": "peksos", "password": "kata-sandi-panjang-sekali"})
    assert 'data-testid="bell"' not in client.get("/admin/case_note/").get_data(as_text=True)
    client.get("/admin/")  # Ahmad's assessment is late, Budi's due today
    page = client.get("/admin/case_note/").get_data(as_text=True)
    bell = re.search(r'<a [^>]*data-testid="bell"[^>]*>(.*?)</a>', page, re.S)
    assert bell and unescape(re.sub(r"<[^>]+>", "", bell.group(1))).strip() == "2"
    assert 'aria-label="Pekerjaan jatuh tempo atau terlambat: 2"' in page
    with app.app_context():  # every assessment done: nothing due any more
        from models import Client

        for person in db.session.scalars(db.select(Client)):
            for aspect in ("physical", "psychological", "social", "vocational"):
                db.session.add(CaseNote(client_id=person.id, kind="assessment", aspect=aspect,
                                        date=TODAY, content="Sudah dinilai."))
        db.session.commit()
    client.get("/admin/")
    assert 'data-testid="bell"' not in client.get("/admin/case_note/").get_data(as_text=True)


def test_a_social_worker_sees_contracts_ending_missing_and_emergency_changes_waiting(
        app, client):
    """Their own clients only: a contract ending within 30 days, a client living in the panti
    with no contract in force, an emergency change waiting for the KK."""
    from models import Client, EmergencyChange

    ids = _world(app)
    with app.app_context():
        ahmad = db.session.get(Client, ids["Ahmad Yani"])
        for case_note_aspect in ("physical", "psychological", "social", "vocational"):
            for name in ("Ahmad Yani", "Budi Utomo"):  # assessments done: not the subject
                db.session.add(CaseNote(client_id=ids[name], kind="assessment",
                                        aspect=case_note_aspect, date=TODAY, content="x"))
        contract = db.session.scalar(db.select(ServiceContract).where(
            ServiceContract.client_id == ahmad.id))
        contract.end_date = TODAY + timedelta(days=10)
        budi = db.session.scalar(db.select(ServiceContract).where(
            ServiceContract.client_id == ids["Budi Utomo"]))
        budi.status = "draft"  # not signed: no contract in force
        db.session.add(EmergencyChange(client_id=ahmad.id, date=TODAY - timedelta(days=2),
                                       reason="Sakit", change="Rawat inap", status="pending"))
        cahya = db.session.scalar(db.select(ServiceContract).where(
            ServiceContract.client_id == ids["Cahya Nugraha"]))
        cahya.end_date = TODAY + timedelta(days=5)  # another worker's client
        db.session.commit()
        contract_id = contract.id
        change_id = db.session.scalar(db.select(EmergencyChange.id))
    post_form(client, "/login", {"username": "peksos", "password": "kata-sandi-panjang-sekali"})
    items = _items(client.get("/admin/").get_data(as_text=True))
    assert items == [
        (f"Perubahan darurat menunggu keputusan KK — {ids['Ahmad Yani no']} Ahmad Yani",
         "terlambat 2 hari", f"/admin/emergency_change/details/?id={change_id}"),
        (f"Belum ada kontrak yang berlaku — {ids['Budi Utomo no']} Budi Utomo",
         "jatuh tempo hari ini", "/admin/contract/follow-up/"),
        (f"Kontrak awal berakhir — {ids['Ahmad Yani no']} Ahmad Yani",
         "10 hari lagi", f"/admin/contract/details/?id={contract_id}"),
    ]


def test_a_client_in_planning_without_a_plan_is_on_the_worklist_until_it_is_made(app, client):
    from models import Client, ServicePlan, StageMove

    ids = _world(app)
    with app.app_context():
        for name in ("Ahmad Yani", "Cahya Nugraha"):  # Cahya is another worker's
            person = db.session.get(Client, ids[name])
            person.stage = "planning"
            db.session.add(StageMove(client=person, from_stage="assessment",
                                     to_stage="planning", moved_on=TODAY - timedelta(days=3)))
        for aspect in ("physical", "psychological", "social", "vocational"):
            db.session.add(CaseNote(client_id=ids["Budi Utomo"], kind="assessment",
                                    aspect=aspect, date=TODAY, content="x"))
        db.session.commit()
    post_form(client, "/login", {"username": "peksos", "password": "kata-sandi-panjang-sekali"})

    def plans_missing() -> list[tuple[str, str, str]]:
        return [item for item in _items(client.get("/admin/").get_data(as_text=True))
                if item[0].startswith("Rencana pelayanan belum dibuat")]

    assert plans_missing() == [
        (f"Rencana pelayanan belum dibuat — {ids['Ahmad Yani no']} Ahmad Yani",
         "terlambat 3 hari", "/admin/service_plan/new/")]
    with app.app_context():
        person = db.session.get(Client, ids["Ahmad Yani"])
        db.session.add(ServicePlan(client_id=person.id, problems="Belum punya pekerjaan",
                                   social_worker_id=person.social_worker_id))
        db.session.commit()
    assert plans_missing() == []


def test_a_client_being_served_asks_for_a_progress_note_every_week(app, client):
    """Due a week after the last progress note (or the admission); a note this week clears
    it; the head is not asked (it is the social worker's own record)."""
    from models import Client

    ids = _world(app)
    with app.app_context():
        for name in ("Ahmad Yani", "Budi Utomo", "Cahya Nugraha"):
            db.session.get(Client, ids[name]).stage = "intervention"
        db.session.add(CaseNote(client_id=ids["Ahmad Yani"], kind="progress",
                                date=TODAY - timedelta(days=9), content="Ikut kelas las."))
        db.session.add(CaseNote(client_id=ids["Budi Utomo"], kind="progress",
                                date=TODAY - timedelta(days=2), content="Rajin."))
        db.session.commit()
    post_form(client, "/login", {"username": "peksos", "password": "kata-sandi-panjang-sekali"})

    def progress() -> list[tuple[str, str, str]]:
        return [item for item in _items(client.get("/admin/").get_data(as_text=True))
                if item[0].startswith("Catatan perkembangan")]

    assert progress() == [(f"Catatan perkembangan minggu ini — {ids['Ahmad Yani no']} "
                           "Ahmad Yani", "terlambat 2 hari", "/admin/case_note/new/")]
    head = app.test_client()
    with app.app_context():
        from .conftest import PASSWORD, make_user

        make_user("head", "kepala")
        db.session.commit()
    post_form(head, "/login", {"username": "kepala", "password": PASSWORD})
    assert not [item for item in _items(head.get("/admin/").get_data(as_text=True))
                if item[0].startswith("Catatan perkembangan")]
    with app.app_context():
        db.session.add(CaseNote(client_id=ids["Ahmad Yani"], kind="progress", date=TODAY,
                                content="Mulai praktik."))
        db.session.commit()
    assert progress() == []


def test_the_heads_and_a_social_workers_home_pages_run_fixed_queries_with_every_kind(
        app, client, login_as):
    """Every kind of item of the head and the social worker at once — reviews per worker, a
    coming KK's readiness, terminations awaiting approval, Formulir 4, referrals, aftercare,
    progress notes — one and six of each: the same number of queries."""
    from models import AftercareVisit, NetworkPartner, Referral, WorkerEvaluation
    from services.dates import add_months

    from .conftest import make_user

    def add(n: int, start: int) -> None:
        with app.app_context():
            partner = db.session.scalar(db.select(NetworkPartner)) or NetworkPartner(
                name="Puskesmas Cibeber", kind="health")
            for i in range(start, start + n):
                worker = db.session.scalar(db.select(User).where(
                    User.username == "peksos")).staff if i == 0 else make_staff(f"Peksos {i}")
                person = make_client(f"Klien {i}", stage="intervention",
                                     social_worker_id=worker.id,
                                     admission_date=TODAY - timedelta(days=200))
                ended = make_client(f"Alumni {i}", stage="aftercare", social_worker_id=worker.id,
                                    admission_date=TODAY - timedelta(days=300),
                                    termination_date=TODAY - timedelta(days=28),
                                    termination_reason="goals_achieved")
                past = CaseConference(date=TODAY - timedelta(days=2), kind="periodic_review")
                coming = CaseConference(date=TODAY + timedelta(days=3), kind="periodic_review",
                                        clients=[person])
                db.session.add_all([past, coming])
                db.session.flush()
                day = add_months(TODAY, -7)
                db.session.add_all([
                    ConferenceDecision(conference_id=past.id, client_id=ended.id,
                                       recommendation="termination",
                                       termination_reason="own_will", approval="pending"),
                    WorkerEvaluation(staff_id=worker.id, evaluated_on=day, period_start=day,
                                     period_end=day),
                    Referral(client_id=person.id, partner=partner,
                             referred_on=TODAY - timedelta(days=20), reason="Periksa"),
                    AftercareVisit(client_id=ended.id, planned_on=TODAY + timedelta(days=2),
                                   months_after=1),
                ])
            db.session.commit()

    with app.app_context():
        make_user("social_worker", "peksos")
    counts: dict[str, list[int]] = {"head": [], "peksos": []}
    start = 0
    for n in (1, 6):
        add(n, start)
        start += n
        for role, username in (("head", None), ("social_worker", "peksos")):
            client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")}) \
                if client.get("/admin/").status_code == 200 else None
            login_as(role, username)
            with app.app_context():
                engine = db.engine
            statements: list[int] = []

            def count(*_args, statements=statements):
                statements.append(1)

            event.listen(engine, "before_cursor_execute", count)
            try:
                page = client.get("/admin/").get_data(as_text=True)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            counts[username or role].append(len(statements))
            whats = " ".join(what for what, _when, _link in _items(page))
            if n > 1:
                continue  # the page lists the first 15: every kind is there at one of each
            if role == "head":
                assert "Formulir 4" in whats and "Kesiapan KK" in whats
                assert "Persetujuan terminasi" in whats and "Peninjauan rencana" in whats
            else:
                assert "Rujukan ke" in whats and "Bimbingan lanjut" in whats
    assert counts["head"][0] == counts["head"][1], counts
    assert counts["peksos"][0] == counts["peksos"][1], counts
