"""Which records belong to a user: shared by screens, pickers, the dashboard and exports.

A user without a staff record owns nothing. Comparing with their empty ``staff_id`` would
read as ``IS NULL`` and match every unassigned row, so these helpers never do that.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlalchemy import false, or_, select

from models import (
    CaseConference,
    Client,
    Enrollment,
    GuidanceSchedule,
    RecreationActivity,
    Staff,
    TrainingClass,
    db,
)

from .permissions import readers


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


def class_client_ids(user: Any = None):
    """Subquery: ids of the clients enrolled (now or before) in the classes the user
    teaches: the only clients an instructor ever sees."""
    return select(Enrollment.client_id).where(Enrollment.class_id.in_(own_class_ids(user)))


def took_part(user: Any = None) -> Any:
    """A condition: the user chairs or attends the conference (as set by the head)."""
    return or_(
        is_mine(CaseConference.chair_id, user),
        CaseConference.attendees.any(is_mine(Staff.id, user)),
    )


def minutes_condition(user: Any = None) -> Any:
    """A condition on the conference whose free-text summary and decisions the user may read:
    the head all; a social worker only those they chair or attend — one who reads a KK
    because their client is on its agenda gets their client's decision, not the minutes,
    which may speak of everyone discussed. None: no limit."""
    return took_part(user) if acting("social_worker", user) else None


def reads_minutes(conference: CaseConference, user: Any = None) -> bool:
    """``minutes_condition`` asked of one conference."""
    condition = minutes_condition(user)
    if condition is None:
        return True
    return bool(db.session.scalar(select(CaseConference.id).where(
        CaseConference.id == conference.id, condition)))


def conference_condition(user: Any = None) -> Any:
    """A condition: the conference is one a social worker may read — they chair or attend
    it, or one of their own clients is on its agenda."""
    return or_(
        took_part(user),
        CaseConference.clients.any(is_mine(Client.social_worker_id, user)),
    )


def decision_scope(user: Any = None) -> list[Any]:
    """Conditions on a (CaseConference, Client) pair: the KK decision about that client in
    that conference is one the user may read and write. The head: all; a social worker: in
    the conferences they chair or attend, and about their own clients anywhere (one who did
    not attend reads only their own clients' decisions)."""
    if acting("social_worker", user):
        return [or_(took_part(user), is_mine(Client.social_worker_id, user))]
    return []


def led_events(user: Any = None) -> dict[str, list[Any]]:
    """Per event kind, the conditions for "events the user leads": the instructor of a
    class, the staff member of a guidance schedule, the leader of an activity. The admin
    and the head: everything (no conditions)."""
    user = current_user if user is None else user
    if user.role in ("admin", "head"):
        return {}
    return {
        "training": [is_mine(TrainingClass.instructor_id, user)],
        "guidance": [is_mine(GuidanceSchedule.staff_id, user)],
        "recreation": [is_mine(RecreationActivity.leader_id, user)],
    }


# The screen whose read rights decide whether a kind of event shows on the calendar.
CALENDAR_SCREENS = {
    "training": "training_session",
    "guidance": "guidance",
    "recreation": "recreation",
    "conference": "conference",
}


def calendar_scope(user: Any = None) -> tuple[list[str], dict[str, list[Any]]]:
    """The event kinds a user sees on the calendar and the conditions on each: exactly the
    records the matching screens would list for them."""
    user = current_user if user is None else user
    kinds = [kind for kind, screen in CALENDAR_SCREENS.items() if user.role in readers(screen)]
    where: dict[str, list[Any]] = {}
    if user.role == "instructor":
        where["training"] = [is_mine(TrainingClass.instructor_id, user)]
    if user.role == "staff":
        where["guidance"] = [is_mine(GuidanceSchedule.staff_id, user)]
        where["recreation"] = [is_mine(RecreationActivity.leader_id, user)]
    if user.role == "social_worker":
        where["conference"] = [conference_condition(user)]
    return kinds, where
