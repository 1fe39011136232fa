"""The Dasbor (dashboard): every chart's table equals a count by hand of the data, each stage
bar opens the list of exactly that stage's clients, only the head and the admin open it,
and it runs the same queries whatever the number of clients."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from admin_views.charts import axis
from models import (
    Attendance,
    CaseConference,
    Client,
    ConferenceDecision,
    Room,
    TrainingClass,
    TrainingSession,
    db,
)
from models.choices import ACTIVE_STAGES, STAGES
from seed.demo import load_demo
from services.charts import months_until, review_counts
from services.conferences import review_due
from services.dates import today as panti_today
from services.exports.monthly import ADMITTED, END, EXITED, census

from .conftest import PASSWORD, make_class, make_client, make_room, make_user
from .test_list_queries import counting_queries

URL = "/admin/dashboard/"
DEMO_DAY = date(2026, 11, 22)


def table(html: str, testid: str) -> dict[str, dict[str, str]]:
    """The body rows of the table ``testid``, keyed by their data-* key (room id, stage,
    month…): column → the cell's text as the user reads it."""
    block = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for key, row in re.findall(r'<tr data-\w+="([^"]+)"[^>]*>(.*?)</tr>', block, re.S):
        rows[key] = {column: " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
                     for column, cell in re.findall(
                         r'<td[^>]*data-col="([^"]+)"[^>]*>(.*?)</td>', row, re.S)}
    return rows


def numbers(rows: dict[str, dict[str, str]], column: str) -> dict[str, int]:
    return {key: int(cells[column]) for key, cells in rows.items()}


def list_names(html: str) -> set[str]:
    """The client names a list page shows (its rows' details links)."""
    return {unescape(name).strip() for name in
            re.findall(r'data-testid="details-link">([^<]*)</a>', html)}


# --- a small panti counted by hand ----------------------------------------------------------

def test_every_table_equals_a_hand_count_of_the_panti(app, client, login_as):
    today = panti_today()
    months = months_until(today, 12)  # months[11] is this month, months[0] eleven ago
    with app.app_context():
        melati = make_room("Asrama Melati", capacity=2, sex="P")
        anggrek = make_room("Asrama Anggrek", capacity=1)
        closed = make_room("Asrama Lama", capacity=4)
        closed.active = False
        # Budi: in the panti since before the window, out in the month before last.
        make_client("Budi Santoso", stage="aftercare", sex="L", room_id=anggrek.id,
                    admission_date=months[0].first - timedelta(days=60),
                    termination_date=months[10].first + timedelta(days=3),
                    termination_reason="goals_achieved")
        # Eko: in and out within one month, six months ago.
        make_client("Eko Prasetyo", stage="termination", sex="L",
                    admission_date=months[5].first, termination_date=months[5].first
                    + timedelta(days=10), termination_reason="refused_absconded")
        # Ani and Citra, in Melati; Dodi and Fajar, both in Anggrek (capacity 1).
        make_client("Ani Wulandari", stage="intervention", sex="P", room_id=melati.id,
                    admission_date=months[8].first + timedelta(days=2))
        make_client("Citra Dewi", stage="admission", sex="P", room_id=melati.id,
                    admission_date=months[11].first)
        make_client("Dodi Kurniawan", stage="assessment", sex="L", room_id=anggrek.id,
                    admission_date=months[11].first)
        make_client("Fajar Nugroho", stage="contract", sex="L", room_id=anggrek.id,
                    admission_date=months[0].first - timedelta(days=400))
        # A candidate with a planned date is not in the panti yet (no register number).
        make_client("Gilang Ramadhan", stage="approach", sex="L",
                    admission_date=months[11].first)
        db.session.commit()
        ids = {room.name: str(room.id) for room in db.session.scalars(select(Room))}
    login_as("head")
    html = client.get(URL).get_data(as_text=True)

    rooms = table(html, "rooms-table")
    assert {key: (cells["residents"], cells["capacity"]) for key, cells in rooms.items()} == {
        ids["Asrama Melati"]: ("2", "2"), ids["Asrama Anggrek"]: ("2", "1")}  # Lama: empty
    assert 'data-room="' + ids["Asrama Anggrek"] + '" class="table-danger"' in html
    assert numbers(table(html, "stages-table"), "count") == {
        **dict.fromkeys(STAGES.codes, 0), "approach": 1, "admission": 1, "assessment": 1,
        "contract": 1, "intervention": 1, "termination": 1, "aftercare": 1}

    keys = [month.key for month in months]
    occupancy = table(html, "occupancy-table")
    assert list(occupancy) == keys
    # L: Budi until month 10, Fajar throughout, Dodi from month 11; P: Ani from 8, Citra 11.
    assert [int(occupancy[k]["L"]) for k in keys] == [2] * 10 + [1, 2]
    assert [int(occupancy[k]["P"]) for k in keys] == [0] * 8 + [1, 1, 1, 2]
    assert [int(occupancy[k]["total"]) for k in keys] == [2] * 8 + [3, 3, 2, 4]
    flows = table(html, "flows-table")
    assert {k: flows[k] for k in keys if set(flows[k].values()) != {"0"}} == {
        keys[5]: {"in-L": "1", "in-P": "0", "out-L": "1", "out-P": "0"},   # Eko
        keys[8]: {"in-L": "0", "in-P": "1", "out-L": "0", "out-P": "0"},   # Ani
        keys[10]: {"in-L": "0", "in-P": "0", "out-L": "1", "out-P": "0"},  # Budi
        keys[11]: {"in-L": "1", "in-P": "1", "out-L": "0", "out-P": "0"},  # Dodi, Citra
    }
    # The capacity line counts active rooms only (Lama is closed): 2 + 1.
    assert "Kapasitas 3" in html


