"""The A4 prints in Chromium's print emulation: each fits the width of an A4 page (794 px
at 96 dpi) without a horizontal scroll, and carries the client's register number and the
signature blocks."""

from __future__ import annotations

from datetime import timedelta

from models import (
    AidItem,
    CaseConference,
    CaseNote,
    EvaluationActivity,
    NetworkPartner,
    Referral,
    ServiceContract,
    Termination,
    WorkerEvaluation,
    db,
)
from services.dates import today as panti_today
from tests.conftest import PASSWORD, make_client, make_staff, make_user

A4_WIDTH = 794  # 210 mm at 96 dpi
# Long text, and a long unbroken token (a link pasted into a note) that must still wrap.
TOKEN = "NomorBerkasAsesmenKlienPantiSosialBinaKarya" * 4  # no break opportunity
LONG = (("Klien menceritakan perjalanannya dari terminal ke terminal selama bertahun-tahun; "
         "keluarganya di Indramayu belum pernah dihubungi sejak 2019. ") * 3 + TOKEN + " ") * 2


def _world() -> tuple[str, list[str]]:
    today = panti_today()
    head = make_user("head", "kepala")
    worker = make_staff("Siti Rahayu", employee_number="198805122010012001")
    person = make_client("Muhammad Abdurrahman Wahyudi Prawiranegara", stage="aftercare",
                         social_worker_id=worker.id,
                         admission_date=today - timedelta(days=200),
                         termination_date=today - timedelta(days=3),
                         termination_reason="goals_achieved")
    partner = NetworkPartner(name="Rumah Sakit Umum Daerah Kota Bandung Unit Rehabilitasi",
                             kind="health", address=LONG[:200])
    notes = [CaseNote(client_id=person.id, kind=kind, date=today - timedelta(days=5),
                      content=LONG, problem=TOKEN, result="Positif", next_step=TOKEN,
                      author_id=worker.id)
             for kind in ("interview", "progress", "assessment")]
    notes[2].aspect = "social"
    referral = Referral(client_id=person.id, partner=partner, social_worker_id=worker.id,
                        referred_on=today - timedelta(days=10), reason=LONG)
    termination = Termination(client_id=person.id, letter_date=today, statement=LONG,
                              aid_recipient=person.full_name, aid_handed_on=today,
                              aid_items=[AidItem(item="Mesin las listrik 900 watt lengkap "
                                                      "dengan kabel dan kedok", value=2_450_000)])
    evaluation = WorkerEvaluation(
        staff_id=worker.id, evaluator_id=head.staff_id, evaluated_on=today,
        period_start=today - timedelta(days=180), period_end=today,
        activities=[EvaluationActivity(activity=TOKEN, method=LONG, rating="good",
                                       recommendation=TOKEN)])
    contract = ServiceContract(client_id=person.id, kind="primary", problem=LONG, goals=LONG,
                               start_date=today - timedelta(days=150), end_date=today,
                               social_worker_id=worker.id)
    conference = CaseConference(date=today - timedelta(days=20), kind="periodic_review",
                                summary=LONG, decisions=LONG, clients=[person])
    db.session.add_all([partner, *notes, referral, termination, evaluation, contract,
                        conference])
    db.session.commit()
    month = f"{(today - timedelta(days=5)):%Y-%m}"
    return person.register_number, [
        f"/admin/case_note/interview/?id={notes[0].id}",
        f"/admin/case_note/progress-report/?client_id={person.id}&month={month}",
        f"/admin/case_note/problem-solving-report/?client_id={person.id}",
        f"/admin/case_note/assessment-report/?client_id={person.id}",
        f"/admin/referral/letter/?id={referral.id}",
        f"/admin/termination/letter/?id={termination.id}",
        f"/admin/worker_evaluation/print/?id={evaluation.id}",
        f"/admin/contract/print/?id={contract.id}",
        f"/admin/conference/minutes/?id={conference.id}",
        "/admin/case_note/blank/formulir-2/", "/admin/case_note/blank/formulir-3/",
        "/admin/case_note/blank/wawancara/", "/admin/worker_evaluation/blank/",
    ]


def test_every_print_fits_a4_and_carries_the_number_and_signatures(app, live_server,
                                                                  chromium):
    with app.app_context():
        number, urls = _world()
    context = chromium.new_context(viewport={"width": A4_WIDTH, "height": 1123})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server + "/login")
    page.fill("#username", "kepala")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/admin/")
    page.emulate_media(media="print")
    problems = []
    try:
        for url in urls:
            response = page.goto(live_server + url)
            if response is None or response.status != 200:
                problems.append(f"{url}: {response.status if response else 'nothing'}")
                continue
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > A4_WIDTH:
                problems.append(f"{url}: {width} px wide on A4")
            if page.locator("table.signatures").count() != 1:
                problems.append(f"{url}: no signature block")
            if "/blank/" not in url and "worker_evaluation" not in url and \
                    "minutes" not in url and \
                    number not in page.locator("body").inner_text():
                problems.append(f"{url}: no register number")
    finally:
        context.close()
    assert problems == []
