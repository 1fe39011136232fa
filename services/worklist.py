"""Each home page's worklist: the deadlines the console already knows, most urgent first,
each a link to the screen where it is done (issue 16 adds the rest as they land)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from models import CaseConference, Client, User
from models.choices import Role

from . import conferences as kk
from .assessment import assessment_due, when
from .dates import today as panti_today
from .permissions import readers
from .scopes import caseload


@dataclass(frozen=True)
class Item:
    """One thing to do: what, about whom, by when, and where it is done."""

    due: date
    what: str
    client: Client | None
    endpoint: str
    args: dict

    def status(self, today: date) -> str:
        return when(self.due, today)


def worklist(user: User, today: date | None = None) -> list[Item]:
    """``user``'s items: assessments due (four weeks after admission) and plan reviews due
    (every KK 90 days) of their own clients — everyone's for the head —, and for the head
    the terminations awaiting approval. A fixed number of queries whatever the roster."""
    today = today or panti_today()
    items: list[Item] = []
    ids = caseload(user)
    where = [Client.id.in_(ids)] if ids is not None else []
    if user.role in readers("case_note"):
        items += [Item(due.due, _("Asesmen %(aspects)s", aspects=due.lacking_labels),
                       due.client, "case_note.assessment_due_view", {})
                  for due in assessment_due(today, where)]
    if user.role in readers("conference"):
        items += [Item(due.due_since, _("Peninjauan rencana oleh KK"), due.client,
                       "conference.review_due_view", {})
                  for due in kk.review_due(today, where)]
        if user.role == Role.HEAD:
            items += [Item(decision.conference.date, _("Persetujuan terminasi"),
                           decision.client, "conference.terminations_view", {})
                      for decision in kk.pending_terminations([CaseConference.date <= today])]
    items.sort(key=lambda item: (item.due, item.client.register_number if item.client
                                 else ""))
    return items
