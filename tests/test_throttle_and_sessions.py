"""The login throttle holds on every page that checks a password, under parallel guesses too;
an expired session ends only itself."""

from __future__ import annotations

import re
import threading
from html import unescape

from sqlalchemy import select

from models import AuditEntry, User, db
from tests.conftest import PASSWORD, csrf_token, make_user, post_form

NEW = "Sandi-Baru-Yang-Panjang-42"
WRONG = "tebakan-salah-000"


def _login(client, username, password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client, "/login")})


def _password_page_errors(response, field: str) -> list[str]:
    """The messages under ``field`` on the password page."""
    for group in response.get_data(as_text=True).split('<div class="form-group">')[1:]:
        if f'for="{field}"' in group:
            return [unescape(m) for m in
                    re.findall(r'<div class="invalid-feedback">(.*?)</div>', group)]
    raise AssertionError(f"no field {field}")


def _actions() -> list[str]:
    """The login-related audit entries, oldest first."""
    return db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("login%"))
                              .order_by(AuditEntry.id)).all()


def test_wrong_current_passwords_on_the_password_page_are_throttled(app, client):
    with app.app_context():
        make_user("social_worker", "siti")
    assert _login(client, "siti").status_code == 302
    for _ in range(5):
        page = post_form(client, "/password", {"current": WRONG, "new": NEW, "confirm": NEW})
        assert _password_page_errors(page, "current") == [
            "Kata sandi sekarang salah."]
    # The sixth try is not checked at all, even with the right password.
    held = post_form(client, "/password", {"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert held.status_code == 429
    message = _password_page_errors(held, "current")[0]
    assert message.startswith("Terlalu banyak percobaan masuk yang gagal. Coba lagi setelah")
    with app.app_context():
        assert db.session.scalar(select(User)).check_password(PASSWORD)  # unchanged
        assert _actions().count("login_failed") == 5
    # The same count holds the login page: the guesses were made on one account.
    assert _login(app.test_client(), "siti").status_code == 429


def test_a_right_current_password_is_not_counted_as_a_failure(app, client):
    with app.app_context():
        make_user("social_worker", "siti")
    _login(client, "siti")
    page = post_form(client, "/password", {"current": PASSWORD, "new": "pendek",
                                           "confirm": "pendek"})
    assert _password_page_errors(page, "new") == [
        "Kata sandi minimal 10 karakter."]
    post_form(client, "/password", {"current": PASSWORD, "new": NEW, "confirm": NEW})
    with app.app_context():
        assert db.session.scalar(select(User)).check_password(NEW)
        assert "login_failed" not in _actions()


def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(app, monkeypatch):
    from auth import views

    with app.app_context():
        make_user("admin")
    checks = []
    real_check = views.check_password_hash

    def slow_check(hashed, password):
        checks.append(password)  # list.append is atomic: a thread-safe count
        threading.Event().wait(0.05)  # a slow hash widens the window a race needs
        return real_check(hashed, password)

    monkeypatch.setattr(views, "check_password_hash", slow_check)
    guessers = 12
    clients = [app.test_client() for _ in range(guessers)]
    tokens = [csrf_token(c, "/login") for c in clients]
    start = threading.Barrier(guessers)
    statuses: list[int] = []

    def guess(browser, token):
        start.wait()
        response = browser.post("/login", data={
            "username": "admin", "password": WRONG, "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=pair)
               for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [200] * 5 + [429] * (guessers - 5)
    assert len(checks) == 5
    with app.app_context():
        actions = _actions()
        assert actions.count("login_failed") == 5
        assert actions.count("login_blocked") == guessers - 5


def test_a_successful_login_is_recorded_once_as_a_login(app, client):
    with app.app_context():
        make_user("admin")
    _login(client, "admin", WRONG)
    _login(client, "admin")
    with app.app_context():
        assert _actions() == ["login_failed", "login"]


def test_an_idle_expired_cookie_ends_only_its_own_session(app, client, monkeypatch):
    from auth import sessions

    with app.app_context():
        make_user("admin")
    now = sessions.time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: now)
    _login(client, "admin")  # a browser left open at the office
    monkeypatch.setattr(sessions.time, "time", lambda: now + 25 * 60)
    laptop = app.test_client()
    _login(laptop, "admin")  # the same person, working on another computer
    monkeypatch.setattr(sessions.time, "time", lambda: now + 31 * 60)
    stale = client.get("/admin/client/")
    assert stale.status_code == 302 and stale.headers["Location"].startswith("/login")
    assert "Sesi Anda berakhir" in client.get(stale.headers["Location"]).get_data(as_text=True)
    live = laptop.get("/admin/client/")
    assert live.status_code == 200
