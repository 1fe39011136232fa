"""Referrals waiting for the partner's answer (the worklist's "referral without feedback")."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import Referral, db

# A referral not answered within two weeks is followed up (a call, a visit to the partner).
FEEDBACK_DAYS = 14


def awaiting_feedback(today: date, where: list | None = None) -> list[Referral]:
    """Referrals of the clients' current stays sent or received more than FEEDBACK_DAYS ago
    with no answer yet (``where``: the reader's visibility), oldest first; one query."""
    return list(db.session.scalars(
        select(Referral).options(joinedload(Referral.client), joinedload(Referral.partner))
        .where(Referral.status.in_(("sent", "received")),
               *Referral.of_current_stay(Referral.client_id),
               Referral.referred_on <= today - timedelta(days=FEEDBACK_DAYS), *(where or []))
        .order_by(Referral.referred_on, Referral.id)))
