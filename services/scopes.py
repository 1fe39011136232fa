"""Who sees which rows: the one visibility policy every path asks.

``POLICY`` holds, for each model, the screen it belongs to and the rows each role may see
when that is less than all of them. ``visible(Model)`` turns it into filter conditions for
the current user (or ``user``): the list, count, details, edit, delete, history, bulk
actions, pickers, nested ids, calendar, dashboard and exports all ask it, and the
"records" column of docs/permissions.md is generated from the rules' texts (``scope_texts``).
A role with no rule sees every row if it may open the model's screen, and none otherwise
(fail closed).

A user without a staff record owns nothing. Comparing with their empty ``staff_id`` would
read as ``IS NULL`` and match every unassigned row, so these helpers never do that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_login import current_user
from sqlalchemy import false, or_, select

from models import (
    AftercareVisit,
    Attendance,
    CaseConference,
    CaseNote,
    Client,
    ClientDocument,
    EmergencyChange,
    Enrollment,
    GuidanceSchedule,
    Placement,
    RecreationActivity,
    Referral,
    ServiceContract,
    ServicePlan,
    Staff,
    StaffReport,
    Termination,
    TrainingClass,
    TrainingSession,
    WorkerEvaluation,
    db,
)
from models.choices import Role

from . import lifecycle
from .permissions import (
    OVERSEERS,
    REPORT_SCREENS,
    ROLE_ORDER,
    grantable_by,
    readers,
    writers,
)


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
    return took_part(user) if acting(Role.SOCIAL_WORKER, user) else None


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
    if acting(Role.SOCIAL_WORKER, user):
        return [or_(took_part(user), is_mine(Client.social_worker_id, user))]
    return []


def led_events(user: Any = None) -> dict[str, list[Any]]:
    """Per event kind, the conditions for "events the user leads" (whose attendance sheets
    they record): the instructor of a class, the staff member of a guidance schedule, the
    leader of an activity. The admin and the head: everything (no conditions)."""
    user = current_user if user is None else user
    if user.role in OVERSEERS:
        return {}
    return {
        "training": [is_mine(TrainingClass.instructor_id, user)],
        "guidance": [is_mine(GuidanceSchedule.staff_id, user)],
        "recreation": [is_mine(RecreationActivity.leader_id, user)],
    }


# --- the policy --------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """The rows of a model one role may see: ``text`` for the documentation, ``where`` the
    conditions for a given user."""

    text: str
    where: Callable[[Any], list[Any]]


def _clients_of(model: Any) -> Rule:
    return Rule("own clients", lambda user: [model.client_id.in_(own_client_ids(user))])


def _classes_of(column: Any) -> Rule:
    return Rule("own classes", lambda user: [column.in_(own_class_ids(user))])


def _with_note(user: Any) -> Any:
    """A document on no case note, or on one ``user`` may read."""
    return or_(ClientDocument.case_note_id.is_(None), ClientDocument.case_note_id.in_(
        select(CaseNote.id).where(*visible(CaseNote, user))))


def caseload(user: Any = None):
    """Subquery of the ids of the clients a user works with (a social worker: those assigned
    to them; an instructor: those of their classes), or None: no such limit."""
    user = current_user if user is None else user
    if acting(Role.SOCIAL_WORKER, user):
        return own_client_ids(user)
    if acting(Role.INSTRUCTOR, user):
        return class_client_ids(user)
    return None


def works_on(client_id: int, user: Any = None) -> bool:
    """Whether ``user`` works on this client's case (``caseload``: no limit, or the client is
    in theirs)."""
    ids = caseload(user)
    return ids is None or db.session.scalar(
        select(Client.id).where(Client.id == client_id, Client.id.in_(ids))) is not None


@dataclass(frozen=True)
class Entry:
    """A model's screen (whose readers see every row unless a rule says less) and rules."""

    screen: str
    rules: dict[str, Rule]


