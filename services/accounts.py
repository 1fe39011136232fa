"""Creating login accounts: one set of rules for the screen and the command line."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from models import Staff, User, db
from models.choices import ROLES

from .errors import Refusal
from .permissions import grantable_by

PASSWORD_MIN = 10
PASSWORD_MAX = 128
USERNAME = re.compile(r"^[a-z0-9._-]{3,50}$")
EMAIL_MAX = 254  # the longest address SMTP carries (RFC 5321)
# One plain address: a local part without spaces, quotes, commas or brackets (it goes into a
# To header as typed, where a comma would add a recipient), and a domain of dotted labels.
EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                   r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


class AccountError(Refusal):
    """An account cannot be created as asked; the message says why."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords too common to allow (read once)."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why ``password`` is not acceptable, or None."""
    if len(password) < PASSWORD_MIN:
        return _("Kata sandi minimal %(n)s karakter.", n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _("Kata sandi maksimal %(n)s karakter.", n=PASSWORD_MAX)
    lowered = password.strip().lower()
    if lowered in common_passwords() or len(set(lowered)) == 1:
        return _("Kata sandi ini terlalu umum dan mudah ditebak. Pilih kata sandi lain.")
    if username and len(username) >= 3 and username.strip().lower() in lowered:
        return _("Kata sandi tidak boleh memuat nama pengguna.")
    return None


def username_problem(username: str) -> str | None:
    """Why ``username`` is not acceptable, or None."""
    if not USERNAME.match(username):
        return _("Nama pengguna 3–50 karakter: huruf kecil, angka, titik, garis bawah, atau "
                 "tanda hubung.")
    return None


def email_problem(address: str) -> str | None:
    """Why ``address`` is not an e-mail address the digest can be sent to, or None."""
    local = address.rpartition("@")[0]
    if len(address) > EMAIL_MAX or len(local) > 64 or not EMAIL.fullmatch(address):
        return _("Alamat e-mail tidak valid; tulis satu alamat seperti nama@dinsos.go.id.")
    return None


def grantable_roles(user: Any) -> frozenset[str]:
    """The roles ``user`` may give an account, by the permission matrix
    (``services.permissions.grantable_by``); the one rule for the account form and
    ``flask create-user``. ``None`` is the server's operator running ``flask create-user``
    (who holds the database anyway): every role, so the first head comes from there."""
    if user is None:
        return frozenset(ROLES.codes)
    if not user.is_authenticated:
        return frozenset()
    return grantable_by(user.role)


def grant_problem(role: str, user: Any) -> str | None:
    """Why ``user`` may not give an account ``role`` (or manage an account holding it)."""
    if role in grantable_roles(user):
        return None
    return _("Peran %(role)s hanya dapat diberikan atau diubah oleh pimpinan panti (atau di "
             "server dengan perintah flask create-user).", role=ROLES.label(role))


def create_account(
    username: str, role: str, password: str, staff: Staff | None = None,
    granted_by: Any = None,
) -> User:
    """Add a new account (not committed); raises AccountError with a readable reason.
    ``granted_by``: the user giving the role (None: the server's operator)."""
    username = username.strip().lower()
    problem = username_problem(username) or password_problem(password, username)
    if role not in ROLES.codes:
        problem = _("Peran tidak dikenal: %(role)s.", role=role)
    elif not problem:
        problem = grant_problem(role, granted_by)
    if problem:
        raise AccountError(problem)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(_("Nama pengguna %(name)s sudah dipakai.", name=username))
    user = User(username=username, role=role, staff=staff, is_active_account=True)
    user.set_password(password)
    db.session.add(user)
    return user
