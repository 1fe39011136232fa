"""The service stages as an enforced state machine (services/lifecycle.py): a move has its
own page, names what it still needs, is made only by whom it belongs to, and is recorded on
the client's stage timeline; the import and the command go through the same moves."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from models import (
    CaseConference,
    CaseNote,
    Client,
    ConferenceDecision,
    PlanGoal,
    Room,
    Selection,
    ServiceContract,
    ServicePlan,
    StageMove,
    User,
    db,
)
from services import lifecycle
from services.clients import issue_register_number
from services.dates import today as panti_today

from .conftest import (
    PASSWORD,
    csrf_token,
    make_client,
    make_room,
    make_staff,
    make_user,
    post_form,
)
from .pages import alerts, list_rows
from .test_client_rules import dry_run, roster

TODAY = panti_today()


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _flashed(html: str) -> list[str]:
    """The error messages at the top of the page (without the close button's ×)."""
    return [_text(m).removeprefix("×").strip() for m in re.findall(
        r'<div class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', html, re.S)]


def _missing(html: str, target: str) -> list[str]:
    """The pieces the move page says the move to ``target`` still needs."""
    card = html.split(f'data-target="{target}"', 1)[1].split('data-testid="move"', 1)[0]
    block = card.split('data-testid="missing"', 1)
    if len(block) < 2:
        return []
    return [_text(item) for item in re.findall(r"<li>(.*?)</li>", block[1].split("</ul>")[0],
                                               re.S)]


def _move(client, client_id: int, target: str, **extra):
    return post_form(client, f"/admin/client_stage/?id={client_id}",
                     {"target": target, **extra})


def _state(client_id: int) -> tuple[str, int]:
    return (db.session.get(Client, client_id).stage,
            db.session.scalar(select(func.count()).select_from(StageMove)
                              .where(StageMove.client_id == client_id)))


@pytest.fixture
def world(app):
    """A social worker with a login, another one, a room, and a new client of the first
    worker registered through the form's path (stage 1 with its first timeline entry)."""
    with app.app_context():
        mine = make_staff("Siti Rahayu", "social_worker")
        other = make_staff("Dewi Lestari", "social_worker")
        user = User(username="peksos", role="social_worker", staff=mine)
        user.set_password("kata-sandi-panjang-sekali")
        db.session.add(user)
        room = make_room("Asrama Anggrek", capacity=10)
        budi = make_client("Budi Santoso", stage="approach", social_worker_id=mine.id,
                           admission_date=TODAY - timedelta(days=40))
        lifecycle.begin(budi)
        db.session.commit()
        return {"budi": budi.id, "mine": mine.id, "other": other.id, "room": room.id}


def _register_cell(client, client_id: int) -> str:
    """The register number the roster shows for the client."""
    return list_rows(client, "/admin/client/")[client_id]["register_number"]


def on_paper(client_id: int, stage: str) -> None:
    """Put a candidate in ``stage`` as if moved there on paper, with its register number."""
    person = db.session.get(Client, client_id)
    person.stage = stage
    issue_register_number(person)


def admissible(client_id: int) -> None:
    """Give a candidate what the move to admission needs: an accepted selection, a social
    worker, a room of its sex and a signed preliminary contract (not committed)."""
    person = db.session.get(Client, client_id)
    person.social_worker = person.social_worker or make_staff(
        f"Peksos {client_id}", "social_worker")
    rooms = db.session.scalar(select(func.count()).select_from(Room))
    person.room = make_room(f"Asrama uji {rooms + 1}", capacity=5, sex=person.sex)
    person.admission_date = person.admission_date or TODAY
    db.session.add(Selection(client_id=client_id, decision="accepted", decided_on=TODAY))
    db.session.add(ServiceContract(client_id=client_id, kind="preliminary", problem="p",
                                   goals="g", start_date=person.admission_date,
                                   end_date=TODAY + timedelta(days=30), status="signed",
                                   signed_date=TODAY, social_worker=person.social_worker))
    db.session.flush()


def _log_in(client, username: str, password: str = "kata-sandi-panjang-sekali") -> None:
    assert client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client, "/login")}
                       ).status_code == 302