POLICY: dict[type, Entry] = {
    # An instructor may not open the roster, but finds the clients of their own classes in
    # pickers, the calendar and the attendance summary.
    Client: Entry("client", {
        Role.INSTRUCTOR: Rule("clients of own classes",
                           lambda user: [Client.id.in_(class_client_ids(user))]),
    }),
    # An assessment note's attachment is as confidential as the note.
    ClientDocument: Entry("client_document", {
        Role.SOCIAL_WORKER: Rule(
            "own clients; an assessment note's attachment: whom may read the note",
            lambda user: [*_clients_of(ClientDocument).where(user), _with_note(user)]),
        Role.ADMIN: Rule("all but assessment notes' attachments",
                         lambda user: [_with_note(user)]),
    }),
    CaseNote: Entry("case_note", {Role.SOCIAL_WORKER: _clients_of(CaseNote)}),
    ServicePlan: Entry("service_plan", {Role.SOCIAL_WORKER: _clients_of(ServicePlan)}),
    ServiceContract: Entry("contract", {Role.SOCIAL_WORKER: _clients_of(ServiceContract)}),
    EmergencyChange: Entry("emergency_change", {Role.SOCIAL_WORKER: _clients_of(EmergencyChange)}),
    Referral: Entry("referral", {Role.SOCIAL_WORKER: _clients_of(Referral)}),
    Placement: Entry("placement", {Role.SOCIAL_WORKER: _clients_of(Placement)}),
    Termination: Entry("termination", {Role.SOCIAL_WORKER: _clients_of(Termination)}),
    StaffReport: Entry("staff_report", {
        Role.SOCIAL_WORKER: _clients_of(StaffReport),
        Role.INSTRUCTOR: Rule("own reports", lambda user: [is_mine(StaffReport.author_id, user)]),
        Role.STAFF: Rule("own reports", lambda user: [is_mine(StaffReport.author_id, user)]),
    }),
    AftercareVisit: Entry("aftercare", {Role.SOCIAL_WORKER: _clients_of(AftercareVisit)}),
    CaseConference: Entry("conference", {
        Role.SOCIAL_WORKER: Rule("conferences they attend or about their own clients",
                              lambda user: [conference_condition(user)]),
    }),
    TrainingClass: Entry("training_class", {
        Role.INSTRUCTOR: Rule("own classes",
                           lambda user: [is_mine(TrainingClass.instructor_id, user)]),
        # Not their screen; the attendance summary offers the classes of their clients.
        Role.SOCIAL_WORKER: Rule("classes their own clients are or were enrolled in",
                              lambda user: [TrainingClass.id.in_(
                                  select(Enrollment.class_id).where(
                                      Enrollment.client_id.in_(own_client_ids(user))))]),
    }),
    Enrollment: Entry("enrollment", {Role.INSTRUCTOR: _classes_of(Enrollment.class_id)}),
    TrainingSession: Entry("training_session",
                           {Role.INSTRUCTOR: _classes_of(TrainingSession.class_id)}),
    # A social worker reads their own clients' attendance in the summary and the client's
    # page, though not the attendance screen.
    Attendance: Entry("attendance", {
        Role.INSTRUCTOR: Rule("own classes", lambda user: [Attendance.session_id.in_(
            select(TrainingSession.id).where(TrainingSession.class_id.in_(
                own_class_ids(user))))]),
        Role.SOCIAL_WORKER: _clients_of(Attendance),
    }),
    GuidanceSchedule: Entry("guidance", {
        Role.STAFF: Rule("schedules they lead",
                      lambda user: [is_mine(GuidanceSchedule.staff_id, user)]),
    }),
    # Formulir 4: the head evaluates; a social worker reads their own evaluations.
    WorkerEvaluation: Entry("worker_evaluation", {
        Role.SOCIAL_WORKER: Rule("own evaluations",
                              lambda user: [is_mine(WorkerEvaluation.staff_id, user)]),
    }),
    RecreationActivity: Entry("recreation", {
        Role.STAFF: Rule("activities they lead",
                      lambda user: [is_mine(RecreationActivity.leader_id, user)]),
    }),
}