def test_attendance_rate_per_class_and_month(app, client, login_as):
    today = panti_today()
    months = months_until(today, 6)
    with app.app_context():
        people = [make_client(f"Peserta {i}") for i in range(4)]
        sewing, welding = make_class("Menjahit A"), make_class("Las B")

        def sheet(klass, day, codes):
            session = TrainingSession(class_id=klass.id, date=day, start_time=time(8),
                                      end_time=time(10))
            db.session.add(session)
            db.session.flush()
            db.session.add_all(
                Attendance(session_id=session.id, client_id=person.id, code=code)
                for person, code in zip(people[:len(codes)], codes, strict=True))

        sheet(sewing, months[5].first, "HHIA")    # this month: 2 of 4
        sheet(sewing, months[3].first, "HHH")     # three months ago: 3 of 3
        sheet(sewing, months[3].first + timedelta(days=1), "S")  # 3 of 4 that month
        sheet(sewing, months[0].first - timedelta(days=1), "AAAA")  # before the window
        sheet(welding, months[4].first, "SS")     # 0 of 2
        db.session.commit()
        sewing_id, welding_id = str(sewing.id), str(welding.id)
    login_as("admin")
    html = client.get(URL).get_data(as_text=True)
    rates = table(html, "attendance-table")
    keys = [month.key for month in months]
    assert {k: rates[sewing_id][k] for k in keys} == {
        keys[0]: "—", keys[1]: "—", keys[2]: "—", keys[3]: "75,0% (3/4)", keys[4]: "—",
        keys[5]: "50,0% (2/4)"}
    assert {k: rates[welding_id][k] for k in keys if rates[welding_id][k] != "—"} == {
        keys[4]: "0,0% (0/2)"}
    assert list(rates) == [welding_id, sewing_id]  # by class name
    # Each recorded square opens the attendance summary of that class and month.
    assert f'href="/admin/attendance_summary/?month={keys[3]}&amp;class_id={sewing_id}"' in html


