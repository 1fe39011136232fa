"""One visibility policy, the same set of records on every path.

For every model of the policy and every role that opens its screen, on the demo data: the
rows ``visible(Model)`` names are exactly those the list pages through, every one of them
opens (details, history, edit for writers) and every other row answers 404 there; pickers
offer none beyond them; the calendar and the KK log show the same conferences.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import Attendance, CaseConference, Client, TrainingSession, User, db
from seed.demo import load_demo
from services.permissions import ROLE_ORDER, readers, writers
from services.scopes import POLICY, visible

from .conftest import PASSWORD, post_form

DEMO_DAY = date(2026, 11, 22)
ACCOUNTS = {"admin": "admin", "head": "kepala", "social_worker": "peksos",
            "instructor": "instruktur", "staff": "staf"}
# The single-record attendance screen is training attendance; guidance and recreation rows
# are recorded on the sheets (``AttendanceView.scope`` adds that to the policy's rows).
SCREEN_LIMITS = {Attendance: [Attendance.session_id.is_not(None)]}
# Pickers over a policy model: (screen whose form has it, field).
PICKERS = {
    Client: [("attendance", "client"), ("case_note", "client"), ("conference", "clients"),
             ("enrollment", "client")],
    TrainingSession: [("attendance", "session")],
}
SAMPLE = 6  # records opened per side (visible, hidden) and path: enough to catch a leak


def _ids(html: str, screen: str) -> set[int]:
    return {int(n) for n in re.findall(rf"/admin/{screen}/details/\?id=(\d+)", html)} | {
        int(n) for n in re.findall(r'name="rowid" value="(\d+)"', html)}


def _listed(client, screen: str) -> set[int]:
    """Every id the list shows, page by page (100 a page)."""
    seen: set[int] = set()
    for page in range(200):
        response = client.get(f"/admin/{screen}/?page_size=100&page={page}")
        assert response.status_code == 200, screen
        found = _ids(response.get_data(as_text=True), screen)
        if not found - seen:
            return seen
        seen |= found
    raise AssertionError(f"{screen}: the list did not end")


def _sample(ids: set[int]) -> list[int]:
    ordered = sorted(ids)
    step = max(1, len(ordered) // SAMPLE)
    return ordered[::step][:SAMPLE]


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo(PASSWORD, today=DEMO_DAY)
        db.session.commit()


@pytest.mark.cpu_budget(8)  # every path of every screen the role reads, sampled records
@pytest.mark.parametrize("role", ROLE_ORDER)
def test_every_path_shows_the_set_the_policy_names(app, client, demo, role):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == ACCOUNTS[role]))
        expected, everything = {}, {}
        for model, entry in POLICY.items():
            if role not in readers(entry.screen):
                continue
            limits = SCREEN_LIMITS.get(model, [])
            expected[model] = set(db.session.scalars(
                select(model.id).where(*visible(model, user), *limits)))
            everything[model] = set(db.session.scalars(select(model.id).where(*limits)))
        pickable = {model: set(db.session.scalars(select(model.id).where(*visible(model, user))))
                    for model in PICKERS}
    assert post_form(client, "/login", {"username": ACCOUNTS[role],
                                        "password": PASSWORD}).status_code == 302

    for model, ids in expected.items():
        screen = POLICY[model].screen
        assert _listed(client, screen) == ids, f"{role} {screen}: list"
        hidden = everything[model] - ids
        routes = ["details", "history"] + (["edit"] if role in writers(screen) else [])
        for route in routes:
            for record_id in _sample(ids):
                status = client.get(f"/admin/{screen}/{route}/?id={record_id}").status_code
                # A signed contract's edit page sends the user to its details, with the reason.
                assert status in (200, 302), f"{role} {screen} {route} {record_id}: {status}"
            for record_id in _sample(hidden):
                status = client.get(f"/admin/{screen}/{route}/?id={record_id}").status_code
                assert status == 404, f"{role} {screen} {route} {record_id} hidden: {status}"

    for model, uses in PICKERS.items():
        for screen, field in uses:
            if role not in writers(screen):
                continue
            for query in ("", "a"):
                found = client.get(
                    f"/admin/{screen}/ajax/lookup/?name={field}&query={query}").get_json()
                offered = {int(row[0]) for row in found}
                assert offered <= pickable[model], f"{role} {screen}.{field} picker"

    if CaseConference in expected:
        month = {c for c in expected[CaseConference] if _in_month(app, c)}
        calendar = client.get(f"/admin/calendar/?day={DEMO_DAY:%Y-%m-%d}&view=month")
        assert _ids(calendar.get_data(as_text=True), "conference") == month, \
            f"{role}: calendar conferences"
        log = client.get(f"/admin/export/download/conferences/?month={DEMO_DAY:%Y-%m}")
        sheet = load_workbook(io.BytesIO(log.data), read_only=True).worksheets[0]
        numbered = [row for row in sheet.iter_rows(values_only=True)
                    if len(row) > 1 and isinstance(row[0], int) and hasattr(row[1], "year")]
        assert len(numbered) == len(month), f"{role}: KK log rows"


def _in_month(app, conference_id: int) -> bool:
    with app.app_context():
        day = db.session.get(CaseConference, conference_id).date
    return (day.year, day.month) == (DEMO_DAY.year, DEMO_DAY.month)