def visible(model: Any, user: Any = None) -> list[Any]:
    """Filter conditions: the rows of ``model`` the user may see (empty: all of them)."""
    user = current_user if user is None else user
    if not user.is_authenticated:
        return [false()]
    entry = POLICY.get(model)
    if entry is None:  # not scoped per row: the screen's roles decide
        return []
    rule = entry.rules.get(user.role)
    if rule is not None:
        return rule.where(user)
    return [] if user.role in readers(entry.screen) else [false()]


def visible_ids(model: Any, user: Any = None):
    """Subquery of the ids of the rows of ``model`` the user may see, or None: all."""
    conditions = visible(model, user)
    return select(model.id).where(*conditions) if conditions else None


# The screen whose read rights decide whether a kind of event shows on the calendar, and
# the model whose rows it shows (a class's pattern too, hence the class for training).
CALENDAR_SCREENS = {
    "training": ("training_session", TrainingClass),
    "guidance": ("guidance", GuidanceSchedule),
    "recreation": ("recreation", RecreationActivity),
    "conference": ("conference", CaseConference),
}


def calendar_scope(user: Any = None) -> tuple[list[str], dict[str, list[Any]]]:
    """The event kinds a user sees on the calendar and the conditions on each: exactly the
    records the matching screens would list for them."""
    user = current_user if user is None else user
    kinds = [kind for kind, (screen, _model) in CALENDAR_SCREENS.items()
             if user.role in readers(screen)]
    return kinds, {kind: visible(CALENDAR_SCREENS[kind][1], user) for kind in kinds}


def scope_texts() -> dict[tuple[str, str], str]:
    """(screen, role) → which records the role sees there, where that is less than all
    (or, for accounts, which it may change): generated from ``POLICY`` and the matrix."""
    texts: dict[tuple[str, str], str] = {}
    for entry in POLICY.values():
        for role, rule in entry.rules.items():
            if role in readers(entry.screen):
                texts[(entry.screen, role)] = rule.text
    for role in readers("attendance_summary"):
        if rule := POLICY[Attendance].rules.get(role):
            texts[("attendance_summary", role)] = rule.text
    for role in readers("attendance_grid"):
        if role not in OVERSEERS:  # led_events: everyone else records what they lead
            texts[("attendance_grid", role)] = "events they lead"
    for role in readers("calendar"):
        parts = [f"{kind}: {POLICY[model].rules[role].text}"
                 for kind, (screen, model) in CALENDAR_SCREENS.items()
                 if role in readers(screen) and role in POLICY[model].rules]
        if parts:
            texts[("calendar", role)] = "; ".join(parts)
    for role in readers("export"):
        parts, limited = [], False
        for report, screen in REPORT_SCREENS.items():
            if role not in readers(screen):
                limited = True
            elif any(entry.screen == screen and role in entry.rules
                     for entry in POLICY.values()):
                parts.append(f"{report} as on their screen")
                limited = True
            else:
                parts.append(report)
        if limited:
            texts[("export", role)] = ", ".join(parts)
    for role in writers("client_stage"):
        texts[("client_stage", role)] = lifecycle.movers_text(role)
    every_role = grantable_by(Role.HEAD)
    for role in writers("user"):
        if grantable_by(role) != every_role:
            texts[("user", role)] = "changes accounts of " + ", ".join(
                r for r in ROLE_ORDER if r in grantable_by(role))
    return texts


def policy_rows() -> list[tuple[str, str, str]]:
    """Every rule as (model, role, rows) — also those that reach beyond a role's screens
    (pickers, summaries, the calendar) — for docs/permissions.md."""
    return [(model.__name__, role, rule.text)
            for model, entry in POLICY.items() for role, rule in entry.rules.items()]
