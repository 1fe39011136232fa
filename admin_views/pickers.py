"""AJAX pickers shared by several screens, so no form ever loads a whole table; their loader,
limited to what the user may see, and the check that a picked row exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, request
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager
from wtforms.validators import StopValidation

from models import Client, NetworkPartner, Staff, TrainingClass, TrainingSession, db
from models.choices import ACTIVE_STAGES
from services import client_search, eligibility
from services.conflicts import clients_busy_during
from services.dates import parse_date
from services.dates import today as panti_today
from services.eligibility import Requirement
from services.inputs import MAX_PAGE, parse_id
from services.scopes import caseload, visible

_SEARCHING = "_picker_searching"  # set on g while a picker searches (ScopedAjaxLoader.offer)


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """An AJAX picker whose search *and* id lookup both obey the visibility policy and
    ``where`` (Flask-Admin's own loader checks filters only while searching, so any id
    could be posted)."""

    def __init__(self, name, model, fields, where=None, order_by=None, page_size=10):
        super().__init__(name, db, model, fields=fields, order_by=order_by, page_size=page_size)
        self.where = where

    def get_query(self):
        query = super().get_query().filter(*visible(self.model))
        if self.where is not None:
            query = query.filter(*self.where())
        if g.get(_SEARCHING) is self:
            query = query.filter(*self.offer())
        return query

    def offer(self) -> list[Any]:
        """Conditions that narrow a search to what the form's save accepts (none here).
        Only the search: a posted id that fails them is still found, so the form's
        validator, asking the same rule (services/eligibility.py), says why it is refused."""
        return []

    def get_one(self, pk):
        record_id = parse_id(pk)
        if record_id is None:
            return None
        with db.session.no_autoflush:
            return self.get_query().filter(self.model.id == record_id).one_or_none()

    def get_list(self, term, offset=0, limit=10):
        # offset and limit come from the query string: keep them within what a picker asks
        # (PostgreSQL refuses an OFFSET beyond 64 bits with an error).
        offset = min(max(offset or 0, 0), MAX_PAGE * 100)
        setattr(g, _SEARCHING, self)  # per request: the loader itself is shared by threads
        try:
            return self.search(term or "", offset, min(max(limit or 0, 1), 100))
        finally:
            g.pop(_SEARCHING, None)

    def search(self, term: str, offset: int, limit: int):
        """One page of matches for ``term``; a picker with its own search overrides this. A
        client is found as the client list's search finds one (services/client_search.py)."""
        if self.model is not Client:
            return super().get_list(term, offset, limit)
        query = self.get_query().filter(*client_search.conditions(term))
        if self.order_by is not None:
            query = query.order_by(self.order_by)
        return query.offset(offset).limit(limit).all()


def picked_rows_exist(form, field):
    """Refuse a picked id the picker does not offer (any more) instead of silently saving
    nothing: Flask-Admin's AJAX fields, and its optional select lists, turn an unknown id
    (a room deleted since the form opened, a tampered value) into an empty one."""
    raw = getattr(field, "_formdata", None)
    if isinstance(raw, (set, list, tuple)):
        # An emptied multiple picker posts one blank value: nobody picked, not a bad pick.
        raw = [value for value in raw if str(value).strip()]
    if not raw:
        return
    if isinstance(raw, list):
        missing = len(raw) > len(field.data or [])
    else:
        missing = field.data is None
    if missing:
        # Said once: this replaces the field's generic "not a valid choice".
        generic = field.gettext("Not a valid choice")
        field.errors[:] = [error for error in field.errors if error != generic]
        raise StopValidation(_("Pilihan tidak valid atau tidak lagi tersedia. Silakan pilih "
                               "ulang."))


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


class _ActivePartnerLoader(ScopedAjaxLoader):
    """Offers the active partners; a partner no longer active, posted anyway (or kept by an
    older record), reaches the rule, which says why (services/referral_rules.py)."""

    def offer(self):
        return [NetworkPartner.active.is_(True)]


def partner_picker(name: str) -> ScopedAjaxLoader:
    """Network partners found by name."""
    return _ActivePartnerLoader(name, NetworkPartner, fields=["name"],
                                order_by=NetworkPartner.name)


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


