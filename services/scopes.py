"""Which records belong to a user: shared by screens, pickers, the dashboard and exports.

A user without a staff record owns nothing. Comparing with their empty ``staff_id`` would
read as ``IS NULL`` and match every unassigned row, so these helpers never do that.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlalchemy import false, or_, select

from models import CaseConference, Client, Staff, TrainingClass


def acting(role: str, user: Any = None) -> bool:
    """True when ``user`` (default: the logged-in one) has ``role``."""
    user = current_user if user is None else user
    return bool(user.is_authenticated and user.role == role)


def is_mine(column: Any, user: Any = None) -> Any:
    """A condition: ``column`` holds the user's staff id."""
    user = current_user if user is None else user
    staff_id = getattr(user, "staff_id", None) if user.is_authenticated else None
    return column == staff_id if staff_id is not None else false()


def own_client_ids(user: Any = None):
    """Subquery: ids of the clients whose assigned social worker is the user."""
    return select(Client.id).where(is_mine(Client.social_worker_id, user))


def own_class_ids(user: Any = None):
    """Subquery: ids of the classes the user teaches."""
    return select(TrainingClass.id).where(is_mine(TrainingClass.instructor_id, user))


def conference_condition(user: Any = None) -> Any:
    """A condition: the conference is one a social worker may read — they chair or attend
    it, or one of their own clients is on its agenda."""
    return or_(
        is_mine(CaseConference.chair_id, user),
        CaseConference.attendees.any(is_mine(Staff.id, user)),
        CaseConference.clients.any(is_mine(Client.social_worker_id, user)),
    )
