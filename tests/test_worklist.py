"""The home page's worklist: the deadlines of one's own clients (everyone's for the head),
most urgent first, each a link to where it is done."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import event

from models import CaseConference, CaseNote, ConferenceDecision, User, db
from services.dates import today as panti_today

from .conftest import make_client, make_staff, post_form

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
    assert (f"Persetujuan terminasi — {ids['Cahya Nugraha no']} Cahya Nugraha",
            "terlambat 3 hari", "/admin/conference/terminations/") in items
    assert {what.split(" — ")[1] for what, _when, _link in items} == {
        f"{ids[name + ' no']} {name}" for name in ("Ahmad Yani", "Budi Utomo",
                                                   "Cahya Nugraha")}


def test_the_home_page_runs_the_same_queries_whatever_the_caseload(app, client):
    _world(app)
    post_form(client, "/login", {"username": "peksos", "password": "kata-sandi-panjang-sekali"})
    counts = []
    for extra in (0, 15):
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
        assert len(_items(page)) == min(2 + extra, 15)
    assert counts[0] == counts[1]
