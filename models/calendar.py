"""Days off (hari libur) that generated schedules skip."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import TimestampMixin, VersionMixin, db


class Holiday(VersionMixin, TimestampMixin, db.Model):
    """A national holiday or a day the panti is closed: no sessions are generated on it."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(120))

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
