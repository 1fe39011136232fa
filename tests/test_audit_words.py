"""The audit log and the history pages in the users' words: every audited table by the kind
of record users know, every audited field by the label its screen or form gives it."""

from __future__ import annotations

import re
from datetime import date, time
from html import unescape
from types import SimpleNamespace

import pytest
from sqlalchemy import insert, inspect, select

from admin_views.audit_labels import audited_fields
from admin_views.base import SecureModelView
from models import AuditEntry, CaseConference, ServiceContract, TrainingSession, db
from services.audit import NOT_AUDITED
from tests.conftest import csrf_token, make_class, make_client, make_staff
from tests.test_contracts import _draft, _plan, _sign

RAW = re.compile(r"^[a-z]+(_[a-z]+)+$|_id\b")  # a column or table name as the database spells it


def _audited_tables() -> dict[str, type]:
    return {mapper.local_table.name: mapper.class_ for mapper in db.Model.registry.mappers
            if mapper.local_table.name not in NOT_AUDITED}


def _words(app):
    admin = app.extensions["admin"][0]
    return next(view for view in admin._views if view.endpoint == "audit").words


def _is_raw(label: str, table: str, key: str) -> bool:
    return label in (key, table) or bool(RAW.search(label))


def test_every_audited_table_and_field_has_the_users_word(app):
    words, raw = _words(app), []
    with app.test_request_context():
        for table, model in _audited_tables().items():
            if _is_raw(words.kind(table), table, table):
                raw.append(table)
            raw += [f"{table}.{key}" for key in audited_fields(model)
                    if _is_raw(words.field(table, key), table, key)]
    assert raw == []


def _cells(html: str, column: str) -> list[str]:
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in re.findall(
        rf'<td class="col-{column}">(.*?)</td>', html, re.S)]


@pytest.mark.parametrize("role", ["head", "admin"])
def test_the_audit_log_shows_no_column_or_table_name(app, client, login_as, role):
    """One entry per audited table changing every audited field: the list's "Data" and
    "Perubahan" cells, and each entry's details, read in labels."""
    login_as(role)
    with app.app_context():
        conference = CaseConference(date=date(2026, 3, 10), kind="periodic_review")
        db.session.add(conference)
        db.session.commit()
        tables = _audited_tables()
        first = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
        db.session.execute(insert(AuditEntry), [{
            "action": "update", "table_name": table, "username": "admin",
            "record_id": conference.id if table == "case_conference" else 1,
            "changes": {key: [None, None] for key in audited_fields(model)},
        } for table, model in tables.items()])
        db.session.commit()
        ids = db.session.scalars(select(AuditEntry.id).where(AuditEntry.id > first)).all()
    html = client.get("/admin/audit/?page_size=100").get_data(as_text=True)
    data, changed = _cells(html, "table_name"), _cells(html, "changes")
    assert len(changed) >= len(tables)
    for text in data + [part for cell in changed for part in cell.split(", ")]:
        assert not RAW.search(text) and text not in tables, text
    assert "Keputusan KK" in data and "Kontrak pelayanan" in data
    for entry_id in ids:
        response = client.get(f"/admin/audit/details/?id={entry_id}")
        assert response.status_code == 200, (entry_id, response.status_code)
        details = unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
        for table, model in tables.items():
            for key in [*audited_fields(model), table]:
                if "_" in key:
                    assert not re.search(rf"\b{key}\b", details), (entry_id, key)


def test_signing_a_contract_reads_as_the_forms_labels(app, client, login_as):
    me = login_as("social_worker")
    with app.app_context():
        plan_id, _person = _plan(me["staff_id"])
        head = make_staff("Dra. Hj. Euis", "head")
        db.session.commit()
        head_id = head.id
    contract_id = _draft(client, plan_id)
    assert _sign(client, contract_id, head=str(head_id)).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("head")
    html = client.get("/admin/audit/").get_data(as_text=True)
    rows = list(zip(_cells(html, "table_name"), _cells(html, "changes"), strict=True))
    (changed,) = [cells for kind, cells in rows if kind == "Kontrak pelayanan"
                  and "Keluarga/wali yang menandatangani" in cells]
    assert "Mengetahui (pimpinan)" in changed and "Tanggal tanda tangan" in changed
    assert "guardian_signer" not in html and "head_id" not in html
    with app.app_context():
        assert db.session.get(ServiceContract, contract_id).head_id == head_id


def test_a_history_page_names_a_changed_class_by_its_label(app, client, login_as):
    """A reference column (class_id) is the screen's relation (training_class, "Kelas")."""
    login_as("admin")
    with app.app_context():
        sewing, cooking = make_class("Menjahit A"), make_class("Memasak B")
        session = TrainingSession(training_class=sewing, date=date(2026, 1, 14),
                                  start_time=time(8), end_time=time(11))
        db.session.add(session)
        db.session.commit()
        assert session.class_id == sewing.id  # loaded, as the edit form has it
        session.class_id = cooking.id
        db.session.commit()
        session_id = session.id
    history = unescape(re.sub(r"<[^>]+>", " ", client.get(
        f"/admin/training_session/history/?id={session_id}").get_data(as_text=True)))
    assert re.search(r"Kelas\s+Menjahit A\s+→ Memasak B", history)
    assert re.search(r"Jam mulai\s+—\s+→ 08:00\s", history)  # a time as the form shows it


def test_every_screens_history_labels_every_field_it_shows(app):
    """Each screen's history of an entry changing every audited field: only labels."""
    admin = app.extensions["admin"][0]
    with app.app_context():
        person = make_client("Budi Santoso")
        conference = CaseConference(date=date(2026, 3, 10), kind="periodic_review",
                                    clients=[person])
        db.session.add(conference)
        db.session.commit()
        conference_id = conference.id
    raw = []
    for view in admin._views:
        if not isinstance(view, SecureModelView) or view.endpoint == "audit":
            continue
        models = [view.model, *(inline.model for inline in view.inline_models or ())]
        with app.test_request_context(f"/?id={conference_id}"):
            for model in models:
                entry = SimpleNamespace(id=1, table_name=inspect(model).local_table.name,
                                        record_id=1, record_label="x", changes={
                                            key: [None, None] for key in audited_fields(model)})
                for label, _before, _after in view.describe_changes([entry])[1]:
                    name = label.split(": ")[-1]  # an inline row's field after the row's name
                    if RAW.search(name) or name in entry.changes:
                        raw.append(f"{view.endpoint}: {label}")
    assert raw == []

