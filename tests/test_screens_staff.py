"""Staff and their login accounts through the real forms; a password is set, never shown."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models import Staff, User, db
from tests.case_data import Case, create_list_edit_delete, screen, screens
from tests.conftest import make_staff, post_form
from tests.pages import assert_redirected, details, list_rows, page

NEW_PASSWORD = "sandi-baru-rina-2026"


@screen("staff")
def staff_case(_who) -> Case:
    create = {
        "employee_number": "198501012010011001",
        "name": "Rina Marlina",
        "position": "instructor",
        "phone": "081298765432",
        "is_core_member": "y",
        "active": "y",
    }
    stored = {
        "employee_number": "198501012010011001",
        "name": "Rina Marlina",
        "position": "instructor",
        "phone": "081298765432",
        "is_core_member": True,
        "active": True,
    }
    edit = {key: value for key, value in create.items() if key != "is_core_member"}
    edit["position"] = "social_worker"
    return Case(
        model=Staff,
        create=create,
        stored=stored,
        listed={
            "employee_number": "198501012010011001",
            "name": "Rina Marlina",
            "position": "Instruktur",
            "phone": "081298765432",
            "is_core_member": "Ya",
            "active": "Ya",
        },
        shown={"NIP / nomor pegawai": "198501012010011001", "Jabatan": "Instruktur",
               "Anggota inti KK": "Ya"},
        edit=edit,
        edited={**stored, "position": "social_worker", "is_core_member": False},
        edited_listed={"position": "Pekerja sosial", "is_core_member": "Tidak"},
    )


@screen("user")
def user_case(_who) -> Case:
    rina = make_staff("Rina Marlina", "instructor")
    create = {
        "username": "rina.m",
        "role": "instructor",
        "staff": str(rina.id),
        "email": " rina.marlina@dinsos.go.id ",
        "is_active_account": "y",
        "must_change_password": "y",
        "new_password": NEW_PASSWORD,
    }
    stored = {
        "username": "rina.m",
        "role": "instructor",
        "staff_id": rina.id,
        "email": "rina.marlina@dinsos.go.id",
        "is_active_account": True,
        "must_change_password": True,
        "last_login_at": None,
    }
    # Leaving the password empty on edit keeps it.
    # The admin gives only roles without case content (test_nested_scope has the others).
    edit = {"username": "rina.m", "role": "staff", "staff": str(rina.id), "email": "",
            "is_active_account": "y", "new_password": ""}
    return Case(
        model=User,
        create=create,
        stored=stored,
        listed={
            "username": "rina.m",
            "role": "Instruktur",
            "staff": "Rina Marlina (Instruktur)",
            "email": "rina.marlina@dinsos.go.id",
            "is_active_account": "Ya",
            "must_change_password": "Ya",
            "last_login_at": "",
        },
        shown={"Nama pengguna": "rina.m", "Peran": "Instruktur",
               "E-mail": "rina.marlina@dinsos.go.id", "Wajib ganti kata sandi": "Ya"},
        edit=edit,
        # An emptied address is stored as none (no digest), not as an empty string.
        edited={**stored, "role": "staff", "email": None, "must_change_password": False},
        edited_listed={"role": "Staf", "email": "", "must_change_password": "Tidak"},
    )


@pytest.mark.parametrize("build", screens(staff_case, user_case))
def test_create_list_edit_delete_through_the_forms(app, client, login_as, build):
    create_list_edit_delete(app, client, login_as, build)


# --- user accounts: the password is set, never shown ---------------------------------------


def _create_rina(app, client) -> tuple[int, str]:
    with app.app_context():
        rina_id = make_staff("Rina Marlina", "instructor").id
        db.session.commit()
    response = post_form(client, "/admin/user/new/", {
        "username": "rina.m", "role": "instructor", "staff": str(rina_id),
        "is_active_account": "y", "new_password": NEW_PASSWORD,
    })
    assert_redirected(response, "/admin/user/")
    with app.app_context():
        user = db.session.scalars(select(User).filter_by(username="rina.m")).one()
        return user.id, user.password_hash


def test_user_created_through_the_form_can_log_in(app, client, login_as):
    login_as("admin")
    user_id, password_hash = _create_rina(app, client)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.check_password(NEW_PASSWORD)
        assert not user.check_password("kata-sandi-lain-123")
        assert password_hash != NEW_PASSWORD
    browser = app.test_client()
    response = post_form(browser, "/login", {"username": "rina.m", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert "rina.m" in page(browser, "/admin/")


def test_user_password_hash_is_never_shown(app, client, login_as):
    admin = login_as("admin")
    user_id, password_hash = _create_rina(app, client)
    for url in ("/admin/user/", f"/admin/user/details/?id={user_id}",
                f"/admin/user/edit/?id={user_id}", f"/admin/user/details/?id={admin['user_id']}",
                f"/admin/user/edit/?id={admin['user_id']}", "/admin/user/new/"):
        html = page(client, url)
        assert "scrypt:" not in html, url
        assert password_hash not in html, url
        assert "password_hash" not in html, url
    edit_form = page(client, f"/admin/user/edit/?id={user_id}")
    password_input = re.search(r'<input[^>]*\bname="new_password"[^>]*>', edit_form).group(0)
    assert 'value=""' in password_input or "value=" not in password_input


def test_user_list_shows_the_time_of_the_last_login(client, login_as):
    """A last login is a moment: the list shows its date and time (dd/mm/yyyy HH:MM)."""
    admin = login_as("admin")
    listed = list_rows(client, "/admin/user/")[admin["user_id"]]["last_login_at"]
    shown = details(client, f"/admin/user/details/?id={admin['user_id']}")["Terakhir masuk"]
    for where, text in (("list", listed), ("details", shown)):
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", text), (
            f"last login shown on the {where} page as {text!r}"
        )


def test_user_edit_with_empty_password_keeps_it_and_a_new_one_replaces_it(app, client,
                                                                           login_as):
    login_as("admin")
    user_id, old_hash = _create_rina(app, client)
    with app.app_context():
        staff_id = db.session.get(User, user_id).staff_id
    form = {"username": "rina.m", "role": "instructor", "staff": str(staff_id),
            "is_active_account": "y"}
    url = f"/admin/user/edit/?id={user_id}"
    assert_redirected(post_form(client, url, {**form, "new_password": ""}), "/admin/user/")
    with app.app_context():
        assert db.session.get(User, user_id).password_hash == old_hash
    replaced = "sandi-pengganti-2026"
    assert_redirected(post_form(client, url, {**form, "new_password": replaced}),
                      "/admin/user/")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.check_password(replaced)
        assert not user.check_password(NEW_PASSWORD)
