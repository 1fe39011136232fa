"""Password rules: length, the shipped common-password list, the username."""

from __future__ import annotations

import pytest

from services.accounts import (
    COMMON_PASSWORDS,
    AccountError,
    common_passwords,
    create_account,
    password_problem,
)

COMMON = "Kata sandi ini terlalu umum dan mudah ditebak. Pilih kata sandi lain."


@pytest.mark.parametrize("password, username, problem", [
    ("password123", None, COMMON),
    ("Indonesia123", None, COMMON),  # the list is compared case-insensitively
    ("  bismillah123 ", None, COMMON),
    ("1234567890", None, COMMON),
    ("aaaaaaaaaaaa", None, COMMON),
    ("zzzzzzzzzzzzzzz", None, COMMON),  # any single repeated character
    ("siti.rahayu-2026!", "siti.rahayu", "Kata sandi tidak boleh memuat nama pengguna."),
    ("Kopi-SITI-pagi-2026", "siti", "Kata sandi tidak boleh memuat nama pengguna."),
    ("123456789", None, "Kata sandi minimal 10 karakter."),
    ("x" * 64 + "y" * 65, None, "Kata sandi maksimal 128 karakter."),
    ("Kopi-tubruk-di-teras-pagi", "siti", None),
    ("ab" * 64, None, None),  # 128 characters: the longest allowed
])
def test_password_problem(app, password, username, problem):
    with app.test_request_context():
        assert password_problem(password, username) == problem


def test_the_shipped_list_is_clean():
    lines = [line for line in COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert len(lines) > 1000
    assert len(lines) == len(set(lines)), "no duplicates"
    assert all(len(line) >= 10 and line == line.lower() == line.strip() for line in lines)
    assert common_passwords() == frozenset(lines)


def test_create_account_refuses_a_common_password(app):
    with app.test_request_context(), pytest.raises(AccountError, match="terlalu umum"):
        create_account("rina", "staff", "qwerty12345")