def test_an_admin_cannot_put_a_new_client_in_stage_8_and_nothing_changes(app, client,
                                                                         login_as, world):
    login_as("admin")
    html = _move(client, world["budi"], "resocialization").get_data(as_text=True)
    assert _flashed(html) == ["Dari tahap 1. Pendekatan awal klien tidak dapat pindah ke "
                              "tahap 8. Resosialisasi & penyaluran."]
    with app.app_context():
        assert _state(world["budi"]) == ("approach", 1)
    # Nor through the registration form: a posted stage is not a field.
    post_form(client, f"/admin/client/edit/?id={world['budi']}",
              {"full_name": "Budi Santoso", "sex": "L", "stage": "resocialization"})
    with app.app_context():
        assert _state(world["budi"]) == ("approach", 1)


def test_each_move_names_what_is_missing_and_goes_through_once_it_is_there(
        app, client, login_as, world):
    """From the first stage to aftercare: each piece, missing, is named on the page and in
    the refusal (nothing changes); once recorded, the move goes through and is timed."""
    budi = world["budi"]
    login_as("admin")
    page = client.get(f"/admin/client_stage/?id={budi}").get_data(as_text=True)
    assert _missing(page, "admission") == [
        "Seleksi belum diterima pimpinan.",
        "Kamar/asrama belum ditentukan.",
        "Kontrak pendahuluan yang ditandatangani belum ada."]
    assert f'href="/admin/client_stage/selection/?id={budi}"' in page
    refused = _flashed(_move(client, budi, "admission").get_data(as_text=True))
    assert refused == ["Belum dapat pindah ke tahap 2. Penerimaan & registrasi: Seleksi belum "
                       "diterima pimpinan. Kamar/asrama belum ditentukan. Kontrak pendahuluan "
                       "yang ditandatangani belum ada."]
    with app.app_context():
        assert _state(budi) == ("approach", 1)
        client_row = db.session.get(Client, budi)
        client_row.room_id = world["room"]
        db.session.add(Selection(client_id=budi, decision="accepted", decided_on=TODAY))
        db.session.add(ServiceContract(client_id=budi, kind="preliminary", problem="p",
                                       goals="g", start_date=TODAY - timedelta(days=40),
                                       end_date=TODAY + timedelta(days=30), status="signed",
                                       signed_date=TODAY, social_worker_id=world["mine"]))
        db.session.commit()
    # A candidate has no register number: the roster shows none, the move issues it.
    assert _register_cell(client, budi) == ""
    moved = _move(client, budi, "admission", note="Lulus seleksi")
    assert moved.status_code == 302
    number = f"{(TODAY - timedelta(days=40)).year}-0001"
    assert alerts(client.get(moved.headers["Location"]).get_data(as_text=True)) == [
        f"Budi Santoso kini pada tahap 2. Penerimaan &amp; registrasi dengan nomor induk "
        f"{number}."]
    assert _register_cell(client, budi) == number
    with app.app_context():
        assert _state(budi) == ("admission", 2)

    # The rest is the social worker's, for their own client.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    _log_in(client, "peksos")
    assert _move(client, budi, "assessment").status_code == 302
    page = client.get(f"/admin/client_stage/?id={budi}").get_data(as_text=True)
    assert _missing(page, "planning") == [
        "Asesmen aspek Fisik, Psikologis, Sosial, Vokasional belum dicatat."]
    with app.app_context():
        for aspect in ("physical", "psychological", "social"):
            db.session.add(CaseNote(client_id=budi, kind="assessment", aspect=aspect,
                                    date=TODAY, content="Temuan"))
        db.session.commit()
    assert _flashed(_move(client, budi, "planning").get_data(as_text=True)) == [
        "Belum dapat pindah ke tahap 4. Rencana pelayanan: Asesmen aspek Vokasional belum "
        "dicatat."]
    with app.app_context():
        db.session.add(CaseNote(client_id=budi, kind="assessment", aspect="vocational",
                                date=TODAY, content="Temuan"))
        db.session.commit()
    assert _move(client, budi, "planning").status_code == 302

    assert "Rencana pelayanan dengan tujuannya belum ada." in _flashed(
        _move(client, budi, "contract").get_data(as_text=True))[0]
    with app.app_context():
        db.session.add(ServicePlan(client_id=budi, problems="Belum bekerja",
                                   goals=[PlanGoal(goal="Mampu menjahit")]))
        db.session.commit()
    assert _move(client, budi, "contract").status_code == 302

    assert "Kontrak utama yang ditandatangani belum ada." in _flashed(
        _move(client, budi, "intervention").get_data(as_text=True))[0]
    with app.app_context():
        db.session.add(ServiceContract(client_id=budi, kind="primary", problem="p", goals="g",
                                       start_date=TODAY, end_date=TODAY + timedelta(days=90),
                                       status="signed", signed_date=TODAY,
                                       social_worker_id=world["mine"]))
        db.session.commit()
    assert _move(client, budi, "intervention").status_code == 302

    assert "Klien belum masuk agenda konferensi kasus." in _flashed(
        _move(client, budi, "case_conference").get_data(as_text=True))[0]
    with app.app_context():
        conference = CaseConference(date=TODAY, kind="periodic_review",
                                    clients=[db.session.get(Client, budi)])
        db.session.add(conference)
        db.session.commit()
        conference_id = conference.id
    assert _move(client, budi, "case_conference").status_code == 302

    assert "Keputusan KK terakhir bukan rekomendasi penyaluran." in _flashed(
        _move(client, budi, "resocialization").get_data(as_text=True))[0]
    with app.app_context():
        db.session.add(ConferenceDecision(conference_id=conference_id, client_id=budi,
                                          recommendation="placement"))
        db.session.commit()
    assert _move(client, budi, "resocialization").status_code == 302
    with app.app_context():
        assert _state(budi) == ("resocialization", 8)
        moves = lifecycle.timeline(budi)
        assert [(m.from_stage, m.to_stage) for m in moves][-2:] == [
            ("intervention", "case_conference"), ("case_conference", "resocialization")]
        assert moves[1].note == "Lulus seleksi" and moves[2].moved_by.username == "peksos"

    # Termination is the KK's recommendation approved by the head, not a move of its own.
    assert _flashed(_move(client, budi, "termination").get_data(as_text=True)) == [
        "Terminasi melalui rekomendasi KK dan persetujuan pimpinan, atau keluar dengan "
        "alasannya."]

    # The client's page shows every move, oldest first.
    details = _text(client.get(f"/admin/client/details/?id={budi}").get_data(as_text=True))
    timeline = details.split("Riwayat tahap", 1)[1]
    stages = ["1. Pendekatan awal", "2. Penerimaan & registrasi", "3. Asesmen",
              "4. Rencana pelayanan", "5. Kesepakatan pelayanan", "6. Intervensi / bimbingan",
              "7. Konferensi kasus", "8. Resosialisasi & penyaluran"]
    assert [timeline.index(stage) for stage in stages] == sorted(
        timeline.index(stage) for stage in stages)


