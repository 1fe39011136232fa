"""The permission matrix: which role may read (R) or write (W) each screen, and which records.

It is the one source of truth: the views take their roles from it, ``docs/permissions.md``
is generated from it (``python -m services.permissions``) and a test checks the two agree.
"""

from __future__ import annotations

from models.choices import Role

R = "R"  # open the screen: list, details, history
W = "W"  # also create, edit, delete and run bulk actions

ROLE_ORDER = tuple(Role)
ADMIN, HEAD, SOCIAL_WORKER, INSTRUCTOR, STAFF = ROLE_ORDER  # short names for the matrix
# Who oversees the whole panti: every event's attendance sheet, every event on the calendar.
OVERSEERS = frozenset({Role.ADMIN, Role.HEAD})

# endpoint → {role: level}. A role not named has no access at all (403, not in the menu).
MATRIX: dict[str, dict[str, str]] = {
    # The panti in charts: figures of the whole panti, for who oversees it.
    "dashboard": {ADMIN: R, HEAD: R},
    "client": {ADMIN: W, HEAD: R, SOCIAL_WORKER: R, STAFF: R},
    "client_import": {ADMIN: W},
    # Moving a client between stages: services/lifecycle.py decides which move each may make.
    "client_stage": {ADMIN: W, HEAD: W, SOCIAL_WORKER: W},
    "outreach": {ADMIN: W, HEAD: R, SOCIAL_WORKER: W, STAFF: R},
    "client_document": {ADMIN: W, HEAD: R, SOCIAL_WORKER: W},
    "case_note": {HEAD: R, SOCIAL_WORKER: W},
    "service_plan": {HEAD: R, SOCIAL_WORKER: W},
    "contract": {HEAD: R, SOCIAL_WORKER: W},
    "conference": {HEAD: W, SOCIAL_WORKER: W},
    "emergency_change": {HEAD: W, SOCIAL_WORKER: W},
    "referral": {HEAD: R, SOCIAL_WORKER: W},
    "placement": {HEAD: R, SOCIAL_WORKER: W},
    "termination": {HEAD: W, SOCIAL_WORKER: W},
    "aftercare": {HEAD: R, SOCIAL_WORKER: W},
    # Reports from the people around the client: written by caregivers, doctors and nurses
    # (staff) and instructors, read by the client's social worker and the head.
    "staff_report": {HEAD: R, SOCIAL_WORKER: R, INSTRUCTOR: W, STAFF: W},
    # Formulir 4: the head evaluates each social worker; they read their own.
    "worker_evaluation": {HEAD: W, SOCIAL_WORKER: R},
    "training_class": {ADMIN: W, HEAD: R, INSTRUCTOR: R},
    "enrollment": {ADMIN: W, HEAD: R, INSTRUCTOR: R},
    "training_session": {ADMIN: W, HEAD: R, INSTRUCTOR: R},
    "attendance": {ADMIN: W, HEAD: R, INSTRUCTOR: W},
    "attendance_grid": {ADMIN: W, HEAD: R, SOCIAL_WORKER: W, INSTRUCTOR: W, STAFF: W},
    "attendance_summary": {ADMIN: R, HEAD: R, SOCIAL_WORKER: R, INSTRUCTOR: R},
    "calendar": {ADMIN: R, HEAD: R, SOCIAL_WORKER: R, INSTRUCTOR: R, STAFF: R},
    # Each report of the export centre follows the screen its rows come from.
    "export": {ADMIN: R, HEAD: R, SOCIAL_WORKER: R, INSTRUCTOR: R, STAFF: R},
    "guidance": {ADMIN: W, HEAD: R, SOCIAL_WORKER: R, STAFF: R},
    "recreation": {ADMIN: W, HEAD: R, SOCIAL_WORKER: R, STAFF: R},
    "partner": {ADMIN: W, HEAD: R, SOCIAL_WORKER: R},
    "staff": {ADMIN: W, HEAD: R},
    "room": {ADMIN: W, HEAD: R},
    "skill_type": {ADMIN: W, HEAD: R},
    "document_type": {ADMIN: W, HEAD: R},
    "holiday": {ADMIN: W, HEAD: R},
    "intake": {ADMIN: W, HEAD: R, SOCIAL_WORKER: R},
    "setting": {ADMIN: W, HEAD: R},
    # Accounts: each may grant only the roles of ``grantable_by`` (the head: every role).
    "user": {ADMIN: W, HEAD: W},
    "audit": {ADMIN: R, HEAD: R},
}

