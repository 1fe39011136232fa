"""A person admitted again (services/stays.py): "same person: re-admit" at the duplicate
check and on the client page begins a new stay with the same register number; the ended
stay stays readable and unchanged, its evidence does not count for the new stay, the census
counts each stay, and only the admin or the head re-admits."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from models import (
    CaseNote,
    Client,
    ClientStay,
    DuplicateDecision,
    Selection,
    ServiceContract,
    ServicePlan,
    StageMove,
    User,
    db,
)
from models.choices import Role, Stage
from services import assessment, eligibility, lifecycle, stays
from services.dates import today as panti_today
from services.exports import census

from .conftest import csrf_token, flashed_errors, make_client, make_staff, post_form
from .test_lifecycle import admissible

FIRST_IN, FIRST_OUT = date(2026, 1, 5), date(2026, 3, 20)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _first_stay(worker_name: str = "Siti Rahayu") -> int:
    """Budi lived in the panti from January to March 2026: selection, assessment, plan,
    contract and notes, then terminated (goals achieved). Returns his id (committed)."""
    worker = make_staff(worker_name)
    budi = make_client("Budi Santoso", stage=Stage.TERMINATION, number="2026-0001",
                       admission_date=FIRST_IN, termination_date=FIRST_OUT,
                       termination_reason="goals_achieved", birth_date=date(1990, 4, 2),
                       birth_place="Cirebon", social_worker=worker, cohort=3)
    db.session.add(Selection(client_id=budi.id, decision="accepted", decided_on=FIRST_IN))
    for aspect in ("physical", "psychological", "social", "vocational"):
        db.session.add(CaseNote(client_id=budi.id, kind="assessment", aspect=aspect,
                                date=date(2026, 1, 20), content=f"Asesmen {aspect}"))
    db.session.add(CaseNote(client_id=budi.id, kind="progress", date=date(2026, 2, 10),
                            content="Rajin mengikuti kelas las."))
    db.session.add(ServicePlan(client_id=budi.id, problems="Tanpa pekerjaan"))
    db.session.add(ServiceContract(client_id=budi.id, kind="primary", problem="p", goals="g",
                                   start_date=FIRST_IN, end_date=FIRST_OUT, status="ended",
                                   signed_date=FIRST_IN, social_worker=worker))
    db.session.commit()
    return budi.id


def _records(client_id: int) -> list[tuple]:
    """Every case record of the client as (kind, stay, content), to compare before/after."""
    rows = [("note", note.stay, note.content, note.row_version) for note in db.session.scalars(
        select(CaseNote).where(CaseNote.client_id == client_id).order_by(CaseNote.id))]
    rows += [("plan", plan.stay, plan.problems, plan.row_version) for plan in db.session.scalars(
        select(ServicePlan).where(ServicePlan.client_id == client_id))]
    rows += [("selection", s.stay, s.decision, s.row_version) for s in db.session.scalars(
        select(Selection).where(Selection.client_id == client_id))]
    return rows


REGISTRATION = {"full_name": "Budi Santosa", "sex": "L", "birth_date": "1990-04-02",
                "birth_place": "Cirebon"}


def test_same_person_at_the_duplicate_check_begins_a_new_stay_with_the_same_number(
        app, client, login_as):
    who = login_as("admin")
    with app.app_context():
        budi = _first_stay()
        before = _records(budi)
    html = post_form(client, "/admin/client/new/", REGISTRATION).get_data(as_text=True)
    panel = html.split('data-testid="likely-matches"', 1)[1]
    assert "2026-0001 — Budi Santoso" in _text(panel)
    button = re.search(r'formaction="([^"]+)"[^>]*data-testid="readmit"', panel)
    assert unescape(button.group(1)) == f"/admin/client/readmit/?id={budi}"
    # The button posts the registration form itself: its CSRF token and the matches shown.
    response = client.post(unescape(button.group(1)), data={
        **REGISTRATION, "csrf_token": csrf_token(client, "/admin/client/new/"),
        "shown": [str(budi)]})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Budi Santoso diterima kembali: masa tinggal ke-2 dimulai pada tahap 1." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 1  # no new person
        person = db.session.get(Client, budi)
        assert (person.stay, person.stage, person.register_number) == (
            2, Stage.APPROACH, "2026-0001")
        assert (person.admission_date, person.termination_date, person.cohort,
                person.social_worker_id) == (None, None, None, None)
        kept = db.session.scalar(select(ClientStay).where(ClientStay.client_id == budi))
        assert (kept.number, kept.admission_date, kept.termination_date,
                kept.termination_reason, kept.stage, kept.cohort) == (
            1, FIRST_IN, FIRST_OUT, "goals_achieved", Stage.TERMINATION, 3)
        assert kept.social_worker.name == "Siti Rahayu"
        assert _records(budi) == before  # the first stay's records untouched
        choice = db.session.scalar(select(DuplicateDecision))
        assert (choice.client_id, choice.choice, choice.shown, choice.decided_by_id) == (
            budi, "same", "2026-0001 — Budi Santoso", who["user_id"])
        move = db.session.scalars(select(StageMove).where(StageMove.client_id == budi)
                                  .order_by(StageMove.id.desc())).first()
        assert (move.from_stage, move.to_stage, move.stay) == (
            Stage.TERMINATION, Stage.APPROACH, 2)
    details = client.get(f"/admin/client/details/?id={budi}").get_data(as_text=True)
    table = _text(details.split('data-testid="earlier-stays"', 1)[1].split("</table>")[0])
    assert ("ke-1 3 05/01/2026 20/03/2026 · Tujuan pelayanan tercapai 9. Terminasi "
            "File pelayanan") in table


def test_the_new_stay_needs_its_own_evidence_and_the_old_is_not_counted(app, client,
                                                                       login_as):
    with app.app_context():
        budi = _first_stay()
        person = db.session.get(Client, budi)
        stays.readmit(person, None, actor="uji")
        db.session.commit()
        head = User(username="kepala", role=Role.HEAD)
        # The old selection, contract and assessment do not let the new stay through.
        with pytest.raises(lifecycle.MoveRefused) as refused:
            lifecycle.check(person, Stage.ADMISSION, head)
        assert "Seleksi belum diterima pimpinan." in str(refused.value)
        assert "Tanggal masuk belum diisi." in str(refused.value)
        assert assessment.recorded_aspects([budi])[budi] == set()
        assert eligibility.refusal(person, eligibility.plan_requirements()) is None
        # The new stay's own evidence does (a second selection and plan: one per stay).
        admissible(budi)
        db.session.add(ServicePlan(client_id=budi, problems="Masih di jalan"))
        db.session.commit()
        lifecycle.check(person, Stage.ADMISSION, head)
        assert sorted(db.session.execute(
            select(Selection.stay, Selection.decision).where(Selection.client_id == budi))
        ) == [(1, "accepted"), (2, "accepted")]
        assert sorted(db.session.scalars(
            select(ServicePlan.problems).where(*ServicePlan.of_stay(person)))) == [
            "Masih di jalan"]


def test_the_census_counts_the_readmission_in_its_month_and_the_first_stay_in_its_own(
        app, ctx):
    budi = _first_stay()
    person = db.session.get(Client, budi)
    stays.readmit(person, None, day=date(2026, 10, 1), actor="uji")
    person.admission_date = date(2026, 10, 6)
    db.session.commit()
    # Admitted again is admitted only once past stage 1 (a planned date is not an admission).
    assert census(date(2026, 10, 1), date(2026, 10, 31)).total(1) == 0
    person.stage = Stage.ADMISSION
    db.session.commit()
    february = census(date(2026, 2, 1), date(2026, 2, 28))
    assert (february.total(0), february.total(1), february.total(2), february.total(3)) == (
        1, 0, 0, 1)
    march = census(date(2026, 3, 1), date(2026, 3, 31))
    assert (march.total(0), march.total(2), march.total(3)) == (1, 1, 0)
    october = census(date(2026, 10, 1), date(2026, 10, 31))
    assert (october.total(0), october.total(1), october.total(3)) == (0, 1, 1)
    assert october.total(1, "L") == 1


def test_an_earlier_stays_record_is_read_only_and_a_new_one_goes_to_the_new_stay(
        app, client, login_as):
    login_as("social_worker")
    with app.app_context():
        budi = _first_stay()
        person = db.session.get(Client, budi)
        stays.readmit(person, None, actor="uji")
        person.social_worker = db.session.scalar(select(User).where(
            User.username == "socialworker")).staff
        db.session.commit()
        old = db.session.scalar(select(CaseNote).where(CaseNote.kind == "progress"))
        old_id = old.id
        before = _records(budi)
    url = f"/admin/case_note/edit/?id={old_id}"
    html = post_form(client, url, {"content": "Ditulis ulang"}).get_data(as_text=True)
    assert "Data ini milik masa tinggal klien yang sudah berakhir" in " ".join(
        flashed_errors(html))
    deleted = client.post("/admin/case_note/delete/", data={
        "id": str(old_id), "csrf_token": csrf_token(client, "/admin/case_note/")},
        follow_redirects=True).get_data(as_text=True)
    assert "Data ini milik masa tinggal klien yang sudah berakhir" in deleted
    with app.app_context():
        assert _records(budi) == before
    saved = post_form(client, "/admin/case_note/new/", {
        "client": str(budi), "kind": "progress", "date": panti_today().strftime("%d/%m/%Y"),
        "content": "Kembali ke panti setelah razia."})
    assert saved.status_code == 302, flashed_errors(saved.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(CaseNote.stay).where(
            CaseNote.content == "Kembali ke panti setelah razia.")) == 2


@pytest.mark.parametrize("role", ["social_worker", "instructor", "staff"])
def test_only_the_admin_or_the_head_readmits(app, client, login_as, role):
    login_as(role)
    with app.app_context():
        budi = _first_stay()
    response = client.post(f"/admin/client/readmit/?id={budi}", data={
        "csrf_token": csrf_token(client, "/admin/")})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Client, budi).stay == 1
        assert db.session.scalar(select(func.count()).select_from(ClientStay)) == 0


def test_a_client_still_in_the_panti_is_not_readmitted_and_nothing_changes(app, client,
                                                                          login_as):
    login_as("head")
    with app.app_context():
        rina = make_client("Rina Marlina", sex="P", number="2026-0002").id
        db.session.commit()
    page = client.get(f"/admin/client/details/?id={rina}").get_data(as_text=True)
    assert 'data-testid="readmit-form"' not in page
    response = client.post(f"/admin/client/readmit/?id={rina}", data={
        "csrf_token": csrf_token(client, f"/admin/client/details/?id={rina}")},
        follow_redirects=True)
    assert "Rina Marlina masih dalam pelayanan panti" in _text(response.get_data(as_text=True))
    with app.app_context():
        person = db.session.get(Client, rina)
        assert (person.stay, person.stage) == (1, "intervention")
    # Without the CSRF token nothing happens either.
    client.post(f"/admin/client/readmit/?id={rina}", data={})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ClientStay)) == 0


def test_the_case_file_of_an_earlier_stay_shows_that_stay_read_only(app, client, login_as):
    login_as("head")
    with app.app_context():
        budi = _first_stay()
        person = db.session.get(Client, budi)
        stays.readmit(person, None, actor="uji")
        db.session.add(CaseNote(client_id=budi, kind="progress", date=date(2026, 11, 2),
                                content="Catatan masa tinggal kedua."))
        db.session.commit()
    current = _text(client.get(f"/admin/client/case-file/?id={budi}").get_data(as_text=True))
    assert "Catatan masa tinggal kedua." in current
    assert "Rajin mengikuti kelas las." not in current
    assert "Masa tinggal: ke-1 ke-2 (sekarang)" in current
    first = client.get(f"/admin/client/case-file/?id={budi}&stay=1").get_data(as_text=True)
    assert "Rajin mengikuti kelas las." in first
    assert "Catatan masa tinggal kedua." not in first
    assert "Masa tinggal ke-1 sudah berakhir (20/03/2026); isinya hanya dapat dibaca." in \
        _text(first)
    assert "Tanggal masuk 05/01/2026" in _text(first)
    assert "/admin/case_note/new/" not in first  # nothing is added to an ended stay
    for stay in ("3", "0", "abc", "-1"):
        assert client.get(f"/admin/client/case-file/?id={budi}&stay={stay}").status_code == 404


def test_an_earlier_stays_case_parts_are_not_shown_to_a_worker_outside_the_case(
        app, client, login_as):
    login_as("social_worker")
    with app.app_context():
        budi = _first_stay("Peksos Lain")
        person = db.session.get(Client, budi)
        stays.readmit(person, None, actor="uji")
        db.session.commit()
    # The roster is every social worker's; the case is only its own worker's.
    page = client.get(f"/admin/client/case-file/?id={budi}&stay=1").get_data(as_text=True)
    assert "Budi Santoso" in page
    assert "Rajin mengikuti kelas las." not in page
    assert 'data-part="f"' not in page


def test_current_stay_conditions_correlate_with_every_client_of_an_outer_query(app, ctx):
    """Inside an EXISTS over many clients, each client's own stay is compared (not the first
    client's): a summary written in an ended stay does not make a re-admitted client ready."""
    from models import CaseConference
    from services.conferences import summary_ready

    budi = _first_stay()
    rina = make_client("Rina Marlina", sex="P", number="2026-0002").id
    for person in (budi, rina):
        db.session.add(CaseNote(client_id=person, kind="case_summary", date=date(2026, 2, 1),
                                content="Ringkasan kasus"))
    db.session.commit()
    stays.readmit(db.session.get(Client, budi), None, actor="uji")
    kk = CaseConference(date=date(2026, 11, 10), kind="periodic_review")
    db.session.add(kk)
    db.session.commit()
    ready = dict(db.session.execute(
        select(Client.full_name, summary_ready(Client.id, CaseConference.date))
        .select_from(CaseConference).join(Client, Client.id.in_([budi, rina]))).all())
    assert ready == {"Budi Santoso": False, "Rina Marlina": True}


