"""Creating login accounts: one set of rules for the screen and the command line."""

from __future__ import annotations

import re

from sqlalchemy import select

from models import Staff, User, db
from models.choices import ROLES

PASSWORD_MIN = 10
PASSWORD_MAX = 128
USERNAME = re.compile(r"^[a-z0-9._-]{3,50}$")


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why."""


def password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable, or None."""
    if len(password) < PASSWORD_MIN:
        return f"Kata sandi minimal {PASSWORD_MIN} karakter."
    if len(password) > PASSWORD_MAX:
        return f"Kata sandi maksimal {PASSWORD_MAX} karakter."
    return None


def username_problem(username: str) -> str | None:
    """Why ``username`` is not acceptable, or None."""
    if not USERNAME.match(username):
        return ("Nama pengguna 3–50 karakter: huruf kecil, angka, titik, garis bawah, atau "
                "tanda hubung.")
    return None


def create_account(
    username: str, role: str, password: str, staff: Staff | None = None
) -> User:
    """Add a new account (not committed); raises AccountError with a readable reason."""
    username = username.strip().lower()
    problem = username_problem(username) or password_problem(password)
    if role not in ROLES.codes:
        problem = f"Peran tidak dikenal: {role}."
    if problem:
        raise AccountError(problem)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"Nama pengguna {username} sudah dipakai.")
    user = User(username=username, role=role, staff=staff, is_active_account=True)
    user.set_password(password)
    db.session.add(user)
    return user
