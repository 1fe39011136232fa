"""In Chromium: the enrollment's client picker follows the class chosen above it (the form
sends the class with each search, static/js/pickers.js), and a name in a list opens the
record."""

from __future__ import annotations

import re
from datetime import date

from models import Enrollment, db
from tests.conftest import make_class, make_client, make_user

from .test_browser import _logged_in


def test_the_enrollment_picker_offers_who_the_chosen_class_accepts(app, live_server, chromium):
    with app.app_context():
        make_user("admin")
        sewing, welding = make_class("Menjahit A"), make_class("Las Dasar", weekdays="246")
        ani = make_client("Ani Klien")
        make_client("Bayu Klien", stage="case_conference")
        make_client("Cici Klien", stage="assessment")
        db.session.add(Enrollment(training_class=sewing, client=ani,
                                  enrolled_on=date(2026, 1, 5)))
        db.session.commit()
        ids = {"sewing": sewing.id, "welding": welding.id, "ani": ani.id}
    errors: list[str] = []
    browser, page = _logged_in(chromium, live_server, "admin", errors)

    def offer(class_id: int) -> list[str]:
        page.goto(live_server + "/admin/enrollment/new/")
        page.evaluate("id => jQuery('#training_class').val(String(id)).trigger('change')",
                      class_id)
        page.locator("#s2id_client").click()
        page.keyboard.type("Klien")
        page.wait_for_selector(".select2-result-label")
        return sorted(page.locator(".select2-result-label").all_inner_texts())

    def names(class_id: int) -> set[str]:
        shown = " ".join(offer(class_id))
        return {name for name in ("Ani", "Bayu", "Cici") if f"{name} Klien" in shown}

    assert names(ids["sewing"]) == {"Bayu"}  # Ani is in it already, Cici not in stage
    assert names(ids["welding"]) == {"Ani", "Bayu"}

    # The list's name opens the record.
    page.goto(live_server + "/admin/client/")
    page.click("a[data-testid=details-link]:has-text('Ani Klien')")
    page.wait_for_url(re.compile(rf"/admin/client/details/\?id={ids['ani']}&"))
    assert page.locator("[data-testid=breadcrumbs]").inner_text().split("\n")[0] \
        .startswith("Beranda")
    browser.close()
    assert errors == []