def test_review_counts_follow_the_review_due_list(app, ctx, login_as, client):
    """Overdue: what ``review_due`` lists as late; due soon: falling due from today within
    30 days — at the boundaries of both rules."""
    today = panti_today()

    def reviewed(name, days_ago, **kw):
        person = make_client(name, stage="intervention", **kw)
        conference = CaseConference(date=today - timedelta(days=days_ago),
                                    kind="periodic_review")
        db.session.add(conference)
        db.session.flush()
        db.session.add(ConferenceDecision(conference_id=conference.id, client_id=person.id,
                                          recommendation="continue"))

    reviewed("Reviewed 91 days ago", 91)    # late by a day
    reviewed("Reviewed 90 days ago", 90)    # due today
    reviewed("Reviewed 60 days ago", 60)    # due in 30 days
    reviewed("Reviewed 59 days ago", 59)    # in 31 days: neither
    make_client("Admitted 29 days ago", stage="planning",
                admission_date=today - timedelta(days=29))  # never reviewed: late a day
    make_client("Admitted 28 days ago", stage="planning",
                admission_date=today - timedelta(days=28))  # due today
    make_client("Admitted 5 days ago", stage="assessment",
                admission_date=today - timedelta(days=5))   # still in assessment: neither
    make_client("Admitted 2 days ago", stage="contract",
                admission_date=today - timedelta(days=2))   # due in 26 days
    db.session.commit()
    counts = review_counts(make_user("head"), today)
    due = review_due(today)
    late = {d.client.id for d in due if d.overdue_days > 0}
    assert counts.overdue == len(late) == 2
    coming = {d.client.id for d in review_due(today + timedelta(days=30))} - late
    assert counts.due_soon == len(coming) == 4

    login_as("head")
    reviews = table(client.get(URL).get_data(as_text=True), "reviews-table")
    assert numbers(reviews, "count") == {"overdue": 2, "soon": 4}


# --- the demo data ---------------------------------------------------------------------------

def test_the_demo_figures_equal_plain_counts(app, client, login_as):
    with app.app_context():
        load_demo(PASSWORD, today=DEMO_DAY)
        db.session.commit()
    login_as("head")
    html = client.get(URL).get_data(as_text=True)
    today = panti_today()
    with app.app_context():
        people = db.session.scalars(select(Client)).all()
        rooms = db.session.scalars(select(Room)).all()
        assert numbers(table(html, "stages-table"), "count") == {
            code: sum(1 for p in people if p.stage == code) for code in STAGES.codes}
        living = table(html, "rooms-table")
        assert {key: int(cells["residents"]) for key, cells in living.items()} == {
            str(room.id): sum(1 for p in people if p.room_id == room.id
                              and p.stage in ACTIVE_STAGES) for room in rooms}
        # Month by month, the monthly report's census of the same month.
        occupancy, flows = table(html, "occupancy-table"), table(html, "flows-table")
        for month in months_until(today, 12):
            report = census(month.first, month.last)
            for sex in ("L", "P"):
                assert int(occupancy[month.key][sex]) == report.total(END, sex), month
                assert int(flows[month.key][f"in-{sex}"]) == report.total(ADMITTED, sex)
                assert int(flows[month.key][f"out-{sex}"]) == report.total(EXITED, sex)
        # Attendance: each class's H and recorded codes per month, tallied row by row.
        months = months_until(today, 6)
        tally: dict[tuple[str, str], list[int]] = {}
        for code, day, class_id in db.session.execute(
                select(Attendance.code, TrainingSession.date, TrainingSession.class_id)
                .join(TrainingSession, TrainingSession.id == Attendance.session_id)):
            month = next((m for m in months if m.first <= day <= m.last), None)
            if month is not None:
                counts = tally.setdefault((str(class_id), month.key), [0, 0])
                counts[0] += code == "H"
                counts[1] += 1
        shown = {(class_id, key): cell
                 for class_id, cells in table(html, "attendance-table").items()
                 for key, cell in cells.items() if cell != "—"}
        assert tally, "the demo records attendance in the last six months"
        assert {key: re.search(r"\((\d+)/(\d+)\)", cell).groups()
                for key, cell in shown.items()} == {
            key: (str(h), str(n)) for key, (h, n) in tally.items()}
        assert {class_id for class_id, _key in shown} <= {
            str(i) for i in db.session.scalars(select(TrainingClass.id))}
        due = review_due(today)
        assert numbers(table(html, "reviews-table"), "count")["overdue"] == sum(
            1 for d in due if d.overdue_days > 0)


# --- links, access, cost ---------------------------------------------------------------------