def test_a_social_worker_moves_their_own_clients_and_no_one_elses(app, client, world):
    with app.app_context():
        theirs = make_client("Joko Susilo", stage="admission", social_worker_id=world["other"],
                             admission_date=TODAY - timedelta(days=5))
        mine = db.session.get(Client, world["budi"])
        mine.stage = "admission"
        issue_register_number(mine)  # admitted on paper
        db.session.commit()
        theirs_id = theirs.id
    _log_in(client, "peksos")
    page = client.get(f"/admin/client_stage/?id={theirs_id}").get_data(as_text=True)
    assert 'data-testid="not-allowed"' in page and 'name="target"' not in page
    html = _move(client, theirs_id, "assessment").get_data(as_text=True)
    assert _flashed(html) == [
        "Anda tidak berwenang memindahkan klien ini ke tahap 3. Asesmen."]
    with app.app_context():
        assert _state(theirs_id) == ("admission", 0)
    assert _move(client, world["budi"], "assessment").status_code == 302
    with app.app_context():
        assert db.session.get(Client, world["budi"]).stage == "assessment"


def test_roles_without_the_screen_get_403_and_a_hidden_client_404(app, client, login_as,
                                                                 world):
    login_as("instructor")
    assert client.get(f"/admin/client_stage/?id={world['budi']}").status_code == 403
    assert client.post(f"/admin/client_stage/?id={world['budi']}", data={
        "target": "admission", "csrf_token": csrf_token(client, "/password")}
    ).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})
    login_as("head")
    assert client.get("/admin/client_stage/?id=999999").status_code == 404
    assert client.get("/admin/client_stage/?id=abc").status_code == 404
    with app.app_context():
        assert _state(world["budi"]) == ("approach", 1)


