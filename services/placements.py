"""Placement (penyaluran): the rules of a placement record, written once — the placement
form and ``flask check-data`` use these words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import Client, NetworkPartner, Placement, db
from models.choices import PLACEMENT_KINDS, Stage

from .dates import format_date
from .rules import Problem, StoredCheck, blank, invalid_choice, not_before, required

LABELS = {"client": _l("Klien"), "kind": _l("Bentuk penyaluran"), "partner": _l("Mitra"),
          "address": _l("Alamat"), "contact": _l("Kontak"), "start_date": _l("Mulai"),
          "plan": _l("Rencana penyaluran"), "meeting_summary": _l("Ringkasan pertemuan "
                                                                    "penyaluran"),
          "without_mou_reason": _l("Alasan tanpa MoU yang berlaku")}
# A placement is made from resocialisation on (and recorded after the termination too).
PLACED_STAGES = (Stage.RESOCIALIZATION, Stage.TERMINATION, Stage.AFTERCARE)
# A job or an apprenticeship is with someone: the partner is named.
WITH_PARTNER = ("job", "apprenticeship")


def mou_in_force(partner: NetworkPartner, day: date) -> bool:
    """Whether the partner's MoU covers ``day``."""
    return partner.mou_start is not None and partner.mou_end is not None and \
        partner.mou_start <= day <= partner.mou_end


def placement_problems(values: Mapping[str, Any], *,
                       current: Placement | None = None) -> list[Problem]:
    """Every reason the placement ``values`` cannot be saved; a field missing from ``values``
    is not checked. A partner without an MoU in force on the start date is allowed only
    with a reason (the form asks for it)."""
    problems: list[Problem] = []
    kind = values.get("kind")
    if "kind" in values and kind not in PLACEMENT_KINDS.codes:
        problems.append(Problem("kind", invalid_choice() if kind else required()))
    client = db.session.get(Client, values["client"]) if values.get("client") else None
    if "client" in values and client is None:
        problems.append(Problem("client", required()))
    elif client is not None and client.stage not in PLACED_STAGES:
        problems.append(Problem("client", _(
            "Penyaluran dicatat mulai tahap resosialisasi; %(name)s belum sampai di sana.",
            name=client.full_name)))
    start = values.get("start_date")
    if client is not None and (refused := not_before(start, client.admission_date,
                                                       _("tanggal masuk klien"))):
        problems.append(Problem("start_date", refused))
    partner = db.session.get(NetworkPartner, values["partner"]) \
        if values.get("partner") else None
    if kind in WITH_PARTNER and "partner" in values and partner is None:
        problems.append(Problem("partner", _(
            "Penyaluran %(kind)s menyebut mitranya.",
            kind=PLACEMENT_KINDS.label(kind).lower())))
    if partner is not None and start is not None and not mou_in_force(partner, start) and \
            "without_mou_reason" in values and blank(values["without_mou_reason"]):
        problems.append(Problem("without_mou_reason", _(
            "%(name)s tidak punya MoU yang berlaku pada %(day)s; tulis alasan penyaluran "
            "tanpa MoU.", name=partner.name, day=format_date(start))))
    if "address" in values and blank(values["address"]):
        problems.append(Problem("address", required()))
    return problems


def _stored() -> Iterator[tuple[str, list[Problem]]]:
    for placement in db.session.scalars(
            select(Placement).options(joinedload(Placement.client))
            .order_by(Placement.start_date, Placement.id)):
        problems = placement_problems({
            "kind": placement.kind, "partner": placement.partner_id,
            "start_date": placement.start_date,
            "without_mou_reason": placement.without_mou_reason}, current=placement)
        if problems:
            yield str(placement), problems


CHECK = StoredCheck(lambda: _("Penyaluran"), _stored, lambda: LABELS)
