"""Every screen's list, create form and details open for the admin (a broken page fails)."""

import pytest

SCREENS = ["client", "contract", "conference", "training_class", "enrollment", "holiday",
           "training_session", "attendance", "guidance", "recreation", "partner", "staff",
           "room", "skill_type", "user"]
CASE_SCREENS = {"contract", "conference"}


@pytest.mark.parametrize("endpoint", SCREENS)
def test_list_and_create_form_open(client, login_as, endpoint):
    login_as("social_worker" if endpoint in CASE_SCREENS else "admin")
    listing = client.get(f"/admin/{endpoint}/")
    assert listing.status_code == 200
    assert "Tidak ada data." in listing.get_data(as_text=True) or "<table" in \
        listing.get_data(as_text=True)
    form = client.get(f"/admin/{endpoint}/new/")
    assert form.status_code == 200, form.get_data(as_text=True)[:2000]
    assert 'name="csrf_token"' in form.get_data(as_text=True)
