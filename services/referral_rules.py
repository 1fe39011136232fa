"""The rules a referral (rujukan) obeys, written once: the referral form and ``flask
check-data`` use these words; the database checks the answered ones carry feedback."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import Client, NetworkPartner, Referral, db
from models.choices import REFERRAL_STATUSES

from .dates import today as panti_today
from .rules import Problem, StoredCheck, blank, in_future, invalid_choice, not_before, required

LABELS = {"client": _l("Klien"), "partner": _l("Mitra tujuan"),
          "referred_on": _l("Tanggal rujukan"), "reason": _l("Alasan rujukan"),
          "status": _l("Status"), "feedback": _l("Umpan balik mitra"),
          "feedback_on": _l("Tanggal umpan balik")}
ANSWERED = ("completed", "declined")
# Where a referral may go from each status: the loop goes forward, never back.
NEXT = {"sent": {"sent", "received", "completed", "declined"},
        "received": {"received", "completed", "declined"},
        "completed": {"completed"}, "declined": {"declined"}}


def referral_problems(values: Mapping[str, Any], *,
                      current: Referral | None = None) -> list[Problem]:
    """Every reason the referral ``values`` cannot be saved; ``current`` is the referral
    being changed (None for a new one); a field missing from ``values`` is not checked."""
    problems: list[Problem] = []
    status = values.get("status")
    if "status" in values:
        was = current.status if current is not None and current.id is not None else "sent"
        if status not in REFERRAL_STATUSES.codes:
            problems.append(Problem("status", invalid_choice()))
        elif status not in NEXT.get(was, {was}):
            problems.append(Problem("status", _(
                "Rujukan yang sudah %(was)s tidak dapat kembali menjadi %(status)s.",
                was=REFERRAL_STATUSES.label(was).lower(),
                status=REFERRAL_STATUSES.label(status).lower())))
        elif status in ANSWERED:
            for name in ("feedback", "feedback_on"):
                if name in values and blank(values[name]):
                    problems.append(Problem(name, _(
                        "Isi %(field)s: rujukan yang %(status)s mencatat jawaban mitra.",
                        field=str(LABELS[name]).lower(),
                        status=REFERRAL_STATUSES.label(status).lower())))
    referred_on = values.get("referred_on")
    if refused := in_future(referred_on, panti_today()):
        problems.append(Problem("referred_on", refused))
    client = db.session.get(Client, values["client"]) if values.get("client") else None
    if "client" in values and client is None:
        problems.append(Problem("client", required()))
    elif client is not None and client.register_number is None:
        problems.append(Problem("client", _(
            "Hanya klien yang sudah diterima (punya nomor induk) yang dapat dirujuk.")))
    elif client is not None and (refused := not_before(referred_on, client.admission_date,
                                                         _("tanggal masuk klien"))):
        problems.append(Problem("referred_on", refused))
    if (refused := in_future(values.get("feedback_on"), panti_today())):
        problems.append(Problem("feedback_on", refused))
    elif (refused := not_before(values.get("feedback_on"), referred_on,
                                str(LABELS["referred_on"]).lower())):
        problems.append(Problem("feedback_on", refused))
    partner = db.session.get(NetworkPartner, values["partner"]) \
        if values.get("partner") else None
    if "partner" in values and partner is None:
        problems.append(Problem("partner", required()))
    elif partner is not None and not partner.active and (
            current is None or current.partner_id != partner.id):
        problems.append(Problem("partner", _(
            "Mitra %(name)s tidak aktif lagi; pilih mitra yang aktif.", name=partner.name)))
    return problems


def _stored() -> Iterator[tuple[str, list[Problem]]]:
    for referral in db.session.scalars(
            select(Referral).options(joinedload(Referral.client), joinedload(Referral.partner))
            .order_by(Referral.referred_on, Referral.id)):
        problems = referral_problems({
            "client": referral.client_id, "referred_on": referral.referred_on,
            "feedback_on": referral.feedback_on}, current=referral)
        if problems:
            yield str(referral), problems


CHECK = StoredCheck(lambda: _("Rujukan"), _stored, lambda: LABELS)