def test_an_exit_is_a_termination_with_its_reason_and_aftercare_follows(app, client, world):
    with app.app_context():
        budi = db.session.get(Client, world["budi"])
        budi.stage = "intervention"
        issue_register_number(budi)  # admitted on paper
        db.session.commit()
    _log_in(client, "peksos")
    page = client.get(f"/admin/client_stage/?id={world['budi']}").get_data(as_text=True)
    assert "Menolak / melarikan diri (kabur)" in page
    assert "Tidak memenuhi syarat (seleksi atau asesmen)" not in page  # only while assessed
    html = _move(client, world["budi"], "termination", reason="goals_achieved"
                 ).get_data(as_text=True)
    assert _flashed(html) == ["Alasan ini tidak dapat dipakai untuk keluar dari tahap "
                              "6. Intervensi / bimbingan."]
    yesterday = TODAY - timedelta(days=1)
    assert _move(client, world["budi"], "termination", reason="refused_absconded",
                 day=yesterday.strftime("%d/%m/%Y"), note="Tidak kembali dari pasar"
                 ).status_code == 302
    with app.app_context():
        budi = db.session.get(Client, world["budi"])
        assert (budi.stage, budi.termination_date, budi.termination_reason) == (
            "termination", yesterday, "refused_absconded")
        last = lifecycle.timeline(budi.id)[-1]
        assert (last.reason, last.moved_on, last.note) == (
            "refused_absconded", yesterday, "Tidak kembali dari pasar")
    assert _move(client, world["budi"], "aftercare").status_code == 302
    details = _text(client.get(f"/admin/client/details/?id={world['budi']}"
                               ).get_data(as_text=True))
    assert "9. Terminasi — Menolak / melarikan diri (kabur)" in details


def test_a_candidate_leaves_before_admission_without_a_number_or_a_place_in_the_census(
        app, client, login_as, world):
    """Not eligible (the head's selection decision is its evidence), own will or gone: the
    admin or the head records it; the candidate never gets a register number, is never
    counted as admitted or exited, and has no aftercare."""
    from services.exports import census

    worker = app.test_client()
    _log_in(worker, "peksos")  # the social worker may not
    assert _flashed(_move(worker, world["budi"], "termination", reason="own_will"
                          ).get_data(as_text=True)) == [
        "Anda tidak berwenang memindahkan klien ini ke tahap 9. Terminasi."]
    login_as("admin")
    page = client.get(f"/admin/client_stage/?id={world['budi']}").get_data(as_text=True)
    assert "Keluar sebelum penerimaan" in page and "Tidak memenuhi syarat" in page
    refused = _flashed(_move(client, world["budi"], "termination", reason="not_eligible"
                             ).get_data(as_text=True))
    assert refused == ["Belum dapat pindah ke tahap 9. Terminasi: Keputusan seleksi \"tidak "
                       "memenuhi syarat\" belum ada."]
    assert _flashed(_move(client, world["budi"], "termination", reason="goals_achieved"
                          ).get_data(as_text=True)) == [
        "Alasan ini tidak dapat dipakai untuk keluar dari tahap 1. Pendekatan awal."]
    with app.app_context():
        assert _state(world["budi"]) == ("approach", 1)
        db.session.add(Selection(client_id=world["budi"], decision="not_eligible",
                                 reason="Sedang menjalani proses hukum", decided_on=TODAY))
        db.session.commit()
    assert _move(client, world["budi"], "termination", reason="not_eligible").status_code == 302
    with app.app_context():
        budi = db.session.get(Client, world["budi"])
        assert (budi.stage, budi.termination_reason, budi.termination_date,
                budi.register_number) == ("termination", "not_eligible", TODAY, None)
        assert _state(world["budi"]) == ("termination", 2)
        month = census(TODAY.replace(day=1), TODAY)
        assert month.total(1) == 0 and month.total(2) == 0  # neither admitted nor exited
    head = app.test_client()
    with app.app_context():
        make_user("head")
        db.session.commit()
    _log_in(head, "head", PASSWORD)
    page = head.get(f"/admin/client_stage/?id={world['budi']}").get_data(as_text=True)
    assert "Klien tidak pernah diterima di panti (keluar dari tahap 1)." in page


@pytest.mark.parametrize("day, words", [
    ((TODAY + timedelta(days=2)).strftime("%d/%m/%Y"), "Tanggal tidak boleh di masa depan."),
    ("31/02/2026", "Tanggal 31/02/2026 tidak ada di kalender."),
    ("2000-01-01", "Tidak boleh sebelum tanggal masuk."),
])
def test_a_bad_move_date_is_refused_and_nothing_changes(app, client, world, day, words):
    with app.app_context():
        on_paper(world["budi"], "admission")
        db.session.commit()
    _log_in(client, "peksos")
    html = _move(client, world["budi"], "assessment", day=day).get_data(as_text=True)
    assert _flashed(html) == [words]
    with app.app_context():
        assert _state(world["budi"]) == ("admission", 1)


