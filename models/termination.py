"""Termination steps (DOMAIN stage 9): the termination statement letter, the hand-over of
the productive-business aid package, and closing the case record — by the social worker,
confirmed by the head."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, check_order, db
from .choices import ATENSI_COMPONENTS
from .client import Client
from .staff import Staff
from .stay import StayMixin


class Termination(StayMixin, VersionMixin, TimestampMixin, db.Model):
    """A client's termination record: the letter, the aid package and the closing."""

    __tablename__ = "termination"
    __table_args__ = (
        UniqueConstraint("client_id", "stay"),  # one per stay (models/stay.py)
        check_order("closed_after_letter", "letter_date", "closed_on"),
        CheckConstraint("closed_on IS NOT NULL OR confirmed_on IS NULL",
                        name="confirmed_after_closed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    letter_date: Mapped[date | None] = mapped_column(Date)
    statement: Mapped[str | None] = mapped_column(Text)  # what the letter states
    aid_recipient: Mapped[str | None] = mapped_column(String(120))
    aid_handed_on: Mapped[date | None] = mapped_column(Date)
    aid_handed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"))
    no_aid_reason: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"))

    client: Mapped[Client] = relationship()
    aid_handed_by: Mapped[Staff | None] = relationship(foreign_keys=[aid_handed_by_id])
    closed_by: Mapped[Staff | None] = relationship(foreign_keys=[closed_by_id])
    confirmed_by: Mapped[Staff | None] = relationship(foreign_keys=[confirmed_by_id])
    aid_items: Mapped[list[AidItem]] = relationship(
        back_populates="termination", cascade="all, delete-orphan", order_by="AidItem.position")

    @property
    def letter_number(self) -> str:
        """The statement letter's number: the record's own, never shared (empty before the
        letter is dated)."""
        return f"{self.id:04d}/TRM/{self.letter_date.year}" if self.letter_date else ""

    @property
    def aid_value(self) -> int:
        return sum(item.value or 0 for item in self.aid_items)

    def __str__(self) -> str:
        return f"Terminasi {self.client.full_name}"


class AidItem(VersionMixin, TimestampMixin, db.Model):
    """One item of the productive-business aid package (a welding set, a sewing machine…)
    and its value in rupiah."""

    __tablename__ = "aid_item"
    __audit_parent__ = "termination_id"
    __version_parent__ = "termination"
    __table_args__ = (CheckConstraint("value IS NULL OR value >= 0", name="value_positive"),
                      check_in("atensi", "atensi", ATENSI_COMPONENTS.codes))

    id: Mapped[int] = mapped_column(primary_key=True)
    termination_id: Mapped[int] = mapped_column(
        ForeignKey("termination.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    item: Mapped[str] = mapped_column(String(200))
    value: Mapped[int | None] = mapped_column(Integer)
    # Means of production for one's own business: ATENSI's vocational component (5).
    atensi: Mapped[str] = mapped_column(String(20), default="vocational",
                                        server_default="vocational")

    termination: Mapped[Termination] = relationship(back_populates="aid_items")

    def __str__(self) -> str:
        return self.item
