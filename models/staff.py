"""Employees and other people who serve clients (pegawai / petugas)."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import TimestampMixin, VersionMixin, check_in, db
from .choices import POSITIONS


class Staff(VersionMixin, TimestampMixin, db.Model):
    """A staff member: employee number (NIP, when a civil servant), name and position."""

    __tablename__ = "staff"
    __table_args__ = (check_in("position", "position", POSITIONS.codes),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_number: Mapped[str | None] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    position: Mapped[str] = mapped_column(String(30))
    phone: Mapped[str | None] = mapped_column(String(20))
    # Core members of the case-conference team (tim inti KK).
    is_core_member: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return f"{self.name} ({POSITIONS.label(self.position)})"