def test_an_ended_stays_open_items_are_no_longer_due_once_the_person_is_back(app, ctx):
    """An aftercare visit not made and a referral without feedback, both of the first stay,
    leave the due lists when the person is admitted again (they cannot be changed now)."""
    from models import AftercareVisit, NetworkPartner, Referral
    from services import aftercare, referrals

    budi = _first_stay()
    partner = NetworkPartner(name="Puskesmas Sukajadi", kind="health")
    db.session.add_all([
        AftercareVisit(client_id=budi, planned_on=date(2026, 4, 20), months_after=1),
        Referral(client_id=budi, partner=partner, referred_on=date(2026, 2, 2),
                 reason="Pemeriksaan paru")])
    db.session.commit()
    today = panti_today()
    assert [v.client_id for v in aftercare.visits_due(today)] == [budi]
    assert [r.client_id for r in referrals.awaiting_feedback(today)] == [budi]
    stays.readmit(db.session.get(Client, budi), None, actor="uji")
    db.session.commit()
    assert aftercare.visits_due(today) == []
    assert referrals.awaiting_feedback(today) == []


def test_the_roster_of_a_month_lists_the_stay_in_the_panti_then_and_its_import_is_refused(
        app, client, login_as):
    import io

    from .test_client_rules import dry_run
    from .test_exports import _book, _download, _table

    login_as("admin")
    with app.app_context():
        budi = _first_stay()
        person = db.session.get(Client, budi)
        stays.readmit(person, None, day=date(2026, 10, 1), actor="uji")
        person.admission_date, person.stage = date(2026, 10, 6), Stage.ADMISSION
        db.session.commit()
    february = _book(_download(client, "roster", month="2026-02"))
    rows = _table(february.active)
    assert [(r[1], r[3], r[16].date(), r[17], r[20].date()) for r in rows] == [
        ("2026-0001", "Budi Santoso", FIRST_IN, "9. Terminasi", FIRST_OUT)]
    october = _table(_book(_download(client, "roster", month="2026-10")).active)
    assert [(r[1], r[16].date(), r[17], r[20]) for r in october] == [
        ("2026-0001", date(2026, 10, 6), "2. Penerimaan & registrasi", None)]
    # February's roster read back does not write the ended stay over the current one.
    buffer = io.BytesIO()
    february.save(buffer)
    with app.app_context():
        before = db.session.get(Client, budi).row_version
    found = dry_run(client, buffer.getvalue())
    assert found[8][0] == "reject"
    assert "Baris ini masa tinggal ke-1 yang sudah berakhir; masa tinggal yang lalu tidak " \
        "diubah lewat impor." in found[8][1]
    with app.app_context():
        assert db.session.get(Client, budi).row_version == before


