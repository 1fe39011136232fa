"""Sessions, throttling, forced password change, CSRF and redirects: the console resists abuse."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Client, User, db
from tests.conftest import PASSWORD, csrf_token, make_client, make_user, post_form

NEW = "Sandi-Baru-Yang-Panjang-42"


def _login(client, username, password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client, "/login")})


def _logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def _copy_session(source, target):
    """Put ``source``'s session cookie into ``target`` (a stolen/copied cookie)."""
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


def test_login_starts_a_new_session(app, client):
    with app.app_context():
        make_user("admin")
    client.get("/login")
    before = client.get_cookie("session").value
    assert _login(client, "admin").status_code == 302
    assert client.get_cookie("session").value != before


def test_a_copied_cookie_stops_working_after_logout(app, client):
    with app.app_context():
        make_user("admin")
    _login(client, "admin")
    thief = app.test_client()
    _copy_session(client, thief)
    assert _logged_in(thief)  # the copy works while the session lives
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    response = thief.get("/admin/client/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_changing_the_password_ends_other_sessions_but_not_this_one(app, client):
    with app.app_context():
        make_user("social_worker", "siti")
    _login(client, "siti")
    other = app.test_client()
    _login(other, "siti")
    response = post_form(client, "/password", {"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert _logged_in(client)
    assert not _logged_in(other)
    assert _login(other, "siti", PASSWORD).status_code == 200  # old password refused
    assert _login(other, "siti", NEW).status_code == 302


@pytest.mark.parametrize("new, field, message", [
    ("pendek", "new", "Kata sandi minimal 10 karakter."),
    ("password123", "new", "Kata sandi ini terlalu umum dan mudah ditebak. Pilih kata sandi "
                           "lain."),
    ("siti-rahasia-2026", "new", "Kata sandi tidak boleh memuat nama pengguna."),
])
def test_a_weak_new_password_is_refused_with_its_reason(app, client, new, field, message):
    with app.app_context():
        make_user("social_worker", "siti")
    _login(client, "siti")
    html = post_form(client, "/password", {"current": PASSWORD, "new": new,
                                           "confirm": new}).get_data(as_text=True)
    assert message in html.replace("&#39;", "'")
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "siti")) \
            .check_password(PASSWORD)


def test_wrong_current_password_or_mismatch_is_refused(app, client):
    with app.app_context():
        make_user("staff", "rina")
    _login(client, "rina")
    html = post_form(client, "/password", {"current": "salah-sekali-123", "new": NEW,
                                           "confirm": NEW}).get_data(as_text=True)
    assert "Kata sandi sekarang salah." in html
    html = post_form(client, "/password", {"current": PASSWORD, "new": NEW,
                                           "confirm": NEW + "x"}).get_data(as_text=True)
    assert "Kedua kata sandi baru tidak sama." in html


def test_forced_password_change_comes_first(app, client):
    with app.app_context():
        user = make_user("admin")
        user.must_change_password = True
        db.session.commit()
    response = _login(client, "admin")
    assert response.headers["Location"] == "/password"
    response = client.get("/admin/client/")
    assert response.status_code == 302 and response.headers["Location"] == "/password"
    post_form(client, "/password", {"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert client.get("/admin/client/").status_code == 200
    with app.app_context():
        assert not db.session.scalar(select(User)).must_change_password


def test_idle_timeout_and_absolute_lifetime(app, client, monkeypatch):
    from auth import sessions

    with app.app_context():
        make_user("admin")
    _login(client, "admin")
    now = sessions.time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: now + 29 * 60)
    assert _logged_in(client)  # 29 idle minutes: still in (and the clock restarts)
    monkeypatch.setattr(sessions.time, "time", lambda: now + 29 * 60 + 31 * 60)
    response = client.get("/admin/client/?page=1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/client/")
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sesi Anda berakhir karena terlalu lama tidak aktif" in login_page

    # Active all day long: the session still ends after its lifetime (8 hours by default).
    monkeypatch.setattr(sessions.time, "time", lambda: now)
    _login(client, "admin")
    for minutes in range(20, 8 * 60, 20):
        monkeypatch.setattr(sessions.time, "time", lambda m=minutes: now + m * 60)
        assert _logged_in(client), minutes
    monkeypatch.setattr(sessions.time, "time", lambda: now + 8 * 3600 + 60)
    assert not _logged_in(client)


def test_activity_is_noted_to_the_minute_without_a_new_cookie_in_between(app, client,
                                                                         monkeypatch):
    from auth import sessions

    with app.app_context():
        make_user("admin")
    _login(client, "admin")
    now = sessions.time.time()
    client.get("/admin/client/")  # the first page keeps its forms' CSRF secret
    monkeypatch.setattr(sessions.time, "time", lambda: now + 20)
    assert "Set-Cookie" not in client.get("/admin/client/").headers  # same minute
    monkeypatch.setattr(sessions.time, "time", lambda: now + 61)
    assert "Set-Cookie" in client.get("/admin/client/").headers  # a minute on: noted
    # Idle is counted from that note: 29 minutes later still in, 31 later out.
    monkeypatch.setattr(sessions.time, "time", lambda: now + 61 + 29 * 60)
    assert _logged_in(client)
    monkeypatch.setattr(sessions.time, "time", lambda: now + 61 + 29 * 60 + 31 * 60)
    assert not _logged_in(client)


def test_a_deactivated_account_is_logged_out_at_once(app, client):
    with app.app_context():
        make_user("staff", "rina")
    _login(client, "rina")
    with app.app_context():
        db.session.scalar(select(User)).is_active_account = False
        db.session.commit()
    assert not _logged_in(client)
    assert _login(client, "rina").status_code == 200


def test_throttle_holds_an_account_after_five_failures(app, client):
    with app.app_context():
        make_user("admin")
    for _ in range(5):
        assert _login(client, "admin", "tebakan-salah-000").status_code == 200
    response = _login(client, "admin")  # even the right password is held now
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in response.get_data(as_text=True)
    assert not _logged_in(client)
    other = app.test_client()  # another browser, same account: held too (kept in the db)
    assert _login(other, "admin").status_code == 429
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert actions.count("login_failed") == 5 and actions.count("login_blocked") == 2


def test_throttle_lifts_after_the_window(app, client):
    from datetime import timedelta

    with app.app_context():
        make_user("admin")
    for _ in range(5):
        _login(client, "admin", "tebakan-salah-000")
    with app.app_context():
        for entry in db.session.scalars(select(AuditEntry)):
            entry.at = entry.at - timedelta(minutes=16)
        db.session.commit()
    assert _login(client, "admin").status_code == 302


def test_throttle_per_address_across_accounts(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_IP", 6)
    with app.app_context():
        make_user("admin")
    for name in ("ana", "bayu", "citra", "dodi", "eka", "fajar"):
        _login(client, name, "tebakan-salah-000")
    assert _login(client, "admin").status_code == 429
    other_address = app.test_client()
    response = other_address.post("/login", environ_base={"REMOTE_ADDR": "10.0.0.9"}, data={
        "username": "admin", "password": PASSWORD,
        "csrf_token": csrf_token(other_address, "/login")})
    assert response.status_code == 302


def test_a_successful_login_resets_the_account_count(app, client):
    with app.app_context():
        make_user("admin")
    for _ in range(4):
        _login(client, "admin", "tebakan-salah-000")
    assert _login(client, "admin").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    for _ in range(4):
        _login(client, "admin", "tebakan-salah-000")
    assert _login(client, "admin").status_code == 302


# --- CSRF: every state-changing route refuses a missing or wrong token ----------------------

def _post_without_token(client, url, data, token):
    payload = dict(data)
    if token is not None:
        payload["csrf_token"] = token
    return client.post(url, data=payload)


@pytest.mark.parametrize("token", [None, "palsu-123"])
def test_model_forms_refuse_a_missing_or_wrong_csrf_token(app, client, login_as, token):
    login_as("admin")
    with app.app_context():
        budi = make_client("Budi Santoso")
        db.session.commit()
        budi_id = budi.id
    create = {"full_name": "Ani Lestari", "sex": "P", "stage": "admission",
              "admission_date": "2026-01-05"}
    _post_without_token(client, "/admin/client/new/", create, token)
    _post_without_token(client, f"/admin/client/edit/?id={budi_id}",
                        {**create, "full_name": "Diubah"}, token)
    _post_without_token(client, "/admin/client/delete/", {"id": budi_id}, token)
    _post_without_token(client, "/admin/client/action/",
                        {"action": "delete", "rowid": budi_id}, token)
    with app.app_context():
        names = db.session.scalars(select(Client.full_name)).all()
        assert names == ["Budi Santoso"]


@pytest.mark.parametrize("token", [None, "palsu-123"])
def test_login_logout_and_password_refuse_a_bad_csrf_token(app, client, login_as, token):
    with app.app_context():
        make_user("admin")
    response = _post_without_token(client, "/login",
                                   {"username": "admin", "password": PASSWORD}, token)
    assert response.status_code == 200 and not _logged_in(client)
    _login(client, "admin")
    _post_without_token(client, "/logout", {}, token)
    assert _logged_in(client)
    _post_without_token(client, "/password",
                        {"current": PASSWORD, "new": NEW, "confirm": NEW}, token)
    with app.app_context():
        assert db.session.scalar(select(User)).check_password(PASSWORD)


# --- redirects ----------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "javascript:alert(1)", "/\\evil.example",
    "\\\\evil.example", "/\r\nLocation: http://evil.example", "http:/evil.example",
])
def test_login_next_only_goes_to_local_paths(app, client, target):
    with app.app_context():
        make_user("admin")
    page = client.get("/login", query_string={"next": target})
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      page.get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                           "next": target, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/x",
                                    "javascript:alert(1)"])
def test_admin_url_parameter_does_not_redirect_off_site(app, client, login_as, target):
    login_as("admin")
    with app.app_context():
        budi = make_client("Budi Santoso")
        db.session.commit()
        budi_id = budi.id
    response = client.post("/admin/client/delete/", query_string={"url": target}, data={
        "id": budi_id, "csrf_token": csrf_token(client, "/admin/client/"), "url": target})
    location = response.headers.get("Location", "")
    assert "evil.example" not in location and not location.startswith("javascript")


def test_refusals_do_not_leak_and_are_counted_once(app, client, login_as):
    login_as("instructor")
    response = client.get("/admin/client/details/?id=1")
    assert response.status_code == 403
    assert "Anda tidak berhak" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "denied")) == 1
