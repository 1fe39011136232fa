"""Login accounts. A user may be linked to the staff member they are."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .base import TimestampMixin, VersionMixin, check_in, db
from .choices import ROLES
from .staff import Staff


class User(UserMixin, VersionMixin, TimestampMixin, db.Model):
    """A console account with one role (admin, head, social_worker, instructor, staff)."""

    __tablename__ = "user_account"
    __table_args__ = (
        check_in("role", "role", ROLES.codes),
        # Usernames are compared lower-case; storing them so keeps the unique index honest.
        db.CheckConstraint("username = lower(username)", name="username_lower"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    is_active_account: Mapped[bool] = mapped_column("is_active", Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of the login cookie; changing it ends every session of the account (logout,
    # password change, deactivation). Empty: no valid session exists.
    session_token: Mapped[str] = mapped_column(String(64), default="", server_default="")
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), unique=True
    )
    # Where the daily digest goes (services/digest.py); optional: no address, no e-mail.
    email: Mapped[str | None] = mapped_column(String(254))
    staff: Mapped[Staff | None] = relationship(backref=db.backref("user", uselist=False))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    def set_password(self, password: str) -> None:
        """Store a salted hash (scrypt unless PASSWORD_HASH_METHOD says otherwise: the test
        suite uses a cheap one); ends all sessions."""
        method = "scrypt"
        if has_app_context():
            method = current_app.config.get("PASSWORD_HASH_METHOD", method)
        self.password_hash = generate_password_hash(password, method=method)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Make every login cookie issued so far for this account invalid."""
        self.session_token = secrets.token_urlsafe(32)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session cookie: the id and the session token."""
        if not self.session_token:
            self.end_sessions()
        return f"{self.id}:{self.session_token}"

    def matches_session(self, token: str) -> bool:
        return bool(self.session_token) and hmac.compare_digest(self.session_token, token)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return ROLES.label(self.role)

    def __str__(self) -> str:
        return self.username