@pytest.mark.parametrize("role", ["head", "admin"])
def test_each_stage_bar_opens_the_list_of_exactly_that_stages_clients(app, client, login_as,
                                                                      role):
    with app.app_context():
        names: dict[str, set[str]] = {}
        for n, (code, _label) in enumerate(STAGES.pairs):
            for i in range(n % 3 + 1):
                name = f"Klien {code} {i}"
                extra = {"termination_date": date(2026, 5, 1),
                         "termination_reason": "own_will"} \
                    if code in ("termination", "aftercare") else {}
                make_client(name, stage=code, **extra)
                names.setdefault(code, set()).add(name)
        db.session.commit()
    login_as(role)
    html = client.get(URL).get_data(as_text=True)
    chart = html.split('data-testid="stages-chart"', 1)[1].split("</svg>", 1)[0]
    bars = [unescape(link) for link in re.findall(
        r'<a href="([^"]+)" data-testid="stages-link">', chart)]
    rows = table(html, "stages-table")
    assert len(bars) == len(STAGES.codes) == len(rows)
    for code, link in zip(STAGES.codes, bars, strict=True):
        row = html.split(f'data-stage="{code}"', 1)[1].split("</tr>", 1)[0]
        assert f'href="{link}"'.replace("&", "&amp;") in row  # the table's link too
        listed = client.get(link)
        assert listed.status_code == 200
        assert list_names(listed.get_data(as_text=True)) == names[code], code


@pytest.mark.parametrize("role", ["social_worker", "instructor", "staff"])
def test_other_roles_are_refused_and_not_offered_it(client, login_as, role):
    login_as(role)
    assert client.get(URL).status_code == 403
    home = client.get("/admin/").get_data(as_text=True)
    assert "/admin/dashboard/" not in home and "Dasbor" not in home


@pytest.mark.parametrize("role", ["head", "admin"])
def test_the_head_and_the_admin_find_it_in_the_menu_and_on_the_home_page(app, client,
                                                                         login_as, role):
    with app.app_context():
        make_room()
        make_client()
        db.session.commit()
    login_as(role)
    home = client.get("/admin/").get_data(as_text=True)
    menu = home.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert re.search(r'href="/admin/dashboard/">\s*Dasbor', menu)
    assert 'data-testid="dashboard-link"' in home
    page = client.get(URL).get_data(as_text=True)
    # The admin reads no case conferences: no plan-review counts for them.
    assert ('data-testid="reviews-table"' in page) == (role == "head")
    assert 'data-testid="stages-chart"' in page and 'data-testid="rooms-chart"' in page


def _grow(first: int, last: int) -> None:
    """Clients ``first``..``last - 1`` with rooms, a class each with attendance this month
    and last, admissions and exits, and a KK decision."""
    today = panti_today()
    months = months_until(today, 2)
    for i in range(first, last):
        room = make_room(f"Asrama {i}", capacity=3)
        person = make_client(f"Klien {i}", sex="LP"[i % 2], room_id=room.id,
                             admission_date=months[0].first)
        make_client(f"Keluar {i}", stage="termination", admission_date=months[0].first,
                    termination_date=months[1].first, termination_reason="own_will")
        klass = make_class(f"Kelas {i}")
        for month in months:
            session = TrainingSession(class_id=klass.id, date=month.first, start_time=time(8),
                                      end_time=time(9))
            db.session.add(session)
            db.session.flush()
            db.session.add(Attendance(session_id=session.id, client_id=person.id,
                                      code="HA"[i % 2]))
        conference = CaseConference(date=today - timedelta(days=100 + i),
                                    kind="periodic_review")
        db.session.add(conference)
        db.session.flush()
        db.session.add(ConferenceDecision(conference_id=conference.id, client_id=person.id,
                                          recommendation="continue"))
    db.session.commit()


@pytest.mark.parametrize("role", ["head", "admin"])
def test_the_page_runs_the_same_queries_whatever_the_number_of_clients(app, client,
                                                                       login_as, role):
    login_as(role)
    counts, shown = [], []
    for first, last in ((0, 2), (2, 20)):
        with app.app_context():
            _grow(first, last)
        with counting_queries(app) as statements:
            page = client.get(URL)
        assert page.status_code == 200
        counts.append(len(statements))
        shown.append(len(table(page.get_data(as_text=True), "rooms-table")))
    assert shown == [2, 20]  # the page did show the new rows
    assert counts[0] == counts[1] <= 7, counts  # the user, then one query a figure


def test_axis_steps_are_round_and_reach_the_highest_value():
    assert axis(0) == [0, 1]
    assert axis(3) == [0, 1, 2, 3]
    assert axis(5) == [0, 2, 4, 6]
    assert axis(37) == [0, 10, 20, 30, 40]
    assert axis(76) == [0, 20, 40, 60, 80]
    assert axis(1234) == [0, 500, 1000, 1500]