def test_the_command_readmits_through_the_same_rule(app):
    from cli import readmit_client

    runner = app.test_cli_runner()
    with app.app_context():
        budi = _first_stay()
        rina = make_client("Rina Marlina", sex="P", number="2026-0002").id
        db.session.commit()
    still_in = runner.invoke(readmit_client, ["2026-0002"])
    assert still_in.exit_code == 1
    assert "Rina Marlina masih dalam pelayanan panti" in still_in.output
    done = runner.invoke(readmit_client, [f"#{budi}", "--note", "Razia Terminal Cicaheum"])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == ("Budi Santoso diterima kembali: masa tinggal ke-2 dimulai "
                                   "pada tahap 1.")
    with app.app_context():
        last = lifecycle.timeline(budi)[-1]
        assert (last.to_stage, last.actor, last.note, last.stay) == (
            "approach", "flask readmit-client", "Razia Terminal Cicaheum", 2)
        assert db.session.get(Client, rina).stay == 1


def test_the_kk_page_and_the_worklist_agree_a_summary_of_an_ended_stay_is_not_ready(app, ctx):
    from models import CaseConference
    from services.conferences import summaries_ready

    budi = _first_stay()
    db.session.add(CaseNote(client_id=budi, kind="case_summary", date=date(2026, 2, 1),
                            content="Ringkasan kasus masa tinggal pertama"))
    db.session.commit()
    stays.readmit(db.session.get(Client, budi), None, actor="uji")
    kk = CaseConference(date=date(2026, 11, 10), kind="periodic_review",
                        clients=[db.session.get(Client, budi)])
    db.session.add(kk)
    db.session.commit()
    assert summaries_ready(kk) == {budi: None}