def test_the_heads_approval_of_a_kk_termination_is_a_recorded_move(app, client, login_as,
                                                                  world):
    with app.app_context():
        budi = db.session.get(Client, world["budi"])
        budi.stage = "case_conference"
        issue_register_number(budi)  # admitted on paper
        conference = CaseConference(date=TODAY - timedelta(days=2), kind="periodic_review",
                                    clients=[budi])
        db.session.add(conference)
        db.session.flush()
        decision = ConferenceDecision(conference_id=conference.id, client_id=budi.id,
                                      recommendation="termination",
                                      termination_reason="goals_achieved", approval="pending")
        db.session.add(decision)
        db.session.commit()
        decision_id = decision.id
    head = login_as("head")
    # The approvals page carries one form per decision; post it as the page would.
    response = client.post("/admin/conference/approve/", data={
        "csrf_token": csrf_token(client, "/admin/conference/terminations/"),
        "decision_id": decision_id, "approve": "1", "confirmed": "1",
        "seen_version": re.search(r'name="seen_version" value="([^"]*)"', client.get(
            "/admin/conference/terminations/").get_data(as_text=True)).group(1)})
    assert response.status_code == 302
    with app.app_context():
        budi = db.session.get(Client, world["budi"])
        assert (budi.stage, budi.termination_reason) == ("termination", "goals_achieved")
        last = lifecycle.timeline(budi.id)[-1]
        assert (last.from_stage, last.to_stage, last.reason, last.moved_by_id) == (
            "case_conference", "termination", "goals_achieved", head["user_id"])


def test_the_import_goes_through_the_same_moves(app, client, login_as, world):
    """A new client begins at stage 1, without a register number; a row that changes a
    stage is refused with the machine's words unless the move is one this user may make
    now."""
    login_as("admin")
    with app.app_context():
        joko = make_client("Joko Susilo", stage="admission", social_worker_id=world["mine"],
                           admission_date=TODAY - timedelta(days=5))
        db.session.commit()
        number = joko.register_number
    base = {"register_number": number, "full_name": "Joko Susilo", "sex": "L",
            "admission_date": TODAY - timedelta(days=5)}
    new = {"full_name": "Asep Saepudin", "sex": "L", "stage": "intervention"}
    rows = dry_run(client, roster([
        {**base, "stage": "resocialization"}, new,
        {**new, "stage": "approach", "register_number": "2026-0099"}]))
    assert rows[8] == ("reject", ["Tahap pelayanan: Dari tahap 2. Penerimaan & registrasi "
                                  "klien tidak dapat pindah ke tahap 8. Resosialisasi & "
                                  "penyaluran."])
    assert rows[9] == ("reject", ["Tahap pelayanan: Dari tahap 1. Pendekatan awal klien "
                                  "tidak dapat pindah ke tahap 6. Intervensi / bimbingan."])
    assert dry_run(client, roster([{**base, "stage": "assessment"}]))[8] == (
        "reject", ["Tahap pelayanan: Anda tidak berwenang memindahkan klien ini ke tahap 3. "
                   "Asesmen."])
    assert rows[10] == ("reject", ["Nomor induk 2026-0099 tidak ada di buku induk. Klien baru "
                                   "mendapat nomor induk saat penerimaan: kosongkan kolom "
                                   "ini."])
    html = client.post("/admin/client_import/", data={
        "csrf_token": csrf_token(client, "/admin/client_import/"),
        "file": (__import__("io").BytesIO(roster([{**new, "stage": "approach"}])),
                 "buku-induk.xlsx")},
        content_type="multipart/form-data").get_data(as_text=True)
    token = re.search(r'name="token" value="(\w+)"', html).group(1)
    assert client.post("/admin/client_import/confirm/", data={
        "csrf_token": csrf_token(client, "/admin/client_import/"), "token": token}
    ).status_code == 302
    with app.app_context():
        asep = db.session.scalar(select(Client).where(Client.full_name == "Asep Saepudin"))
        assert (asep.stage, asep.register_number) == ("approach", None)
        assert [(m.from_stage, m.to_stage) for m in lifecycle.timeline(asep.id)] == [
            (None, "approach")]


