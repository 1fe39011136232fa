"""ATENSI: every service carries one of the seven components, and the monthly report's
ATENSI sheet counts the clients each component reached, by sex, as a hand count does."""

from __future__ import annotations

import io
from datetime import date, time

from openpyxl import load_workbook

from models import (
    AidItem,
    Attendance,
    Enrollment,
    GuidanceSchedule,
    NetworkPartner,
    PlanGoal,
    RecreationActivity,
    Referral,
    ServicePlan,
    Termination,
    TrainingSession,
    db,
)

from .conftest import make_class, make_client


def test_the_atensi_sheet_counts_the_clients_each_component_reached(app, client, login_as):
    with app.app_context():
        ahmad = make_client("Ahmad Yani", sex="L", stage="intervention",
                            admission_date=date(2025, 10, 1))
        siti = make_client("Siti Aminah", sex="P", stage="intervention",
                           admission_date=date(2025, 11, 1))
        cahya = make_client("Cahya Nugraha", sex="L", stage="aftercare",
                            admission_date=date(2025, 5, 1), termination_date=date(2026, 1, 20),
                            termination_reason="goals_achieved")
        make_client("Dewi Calon", sex="P", stage="approach")  # a candidate: nothing
        klass = make_class("Las A")  # its skill: vocational by default
        session = TrainingSession(class_id=klass.id, date=date(2026, 2, 10),
                                  start_time=time(8), end_time=time(11))
        family = GuidanceSchedule(guidance_type="family_life", title="Hidup berkeluarga",
                                  weekday=3, start_time=time(9), end_time=time(10))
        outing = RecreationActivity(kind="angklung", title="Angklung", date=date(2026, 2, 12),
                                    start_time=time(15), end_time=time(16))
        partner = NetworkPartner(name="Disdukcapil", kind="government")
        db.session.add_all([session, family, outing, partner,
                            Enrollment(class_id=klass.id, client_id=ahmad.id,
                                       enrolled_on=date(2026, 1, 5)),
                            Enrollment(class_id=klass.id, client_id=siti.id,
                                       enrolled_on=date(2026, 1, 5))])
        db.session.flush()
        assert family.atensi == "family"  # a family-life schedule serves family support
        db.session.add_all([
            Attendance(session_id=session.id, client_id=ahmad.id, code="H"),
            Attendance(session_id=session.id, client_id=siti.id, code="A"),  # absent
            Attendance(guidance_id=family.id, guidance_date=date(2026, 2, 11),
                       client_id=siti.id, code="H"),
            Attendance(activity_id=outing.id, client_id=ahmad.id, code="H"),
            Attendance(activity_id=outing.id, client_id=siti.id, code="H"),
            ServicePlan(client_id=ahmad.id, problems="p", goals=[
                PlanGoal(goal="Tinggal bersama keluarga", owner="client", atensi="care",
                         planned_start=date(2026, 1, 1), planned_end=date(2026, 3, 31))]),
            ServicePlan(client_id=siti.id, problems="p", goals=[
                PlanGoal(goal="Tanpa komponen", owner="client")]),
            Referral(client_id=siti.id, partner=partner, referred_on=date(2026, 2, 5),
                     reason="KTP", atensi="accessibility"),
            Referral(client_id=ahmad.id, partner=partner, referred_on=date(2026, 1, 5),
                     reason="KK", atensi="accessibility"),  # January: not this month
            Termination(client_id=cahya.id, aid_handed_on=date(2026, 2, 3),
                        aid_recipient="Cahya", aid_items=[AidItem(item="Mesin las")]),
        ])
        db.session.commit()
    login_as("head")
    response = client.get("/admin/export/download/monthly/?month=2026-02")
    sheet = load_workbook(io.BytesIO(response.data))["ATENSI"]
    rows = {row[0]: tuple(row[1:4]) for row in sheet.iter_rows(values_only=True)
            if row[0] and str(row[0])[:1].isdigit()}
    assert rows == {
        "1. Dukungan pemenuhan kebutuhan hidup layak": (1, 1, 2),  # Ahmad, Siti in the panti
        "2. Perawatan sosial dan/atau pengasuhan": (1, 0, 1),  # Ahmad's goal
        "3. Dukungan keluarga": (0, 1, 1),  # Siti at family-life guidance
        "4. Terapi fisik, psikososial dan mental spiritual": (1, 1, 2),  # the angklung
        "5. Pelatihan vokasional dan/atau pembinaan kewirausahaan": (2, 0, 2),  # Ahmad, Cahya
        "6. Bantuan sosial dan asistensi sosial": (0, 0, 0),
        "7. Dukungan aksesibilitas": (0, 1, 1),  # Siti's referral for an ID card
    }


def test_the_dashboard_shows_this_months_atensi_counts_as_the_report_does(app, client,
                                                                          login_as):
    """The Dasbor's ATENSI table is the monthly report's count for the month so far."""
    import re

    from services.dates import today as panti_today
    from services.exports.monthly import atensi_served

    with app.app_context():
        make_client("Ahmad Yani", sex="L", stage="intervention",
                    admission_date=date(2025, 10, 1))
        make_client("Siti Aminah", sex="P", stage="intervention",
                    admission_date=date(2025, 11, 1))
        db.session.commit()
        today = panti_today()
        expected = atensi_served(today.replace(day=1), today)
    assert expected["basic_needs"] == {"L": 1, "P": 1}
    login_as("head")
    html = client.get("/admin/dashboard/").get_data(as_text=True)
    table = html.split('data-testid="atensi-table"', 1)[1].split("</table>", 1)[0]
    shown = {code: {sex: int(n) for sex, n in re.findall(
        r'data-col="([LP])">(\d+)<', row)} for code, row in re.findall(
        r'<tr data-component="(\w+)">(.*?)</tr>', table, re.S)}
    assert shown == expected
