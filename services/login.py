"""Login throttling, kept in the database so every worker process sees the same count.

Failures are the audit log's own ``login_failed`` rows: the record of an attempt and the
counter are one thing, and nothing extra has to be cleaned up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from models import AuditEntry, db
from models.base import utcnow


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
