"""Stays (episodes): a person admitted again is the same client in a new stay.

The client row holds the person (register number, name, birth, family) and their current
stay (admission, cohort, stage, room, social worker, termination). When a person whose stay
ended is admitted again, the stay that ended is written to ``client_stay`` as it was, and the
client row begins stay ``n + 1`` (services/stays.py). Each record of a case (selection,
documents, notes, plan, contracts, decisions, placements, referrals, termination,
aftercare, staff reports, stage moves) carries the number of the stay it belongs to, stamped
when it is written, so an earlier stay's records stay readable and unchanged while the new
stay gathers its own.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column, relationship
from sqlalchemy.orm.util import identity_key

from .base import check_in, db, utcnow
from .choices import REFERRAL_SOURCES, STAGES, TERMINATION_REASONS
from .client import Client
from .room import Room
from .staff import Staff


def _client_stay(context) -> int:
    """The stay a new record belongs to: its client's current stay, read in the inserting
    transaction (a record is never written to a stay that ended)."""
    client_id = context.get_current_parameters().get("client_id")
    stay = context.connection.scalar(select(Client.stay).where(Client.id == client_id)) \
        if client_id is not None else None
    return stay or 1


class StayMixin:
    """A record of one stay of its client (``stay`` is stamped on insert)."""

    stay: Mapped[int] = mapped_column(Integer, default=_client_stay, server_default="1")

    @classmethod
    def of_stay(cls, client: Client) -> tuple:
        """Conditions: the records of ``client``'s current stay (the client in hand)."""
        return cls.client_id == client.id, cls.stay == client.stay

    @classmethod
    def of_current_stay(cls, client_id) -> tuple:
        """Conditions: the records of the client's current stay (``client_id`` a value or a
        column, e.g. ``Client.id`` in a query over clients)."""
        # The client's own row, under another name; an outer query's ``client`` (at any
        # depth: this often sits inside an EXISTS) is correlated, never joined in.
        person = aliased(Client)
        return (cls.client_id == client_id,
                cls.stay == select(person.stay).where(person.id == client_id)
                .correlate_except(person).scalar_subquery())

    @classmethod
    def in_current_stay(cls):
        """A condition for a query joined to (or correlated with) the client: the record
        is of the client's current stay."""
        return cls.stay == Client.stay


@event.listens_for(Session, "before_flush")
def _stamp_from_session(session, _context, _instances) -> None:
    """Stamp new records from their client when it is already in the session (an import
    writes many rows: no query each); the column default reads it otherwise."""
    for record in session.new:
        if isinstance(record, StayMixin) and record.stay is None:
            client = record.__dict__.get("client") or (
                session.identity_map.get(identity_key(Client, record.client_id))
                if record.client_id is not None else None)
            if client is not None:
                record.stay = client.stay or 1  # a client new in this flush: its first stay


@event.listens_for(StayMixin, "before_update", propagate=True)
def _restamp(_mapper, connection, target) -> None:
    """A record moved to another client belongs to that client's current stay."""
    if inspect(target).attrs.client_id.history.has_changes():
        target.stay = connection.scalar(
            select(Client.stay).where(Client.id == target.client_id)) or 1


class ClientStay(db.Model):
    """A stay that ended, as it was when the person was admitted again. Never edited."""

    __tablename__ = "client_stay"
    __table_args__ = (
        UniqueConstraint("client_id", "number"),
        check_in("stage", "stage", STAGES.codes),
        check_in("referral_source", "referral_source", REFERRAL_SOURCES.codes, nullable=True),
        check_in(
            "termination_reason", "termination_reason", TERMINATION_REASONS.codes, nullable=True
        ),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("cohort IS NULL OR cohort > 0", name="cohort_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"),
                                           index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1 for the first stay
    cohort: Mapped[int | None] = mapped_column(Integer)
    admission_date: Mapped[date | None] = mapped_column(Date, index=True)
    stage: Mapped[str] = mapped_column(String(20))  # where the stay ended
    referral_source: Mapped[str | None] = mapped_column(String(20))
    arrival_condition: Mapped[str | None] = mapped_column(Text)
    belongings: Mapped[str | None] = mapped_column(Text)
    social_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"))
    termination_date: Mapped[date | None] = mapped_column(Date, index=True)
    termination_reason: Mapped[str | None] = mapped_column(String(30))
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    client: Mapped[Client] = relationship()
    social_worker: Mapped[Staff | None] = relationship()
    room: Mapped[Room | None] = relationship()
