"""AJAX pickers shared by several screens, so no form ever loads a whole table."""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from models import Client, Staff, TrainingClass, TrainingSession, db
from models.choices import ACTIVE_STAGES
from services import eligibility
from services.conflicts import clients_busy_during
from services.dates import parse_date
from services.dates import today as panti_today
from services.eligibility import Requirement
from services.inputs import parse_id
from services.scopes import caseload, visible

from .base import ScopedAjaxLoader


def staff_picker(name: str, *positions: str) -> ScopedAjaxLoader:
    """Active staff, optionally only those holding one of ``positions``."""

    def where():
        conditions = [Staff.active.is_(True)]
        if positions:
            conditions.append(Staff.position.in_(positions))
        return conditions

    return ScopedAjaxLoader(
        name, Staff, fields=["name", "employee_number"], where=where, order_by=Staff.name
    )


def _client_where(stages: tuple[str, ...] | None, own_case: bool):
    def where():
        conditions = [Client.stage.in_(stages)] if stages else []
        if own_case and (ids := caseload()) is not None:
            conditions.append(Client.id.in_(ids))
        return conditions

    return where


def client_picker(
    name: str, stages: tuple[str, ...] | None = None, own_case: bool = False
) -> ScopedAjaxLoader:
    """Clients found by name or register number, optionally only those in ``stages``.

    Only the clients the user may see (an instructor: those of their own classes); with
    ``own_case`` only their caseload too (case content such as a contract may only be
    written for a social worker's own clients).
    """
    return ScopedAjaxLoader(
        name,
        Client,
        fields=["full_name", "register_number"],
        where=_client_where(stages, own_case),
        order_by=Client.full_name,
    )


class _RuledClientLoader(ScopedAjaxLoader):
    """A client picker whose search offers only the clients ``rule()`` accepts."""

    def __init__(self, name: str, rule: Callable[[], list[Requirement]], where):
        super().__init__(name, Client, fields=["full_name", "register_number"], where=where,
                         order_by=Client.full_name)
        self.rule = rule

    def offer(self):
        return eligibility.conditions(self.rule())


def _form_value(name: str) -> int | None:
    """An id the page sends along with a picker's search (static/js/pickers.js): another
    field of the form, or ``id``, the record the form edits."""
    return parse_id(request.args.get(name))


class _EnrollableClientLoader(_RuledClientLoader):
    """The enrollment's rule, and not the clients booked elsewhere at the class's times from
    today on: their save would be refused by the conflict check (which names the clash)."""

    def offer(self):
        conditions = super().offer()
        klass = db.session.scalar(select(TrainingClass).where(
            TrainingClass.id == (_form_value("training_class") or 0), *visible(TrainingClass)))
        if klass is not None and _form_value("id") is None:
            busy = clients_busy_during(klass, panti_today())
            if busy:
                conditions.append(Client.id.not_in(busy))
        return conditions


def enrollable_client_picker(name: str) -> ScopedAjaxLoader:
    """Offers the clients who may join the class chosen on the form (its
    ``training_class`` comes with each search): by the enrollment's own rule, free at the
    class's times. Any client living in the panti can still be posted: the form's
    validator and conflict check then say why not."""
    return _EnrollableClientLoader(
        name,
        lambda: eligibility.enrollment_requirements(_form_value("training_class"),
                                                    _form_value("id")),
        where=_client_where(ACTIVE_STAGES, own_case=False),
    )


def plan_client_picker(name: str) -> ScopedAjaxLoader:
    """Offers the clients without a service plan (a social worker: of their own caseload),
    by the plan's own rule."""
    return _RuledClientLoader(
        name,
        lambda: eligibility.plan_requirements(_form_value("id")),
        where=_client_where(None, own_case=True),
    )


def served_client_picker(name: str) -> ScopedAjaxLoader:
    """Clients living in the panti (the active stages)."""
    return client_picker(name, ACTIVE_STAGES)


def session_picker(name: str) -> ScopedAjaxLoader:
    """Training sessions the user may see (an instructor: those of their own classes)."""
    return _SessionLoader(name, TrainingSession, fields=["topic"])


class _SessionLoader(ScopedAjaxLoader):
    """Finds sessions by class name, topic or date (dd/mm/yyyy or yyyy-mm-dd)."""

    def search(self, term, offset, limit):
        query = (
            self.get_query()
            .join(TrainingSession.training_class)
            .options(contains_eager(TrainingSession.training_class))
        )
        term = (term or "").strip()
        if term:
            pattern = f"%{term}%"
            conditions = [TrainingClass.name.ilike(pattern), TrainingSession.topic.ilike(pattern)]
            try:
                conditions.append(TrainingSession.date == parse_date(term))
            except ValueError:
                pass  # not a date: the name and topic still match
            query = query.filter(or_(*conditions))
        return (
            query.order_by(TrainingSession.date.desc(), TrainingClass.name)
            .offset(offset)
            .limit(limit)
            .all()
        )