def test_the_command_goes_through_the_same_moves(app, world):
    """A candidate, without a register number yet, is named by its id (#12); the move to
    admission issues the number and says so."""
    from cli import move_client

    runner = app.test_cli_runner()
    budi = f"#{world['budi']}"
    refused = runner.invoke(move_client, [budi, "admission"])
    assert refused.exit_code == 1
    assert ("Belum dapat pindah ke tahap 2. Penerimaan & registrasi: Seleksi belum diterima "
            "pimpinan. Kamar/asrama belum ditentukan.") in refused.output
    with app.app_context():
        assert _state(world["budi"]) == ("approach", 1)
        db.session.get(Client, world["budi"]).room_id = world["room"]
        db.session.add(Selection(client_id=world["budi"], decision="accepted",
                                 decided_on=TODAY))
        db.session.add(ServiceContract(client_id=world["budi"], kind="preliminary",
                                       problem="p", goals="g", start_date=TODAY,
                                       end_date=TODAY, status="signed", signed_date=TODAY))
        db.session.commit()
    moved = runner.invoke(move_client, [budi, "admission", "--note", "Dari arsip kertas"])
    assert moved.exit_code == 0, moved.output
    with app.app_context():
        number = db.session.get(Client, world["budi"]).register_number
        last = lifecycle.timeline(world["budi"])[-1]
        assert (last.to_stage, last.actor, last.note) == (
            "admission", "flask move-client", "Dari arsip kertas")
    assert number == f"{(TODAY - timedelta(days=40)).year}-0001"
    assert moved.output.strip() == ("Budi Santoso kini pada tahap 2. Penerimaan & registrasi "
                                    f"dengan nomor induk {number}.")
    # Once numbered, by its number.
    assert runner.invoke(move_client, [number, "admission"]).output.strip().endswith(
        "Klien sudah berada pada tahap 2. Penerimaan & registrasi.")
    unknown = runner.invoke(move_client, ["9999-0001", "admission"])
    assert unknown.exit_code == 1 and "tidak ditemukan" in unknown.output


def test_migration_0012_gives_every_client_the_first_entry_of_its_timeline(tmp_path):
    """Over a database at 0011 (SQLite, or PostgreSQL when the suite runs there): each
    client's history begins with the stage it is in, from its admission date (or the day
    its record was made); a terminated client's entry keeps its reason. Down and up again."""
    from flask_migrate import downgrade
    from flask_migrate import upgrade as migrate_up
    from sqlalchemy import create_engine, text

    from app import create_app

    from .conftest import test_database_url

    url = test_database_url() or f"sqlite:///{tmp_path / 'm.db'}"
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS stages_check CASCADE"))
            conn.execute(text("CREATE SCHEMA stages_check"))
        url += ("&" if "?" in url else "?") + "options=-csearch_path%3Dstages_check"
        engine.dispose()
        engine = create_engine(url)
    migrated = create_app({"TESTING": True, "SECRET_KEY": "x",
                           "SQLALCHEMY_DATABASE_URI": url})
    made = "2026-03-04 10:00:00+00:00"
    rows = [(1, "2026-0001", "intervention", "2026-01-05", None, None),
            (2, "2026-0002", "approach", None, None, None),
            (3, "2026-0003", "termination", "2026-01-02", "2026-06-01", "own_will")]

    def moves() -> list[tuple]:
        with engine.connect() as conn:
            return [tuple(str(v) if v is not None else None for v in row)
                    for row in conn.execute(text(
                        "SELECT client_id, from_stage, to_stage, moved_on, reason, "
                        "moved_by_id FROM stage_move ORDER BY client_id"))]

    try:
        with migrated.app_context():
            migrate_up(revision="0011_decision_draft")
            with db.engine.begin() as conn:
                for row in rows:
                    conn.execute(text("INSERT INTO register_number (number, issued_at) "
                                      "VALUES (:n, :made)"), {"n": row[1], "made": made})
                    conn.execute(text(
                        "INSERT INTO client (id, register_number, full_name, sex, stage, "
                        "admission_date, termination_date, termination_reason, row_version, "
                        "created_at, updated_at) VALUES (:id, :n, 'Klien', 'L', :stage, "
                        ":admitted, :ended, :reason, 1, :made, :made)"),
                        dict(zip(("id", "n", "stage", "admitted", "ended", "reason"), row,
                                 strict=True), made=made))
            migrate_up(revision="0012_stage_moves")
            expected = [("1", None, "intervention", "2026-01-05", None, None),
                        ("2", None, "approach", "2026-03-04", None, None),
                        ("3", None, "termination", "2026-01-02", "own_will", None)]
            assert moves() == expected
            downgrade(revision="0011_decision_draft")
            migrate_up(revision="0012_stage_moves")
            assert moves() == expected
    finally:
        with migrated.app_context():
            db.engine.dispose()
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA stages_check CASCADE"))
        engine.dispose()