# Screens where these roles see only the records they wrote themselves (services/scopes.py
# says so for each): giving such a role shows its holder nobody else's records there, so the
# admin may still create caregivers' and instructors' accounts.
OWN_WORK: dict[str, frozenset[str]] = {"staff_report": frozenset({INSTRUCTOR, STAFF})}

# Screens opened from a record's page (a client's "Pindah tahap"), not from the menu.
FROM_RECORDS = frozenset({"client_stage"})

# Each report of the export centre is open to the roles that read the screen its rows come
# from; the monthly report counts the roster, so it follows the roster.
REPORT_SCREENS = {
    "roster": "client",
    "attendance": "attendance",
    "monthly": "client",
    "conferences": "conference",
}


def readers(endpoint: str) -> frozenset[str]:
    """Roles that may open ``endpoint`` (KeyError for an unknown one: fail closed)."""
    return frozenset(MATRIX[endpoint])


def writers(endpoint: str) -> frozenset[str]:
    """Roles that may change records on ``endpoint``."""
    return frozenset(role for role, level in MATRIX[endpoint].items() if level == W)


def screens(role: str) -> frozenset[str]:
    """Every screen ``role`` may open."""
    return frozenset(endpoint for endpoint, roles in MATRIX.items() if role in roles)


def grantable_by(role: str) -> frozenset[str]:
    """The roles a user with ``role`` may give an account (create, edit into, or manage an
    account holding it). Only roles that may write accounts grant at all; the head, who
    oversees the panti, grants every role; any other only roles that open no screen it cannot
    open itself — nobody hands out more than they see. So the admin, who sees no case
    content, grants neither *head* nor *social_worker*."""
    if role not in writers("user"):
        return frozenset()
    if role == Role.HEAD:
        return frozenset(ROLE_ORDER)
    own = screens(role)
    return frozenset(other for other in ROLE_ORDER if reach(other) <= own)


def reach(role: str) -> frozenset[str]:
    """The screens through which ``role`` sees others' records: every screen it opens but
    those where it sees only what it wrote itself (``OWN_WORK``)."""
    return frozenset(screen for screen in screens(role) if role not in OWN_WORK.get(screen, ()))


def markdown_table(titles: dict[str, str], scopes: dict[tuple[str, str], str]) -> str:
    """The matrix as the Markdown table of docs/permissions.md (``titles``: endpoint → name;
    ``scopes``: (endpoint, role) → which records, from ``services.scopes.scope_texts``)."""
    lines = [
        "| screen | " + " | ".join(ROLE_ORDER) + " |",
        "|---|" + "---|" * len(ROLE_ORDER),
    ]
    for endpoint, roles in MATRIX.items():
        cells = []
        for role in ROLE_ORDER:
            level = roles.get(role, "—")
            scope = scopes.get((endpoint, role))
            cells.append(f"{level} ({scope})" if scope else level)
        lines.append(f"| {titles.get(endpoint, endpoint)} (`{endpoint}`) | " + " | ".join(cells)
                     + " |")
    return "\n".join(lines)


def rules_table(rows: list[tuple[str, str, str]]) -> str:
    """Every row rule as a Markdown table (model, role, rows it sees)."""
    lines = ["| record | role | rows it sees |", "|---|---|---|"]
    lines += [f"| {model} | {role} | {text} |" for model, role, text in rows]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - prints the table for the docs
    from app import create_app

    with create_app().test_request_context():
        from flask import current_app

        admin = current_app.extensions["admin"][0]
        names = {view.endpoint: str(view.name) for view in admin._views}
        from services.scopes import policy_rows, scope_texts

        print(markdown_table(names, scope_texts()))
        print()
        print(rules_table(policy_rows()))
