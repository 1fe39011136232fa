"""Outreach (penjangkauan): visits to where gepeng gather, and the persons met there."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, db
from .choices import OUTREACH_PLACES, SEXES
from .client import Client
from .partner import NetworkPartner
from .staff import Staff

outreach_officer = Table(
    "outreach_officer",
    db.metadata,
    Column("visit_id", ForeignKey("outreach_visit.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
)


class OutreachVisit(VersionMixin, TimestampMixin, db.Model):
    """One outreach visit: when, where, with which partner agency, what was done and what
    follows (stage 1 of the lifecycle, DOMAIN.md)."""

    __tablename__ = "outreach_visit"
    __table_args__ = (check_in("place_kind", "place_kind", OUTREACH_PLACES.codes),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    place_kind: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(String(120))
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_partner.id", ondelete="SET NULL"), index=True)
    actions: Mapped[str | None] = mapped_column(Text)  # what was done
    follow_up: Mapped[str | None] = mapped_column(Text)

    partner: Mapped[NetworkPartner | None] = relationship()
    officers: Mapped[list[Staff]] = relationship(secondary=outreach_officer)
    persons: Mapped[list[OutreachPerson]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="OutreachPerson.id")

    def __str__(self) -> str:
        return f"{self.place} {self.date:%d/%m/%Y}"


class OutreachPerson(VersionMixin, TimestampMixin, db.Model):
    """A person met on a visit: a name, or a description when none is given, with what was
    seen; ``client`` once they were registered from here."""

    __tablename__ = "outreach_person"
    __version_parent__ = "visit"  # a person changed is the visit changed (one form edits both)
    __table_args__ = (
        check_in("sex", "sex", SEXES.codes, nullable=True),
        CheckConstraint("name IS NOT NULL OR description IS NOT NULL", name="named"),
        CheckConstraint("estimated_age IS NULL OR estimated_age BETWEEN 1 AND 120",
                        name="age"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_visit.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(String(255))
    estimated_age: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(1))
    condition: Mapped[str | None] = mapped_column(Text)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("client.id", ondelete="SET NULL"), index=True)

    visit: Mapped[OutreachVisit] = relationship(back_populates="persons")
    client: Mapped[Client | None] = relationship()

    def __str__(self) -> str:
        return self.name or self.description or ""


class Intake(VersionMixin, TimestampMixin, db.Model):
    """An intake (angkatan): the clients recruited together, numbered as the clients'
    ``cohort``. Its first month is the outreach month: a visit every week (DOMAIN.md)."""

    __tablename__ = "intake"
    __table_args__ = (CheckConstraint("number > 0", name="number_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)  # nomor urut angkatan
    starts_on: Mapped[date] = mapped_column(Date, index=True)  # recruitment begins
    note: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return str(_l("Angkatan %(n)s", n=self.number))