def test_migration_0018_keeps_every_number_and_checks_admitted_clients(tmp_path):
    """Over a database at 0017: every client keeps its number; after it a candidate may have
    none, an admitted client may not (the database refuses); down again, a candidate without
    a number gets CALON-<id>, recorded as issued."""
    from flask_migrate import downgrade
    from flask_migrate import upgrade as migrate_up
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import IntegrityError

    from app import create_app

    from .conftest import test_database_url

    url = test_database_url() or f"sqlite:///{tmp_path / 'm.db'}"
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS numbers_check CASCADE"))
            conn.execute(text("CREATE SCHEMA numbers_check"))
        url += ("&" if "?" in url else "?") + "options=-csearch_path%3Dnumbers_check"
        engine.dispose()
        engine = create_engine(url)
    migrated = create_app({"TESTING": True, "SECRET_KEY": "x",
                           "SQLALCHEMY_DATABASE_URI": url})
    made = "2026-03-04 10:00:00+00:00"
    insert_client = text(
        "INSERT INTO client (id, register_number, full_name, sex, stage, row_version, "
        "created_at, updated_at) VALUES (:id, :n, 'Klien', 'L', :stage, 1, :made, :made)")

    def numbers() -> list[tuple]:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(
                "SELECT id, register_number, stage FROM client ORDER BY id"))]

    try:
        with migrated.app_context():
            migrate_up(revision="0017_selection")
            with db.engine.begin() as conn:
                for client_id, number, stage in ((1, "2026-0001", "intervention"),
                                                 (2, "2026-0002", "approach")):
                    conn.execute(text("INSERT INTO register_number (number, issued_at) "
                                      "VALUES (:n, :made)"), {"n": number, "made": made})
                    conn.execute(insert_client, {"id": client_id, "n": number,
                                                 "stage": stage, "made": made})
            migrate_up(revision="0018_number_at_admission")
            assert numbers() == [(1, "2026-0001", "intervention"), (2, "2026-0002", "approach")]
            with db.engine.begin() as conn:
                conn.execute(insert_client, {"id": 3, "n": None, "stage": "approach",
                                             "made": made})
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(insert_client, {"id": 4, "n": None, "stage": "admission",
                                             "made": made})
            downgrade(revision="0017_selection")
            assert numbers()[2] == (3, "CALON-3", "approach")
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM register_number WHERE "
                                         "number = 'CALON-3'")).scalar() == 1
            migrate_up(revision="0018_number_at_admission")
            assert len(numbers()) == 3
    finally:
        with migrated.app_context():
            db.engine.dispose()
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA numbers_check CASCADE"))
        engine.dispose()


@pytest.mark.parametrize("data, words", [
    ({"target": "<script>alert(1)</script>"},
     "Dari tahap 2. Penerimaan & registrasi klien tidak dapat pindah ke tahap "
     "<script>alert(1)</script>."),
    ({"target": "termination", "reason": "' OR 1=1 --"},
     "Alasan ini tidak dapat dipakai untuk keluar dari tahap 2. Penerimaan & registrasi."),
    ({"target": "assessment", "note": "x" * 501},
     "Catatan paling banyak 500 karakter (terisi 501)."),
    ({"target": "assessment", "seen_version": "1.0"}, None),
])
def test_hostile_or_stale_values_on_the_move_page_change_nothing(app, client, world, data,
                                                                  words):
    with app.app_context():
        on_paper(world["budi"], "admission")
        db.session.commit()
    _log_in(client, "peksos")
    response = _move(client, world["budi"], **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script>alert(1)" not in html
    refused = _flashed(html)
    if words is not None:
        assert refused == [words]
    else:  # a move from an older reading of the client: someone changed it meanwhile
        assert refused and "sudah diubah" in refused[0], refused
    with app.app_context():
        assert _state(world["budi"]) == ("admission", 1)
