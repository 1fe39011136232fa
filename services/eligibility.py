"""Who may be picked: the one rule a form's picker offers by and its save checks.

A rule is a list of ``Requirement``s, each a condition on ``Client`` and the sentence that
refuses a client who fails it. A picker searches with every condition (it offers only what
the save accepts); the form's validator asks the same requirements, in order, of the one
client picked and says the first that fails.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from models import Client, Enrollment, ServicePlan, db
from models.choices import INTERVENTION_STAGES, STAGES


@dataclass(frozen=True)
class Requirement:
    """A condition on ``Client`` and the refusal of a client who does not meet it."""

    condition: Any
    refusal: Callable[[Client], str]


def enrollment_requirements(class_id: int | None,
                            enrollment_id: int | None = None) -> list[Requirement]:
    """Who may join the class ``class_id``: a client in the intervention or case-conference
    stage, not yet in that class. A class keeps one row per client (a leaver comes back by
    clearing their leaving date), so "in the class" counts leavers too. When editing the
    enrollment ``enrollment_id`` its own client may stay, whatever stage they reached."""
    own = select(Enrollment.client_id).where(Enrollment.id == enrollment_id)
    in_stage = Client.stage.in_(INTERVENTION_STAGES)
    requirements = [Requirement(
        or_(in_stage, Client.id.in_(own)) if enrollment_id is not None else in_stage,
        lambda client: _("%(client)s berada pada tahap %(stage)s; hanya klien pada tahap "
                         "intervensi atau konferensi kasus yang dapat mengikuti kelas.",
                         client=client.full_name, stage=STAGES.label(client.stage)))]
    if class_id is not None:
        members = select(Enrollment.client_id).where(Enrollment.class_id == class_id)
        if enrollment_id is not None:
            members = members.where(Enrollment.id != enrollment_id)
        requirements.append(Requirement(
            Client.id.not_in(members),
            lambda client: _("%(client)s sudah terdaftar di kelas ini.",
                             client=client.full_name)))
    return requirements


def plan_requirements(plan_id: int | None = None) -> list[Requirement]:
    """Who may get a service plan: a client without one in their current stay (each stay has
    one plan, which is changed rather than written again). When editing the plan ``plan_id``
    its own client may stay."""
    others = select(ServicePlan.client_id).where(
        *ServicePlan.of_current_stay(ServicePlan.client_id))
    if plan_id is not None:
        others = others.where(ServicePlan.id != plan_id)
    return [Requirement(
        Client.id.not_in(others),
        lambda client: _("%(client)s sudah punya rencana pelayanan; ubah rencana yang ada.",
                         client=client.full_name))]


def conditions(requirements: Sequence[Requirement]) -> list[Any]:
    """The filter a picker searches with: every requirement met."""
    return [requirement.condition for requirement in requirements]


def refusal(client: Client, requirements: Sequence[Requirement]) -> str | None:
    """Why ``client`` may not be picked (the first requirement not met), or None."""
    for requirement in requirements:
        met = db.session.scalar(select(Client.id).where(Client.id == client.id,
                                                        requirement.condition))
        if met is None:
            return requirement.refusal(client)
    return None
