"""Login throttling, kept in the database so every worker process sees the same count.

Failures are the audit log's own ``login_failed`` rows: the record of an attempt and the
counter are one thing, and nothing extra has to be cleaned up.

A password check is *claimed* before it runs: under a lock, the recent failures are counted
and a ``login_failed`` row is added for this attempt, then the lock is released and the
(slow) hash is checked. An attempt that turns out right becomes a ``login`` row (or, on the
password page, is withdrawn). So N parallel guesses can never get more than the limit of
checks, and no lock is held while a hash is computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, text, update

from models import AuditEntry, db
from models.base import utcnow
from services.audit import actor, record_event
from services.transactions import lock_for_writing

# Any fixed number: the PostgreSQL advisory lock that makes counting and claiming one step.
_LOCK_KEY = 0x70616E7469  # "panti"


def _limits() -> tuple[int, int, timedelta]:
    config = current_app.config
    return (int(config.get("LOGIN_MAX_FAILURES", 5)),
            int(config.get("LOGIN_MAX_FAILURES_PER_IP", 20)),
            timedelta(minutes=int(config.get("LOGIN_LOCK_MINUTES", 15))))


def _nth_latest_failure(condition, since: datetime, n: int) -> datetime | None:
    """Time of the ``n``-th most recent failure matching ``condition`` after ``since``."""
    return db.session.scalar(
        select(AuditEntry.at)
        .where(AuditEntry.action == "login_failed", AuditEntry.at > since, condition)
        .order_by(AuditEntry.at.desc())
        .offset(n - 1)
        .limit(1)
    )


def blocked_until(username: str, ip: str | None) -> datetime | None:
    """When logins for ``username`` or from ``ip`` are allowed again, or None if they are.

    An account is held after ``LOGIN_MAX_FAILURES`` failures within ``LOGIN_LOCK_MINUTES``
    (a successful login resets its count); an address after ``LOGIN_MAX_FAILURES_PER_IP``.
    """
    per_account, per_ip, window = _limits()
    now = utcnow()
    since = now - window
    last_ok = db.session.scalar(
        select(func.max(AuditEntry.at))
        .where(AuditEntry.action == "login", AuditEntry.username == username)
    )
    if last_ok is not None and last_ok.tzinfo is None:  # SQLite returns naive UTC
        last_ok = last_ok.replace(tzinfo=now.tzinfo)
    found = [_nth_latest_failure(AuditEntry.username == username,
                                 max(since, last_ok) if last_ok else since, per_account)]
    if ip:
        found.append(_nth_latest_failure(AuditEntry.ip == ip, since, per_ip))
    times = [t if t.tzinfo else t.replace(tzinfo=now.tzinfo) for t in found if t is not None]
    return max(times) + window if times else None


@dataclass(frozen=True)
class Attempt:
    """A password check the throttle allowed (``claim``: its audit row) or held back
    (``held_until``: when checks are allowed again)."""

    claim: int | None = None
    held_until: datetime | None = None

    @property
    def message(self) -> str:
        """What the user reads when the attempt was held back."""
        return _("Terlalu banyak percobaan masuk yang gagal. Coba lagi setelah pukul %(time)s.",
                 time=format_datetime(self.held_until, "HH:mm"))


def _serialise() -> None:
    """Make this transaction the only one counting and claiming until it ends."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    # SQLite has one writer at a time: its write lock, taken before counting, makes the count
    # and the claim atomic.
    lock_for_writing()


def begin_attempt(username: str, user_id: int | None = None,
                  detail: str | None = None) -> Attempt:
    """Claim one password check for ``username`` from this request's address, or hold it
    back (recording ``login_blocked``). Commits, so other workers count the claim."""
    ip = request.remote_addr
    _serialise()
    until = blocked_until(username, ip)
    if until is not None:
        record_event("login_blocked", username=username, user_id=user_id, detail=detail)
        db.session.commit()
        return Attempt(held_until=until)
    who = {**actor(), "username": username, "user_id": user_id}
    claim = db.session.scalar(insert(AuditEntry).values(
        at=utcnow(), action="login_failed", detail=detail, **who).returning(AuditEntry.id))
    db.session.commit()
    return Attempt(claim=claim)


def attempt_succeeded(attempt: Attempt, *, logged_in: bool) -> None:
    """The claimed check found the password right: the claim becomes the ``login`` entry
    (which resets the account's count), or is withdrawn when nobody logged in (password
    page). In the caller's transaction."""
    if logged_in:
        db.session.execute(update(AuditEntry).where(AuditEntry.id == attempt.claim)
                           .values(action="login"))
    else:
        db.session.execute(delete(AuditEntry).where(AuditEntry.id == attempt.claim))
