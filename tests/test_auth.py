"""Login, logout and the login requirement on every page."""

from __future__ import annotations

import pytest

from models import User, db

from .conftest import PASSWORD, csrf_token, make_user, post_form


def test_every_admin_page_requires_login(app, client):
    """Every GET route of the app, Flask-Admin's included, sends a visitor to the login page."""
    public = {"auth.login", "static", "admin.static", "root", "favicon"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in public or "GET" not in rule.methods:
            continue
        url = rule.rule.replace("<export_type>", "csv").replace("<path:filename>", "x.jpg")
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
        checked += 1
    assert checked > 60  # the admin's list/new/edit/details/ajax routes are all there


def test_post_routes_refuse_a_visitor_and_change_nothing(app, client):
    with app.app_context():
        make_user("admin")
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "auth.login":
            continue
        response = client.post(rule.rule, data={"id": "1"})
        assert response.status_code in (302, 403), rule.rule
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_login_with_good_password_lands_on_dashboard(app, client):
    with app.app_context():
        make_user("admin")
    response = post_form(client, "/login", {"username": "ADMIN ", "password": PASSWORD},
                         follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Selamat datang" in html
    assert "admin · Tata usaha (admin)" in html
    with app.app_context():
        assert db.session.query(User).one().last_login_at is not None


@pytest.mark.parametrize("username, password", [("admin", "salah-sandi-123"),
                                                ("tidakada", PASSWORD)])
def test_failed_login_says_so_without_telling_which_part(app, client, username, password):
    with app.app_context():
        make_user("admin")
    html = post_form(client, "/login", {"username": username, "password": password}
                     ).get_data(as_text=True)
    assert "Nama pengguna atau kata sandi salah." in html
    assert client.get("/admin/").status_code == 302


def test_inactive_account_cannot_log_in(app, client):
    with app.app_context():
        user = make_user("admin")
        user.is_active_account = False
        db.session.commit()
    html = post_form(client, "/login", {"username": "admin", "password": PASSWORD}
                     ).get_data(as_text=True)
    assert "Nama pengguna atau kata sandi salah." in html


def test_login_without_csrf_token_is_refused(app, client):
    with app.app_context():
        make_user("admin")
    html = client.post("/login", data={"username": "admin", "password": PASSWORD}
                       ).get_data(as_text=True)
    assert "Formulir kedaluwarsa" in html
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/admin/client/", "/admin/client/"),
    ("//evil.example/", "/admin/"),
    ("https://evil.example/", "/admin/"),
    ("javascript:alert(1)", "/admin/"),
    ("/\\evil.example", "/admin/"),
])
def test_next_only_goes_to_local_paths(app, client, target, expected):
    with app.app_context():
        make_user("admin")
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"csrf_token": token, "username": "admin",
                                           "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_logout_needs_post_with_token(app, client, login_as):
    login_as("admin")
    assert client.get("/logout").status_code == 405
    client.post("/logout", data={})  # no token: refused, still logged in
    assert client.get("/admin/").status_code == 200
    token = csrf_token(client, "/admin/")
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=True)
    assert "Anda telah keluar." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("role, visible, hidden", [
    ("admin", ["Buku induk klien", "Akun pengguna", "Kelas keterampilan"], ["Kontrak pelayanan"]),
    ("social_worker", ["Buku induk klien", "Kontrak pelayanan", "Konferensi kasus"],
     ["Akun pengguna", "Kelas keterampilan"]),
    ("instructor", ["Kelas keterampilan", "Kehadiran"],
     ["Buku induk klien", "Akun pengguna", "Kontrak pelayanan"]),
])
def test_menu_shows_each_role_its_screens(client, login_as, role, visible, hidden):
    login_as(role)
    html = client.get("/admin/").get_data(as_text=True)
    for name in visible:
        assert name in html
    for name in hidden:
        assert name not in html


@pytest.mark.parametrize("role, url", [
    ("instructor", "/admin/client/"),
    ("instructor", "/admin/user/"),
    ("social_worker", "/admin/user/new/"),
    ("staff", "/admin/contract/"),
    ("admin", "/admin/contract/"),
])
def test_wrong_role_gets_403(client, login_as, role, url):
    login_as(role)
    assert client.get(url).status_code == 403
