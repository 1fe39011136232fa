"""Clients (klien / penerima manfaat) and the register numbers issued to them."""

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
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from .base import TimestampMixin, VersionMixin, check_in, check_order, db, utcnow
from .choices import (
    ACTIVE_STAGES,
    REFERRAL_SOURCES,
    RELIGIONS,
    SEXES,
    STAGES,
    TERMINATION_REASONS,
)
from .room import Room
from .staff import Staff

# 16 digits: trim() removing every digit leaves nothing (portable SQLite/PostgreSQL).
SIXTEEN_DIGITS = "length({col}) = 16 AND trim({col}, '0123456789') = ''"


class RegisterNumber(db.Model):
    """Every client register number ever issued; rows are never deleted, so none is reused."""

    __tablename__ = "register_number"

    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RegisterCounter(db.Model):
    """The next running number of each registration year (``2026`` → 13 gives 2026-0013).

    Taken with one ``UPDATE … RETURNING`` in the registering transaction: the row lock (the
    write lock on SQLite) makes two registrations at the same moment take different numbers,
    and a rolled-back registration gives its number back, so none is skipped or reused.
    """

    __tablename__ = "register_counter"
    __table_args__ = (CheckConstraint("next_number > 0", name="next_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    next_number: Mapped[int] = mapped_column(Integer)


class Client(VersionMixin, TimestampMixin, db.Model):
    """A client's registration (buku induk klien) and where they are in the service stages."""

    __tablename__ = "client"
    __table_args__ = (
        check_in("sex", "sex", SEXES.codes),
        check_in("religion", "religion", RELIGIONS.codes, nullable=True),
        check_in("stage", "stage", STAGES.codes),
        check_in("referral_source", "referral_source", REFERRAL_SOURCES.codes, nullable=True),
        check_in(
            "termination_reason", "termination_reason", TERMINATION_REASONS.codes, nullable=True
        ),
        CheckConstraint(f"nik IS NULL OR ({SIXTEEN_DIGITS.format(col='nik')})", name="nik"),
        CheckConstraint(
            f"family_card_number IS NULL OR ({SIXTEEN_DIGITS.format(col='family_card_number')})",
            name="family_card_number",
        ),
        CheckConstraint("cohort IS NULL OR cohort > 0", name="cohort_positive"),
        CheckConstraint("stay > 0", name="stay_positive"),
        check_order("birth_before_admission", "birth_date", "admission_date"),
        check_order("admission_before_termination", "admission_date", "termination_date"),
        CheckConstraint(
            "(termination_date IS NULL) = (termination_reason IS NULL)",
            name="termination_complete",
        ),
        CheckConstraint(
            "stage NOT IN ('termination', 'aftercare') OR termination_date IS NOT NULL",
            name="terminated_has_date",
        ),
        # The register number is issued at admission: a candidate (stage 1, or one who left
        # from there) may have none, an admitted client always has one.
        CheckConstraint(
            "register_number IS NOT NULL OR stage IN ('approach', 'termination')",
            name="admitted_has_number",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    register_number: Mapped[str | None] = mapped_column(
        ForeignKey("register_number.number"), unique=True
    )
    cohort: Mapped[int | None] = mapped_column(Integer, index=True)  # nomor urut angkatan
    full_name: Mapped[str] = mapped_column(String(120), index=True)
    sex: Mapped[str] = mapped_column(String(1))
    birth_place: Mapped[str | None] = mapped_column(String(80))
    birth_date: Mapped[date | None] = mapped_column(Date)
    religion: Mapped[str | None] = mapped_column(String(20))
    nik: Mapped[str | None] = mapped_column(String(16), unique=True)  # NIK KTP, optional
    family_card_number: Mapped[str | None] = mapped_column(String(16))  # nomor KK
    address: Mapped[str | None] = mapped_column(String(255))  # as on the ID card
    district_of_origin: Mapped[str | None] = mapped_column(String(80), index=True)
    guardian_name: Mapped[str | None] = mapped_column(String(120))
    guardian_relation: Mapped[str | None] = mapped_column(String(40))
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    referral_source: Mapped[str | None] = mapped_column(String(20))
    arrival_condition: Mapped[str | None] = mapped_column(Text)
    belongings: Mapped[str | None] = mapped_column(Text)
    admission_date: Mapped[date | None] = mapped_column(Date, index=True)
    stage: Mapped[str] = mapped_column(String(20), default="approach", index=True)
    social_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("room.id", ondelete="SET NULL"), index=True
    )
    termination_date: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str | None] = mapped_column(String(30))
    photo: Mapped[str | None] = mapped_column(String(255))  # file name under instance/uploads
    # The number of the person's current stay (models/stay.py): 2 once admitted again.
    stay: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    register: Mapped[RegisterNumber | None] = relationship()
    social_worker: Mapped[Staff | None] = relationship(foreign_keys=[social_worker_id])
    room: Mapped[Room | None] = relationship(backref="clients")

    def __str__(self) -> str:
        if self.register_number is None:  # a candidate: numbered at admission
            return self.full_name
        return f"{self.register_number} — {self.full_name}"


# Clients currently living in a room (read in the same SELECT as the room, no extra query).
Room.occupancy = column_property(
    select(func.count(Client.id))
    .where(Client.room_id == Room.id, Client.stage.in_(ACTIVE_STAGES))
    .correlate_except(Client)
    .scalar_subquery()
)
